// A broken CSV extract never changes the answers (the shared CSV machinery: load/stage-csv.ts
// and load/shrink.ts, so every CSV source gets it). Each case starts from a warehouse built from
// the real data, runs the real CLI on copies of the real extracts with one fault, and shows
// either a refusal (exit 1, one line naming the file, the line and the reason; the warehouse byte
// for byte as it was; `strata answers --json` as it was), or, for columns in another order or an
// extra column, a load equal to the original one.
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import { shrinkTrip } from "../data-loaders/load/shrink.ts";
import { ingestInternal } from "../data-loaders/sources/app-extracts/ingest.ts";
import { ingestVendorNight } from "../data-loaders/sources/catalogue/ingest.ts";
import { copyWarehouse } from "../data-loaders/warehouse/versions.ts";
import { publishedState, readManifestJson, tableContents } from "./support/published.ts";
import { checksums, hasRealData, query, realInternal, realV1, realV2, strata, tempDir } from "./support/warehouse.ts";

const FILES = ["users.csv", "movies.csv", "streams.csv"] as const;
type Extract = (typeof FILES)[number];
const real = (file: Extract) => readFileSync(join(realInternal, file), "utf8");

/** A folder with the three real extracts, `changes` replacing some of them (text as written). */
function extract(changes: Partial<Record<Extract, string>>): string {
  const dir = tempDir("csv-extract");
  for (const file of FILES) writeFileSync(join(dir, file), changes[file] ?? real(file));
  return dir;
}

/** A CSV's lines without its last line end, changed by `edit`, joined back with one. */
const lines = (file: Extract, edit: (lines: string[]) => string[]) => `${edit(real(file).replace(/\n$/, "").split("\n")).join("\n")}\n`;

/** users.csv (no field of it is quoted) with its columns chosen and ordered by `order`. */
function usersWith(order: (fields: string[]) => string[]): string {
  assert.ok(!real("users.csv").includes('"'));
  return lines("users.csv", (ls) => ls.map((l) => order(l.split(",")).join(",")));
}

const answers = (warehouse: string) => {
  const r = strata(["answers", "--json", "--warehouse", warehouse]);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout;
};

/** The three tables the extracts load, as rows. */
async function extractTables(warehouse: string): Promise<Record<string, unknown[]>> {
  const all = await tableContents(warehouse);
  return { users: all.users, movies: all.movies, streams: all.streams };
}

describe("a broken CSV extract never changes the answers", { skip: !hasRealData && "no ../shared data" }, () => {
  const warehouse = tempDir("csv-wh");
  let before_: { sums: Record<string, string>; state: ReturnType<typeof publishedState>; answers: string; tables: Record<string, unknown[]> };

  before(async () => {
    await ingestVendorNight({ warehouse, dir: realV1, date: "2022-01-14" });
    await ingestVendorNight({ warehouse, dir: realV2, date: "2022-02-26" });
    await ingestInternal({ warehouse, dir: realInternal });
    before_ = { sums: checksums(warehouse), state: publishedState(warehouse), answers: answers(warehouse), tables: await extractTables(warehouse) };
    assert.equal(JSON.parse(before_.answers).q6_users_watched_half_a_movie_last_week, 712);
    assert.deepEqual([before_.tables.users.length, before_.tables.movies.length, before_.tables.streams.length], [783, 91, 9652]);
  });

  /** Runs `strata ingest internal` on `dir` and requires a refusal that changes nothing. */
  function refused(dir: string, file: Extract, message: string | RegExp, args: string[] = []): void {
    const r = strata(["ingest", "internal", dir, "--warehouse", warehouse, ...args]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.equal(r.stdout, "");
    const errorLines = r.stderr.trimEnd().split("\n");
    assert.equal(errorLines.length, 1, r.stderr);
    const prefix = `strata: ${join(dir, file)}: `;
    assert.ok(errorLines[0].startsWith(prefix), `${errorLines[0]} starts with ${prefix}`);
    if (typeof message === "string") assert.equal(errorLines[0].slice(prefix.length), message);
    else assert.match(errorLines[0].slice(prefix.length), message);
    assert.deepEqual(checksums(warehouse), before_.sums, "every file of the warehouse as it was");
    assert.deepEqual(publishedState(warehouse), before_.state);
    assert.equal(answers(warehouse), before_.answers);
  }

  /** Runs `strata ingest internal` on `dir` over a copy of the warehouse; returns the copy and the run. */
  function loaded(dir: string, args: string[] = []) {
    const copy = tempDir("csv-wh-copy");
    copyWarehouse(warehouse, copy);
    const r = strata(["ingest", "internal", dir, "--warehouse", copy, "--verbose", "--json", ...args]);
    assert.equal(r.code, 0, r.stderr);
    return { copy, report: JSON.parse(r.stdout), stderr: r.stderr };
  }

  test("movies.csv with an extra first column (movie_id): loaded by name, the column ignored with a warning, the tables as before", async () => {
    const withId = lines("movies.csv", (ls) => ls.map((l, i) => `${i === 0 ? "movie_id" : i},${l}`));
    const { copy, report, stderr } = loaded(extract({ "movies.csv": withId }));
    assert.equal(report.status, "loaded");
    assert.deepEqual(report.tables.find((t: { table: string }) => t.table === "movies"), {
      table: "movies", recordsIn: 91, accepted: 91, quarantined: 0, warned: 0, ignoredColumns: ["movie_id"],
    });
    assert.match(stderr, /^internal movies: movies\.csv: column movie_id: not in the contract, ignored$/m);
    const warnings = await query<{ record_index: number | null; warning: string; source_file: string }>(
      `SELECT record_index, warning, source_file FROM read_parquet('${copy}/warnings/*.parquet') WHERE load_id LIKE 'internal/%'`);
    assert.deepEqual(warnings, [{ record_index: null, warning: "column movie_id: not in the contract, ignored", source_file: `landing/internal/${report.key}/movies.csv` }]);
    assert.deepEqual(await extractTables(copy), before_.tables);
    assert.equal(answers(copy), before_.answers);
  });

  test("users.csv with its columns reordered (email first): loaded by name, the tables as before", async () => {
    const reordered = usersWith(([first, last, email]) => [email, first, last]);
    assert.ok(reordered.startsWith("email,first_name,last_name\nkarine@bode-rogahn.org,Eddy,Kirlin\n"));
    const { copy, report } = loaded(extract({ "users.csv": reordered }));
    assert.deepEqual(report.tables.find((t: { table: string }) => t.table === "users"), { table: "users", recordsIn: 783, accepted: 783, quarantined: 0, warned: 0 });
    assert.deepEqual(await extractTables(copy), before_.tables);
    assert.equal(answers(copy), before_.answers);
  });

  test("movies.csv delimited by ';': refused, naming the columns it lacks and the delimiter", () => {
    const semicolons = lines("movies.csv", (ls) => ls.map((l) => (l.startsWith('"') ? l.replace(/",/, '";').replace(/,(?=[^"]*$)/g, ";") : l.replaceAll(",", ";"))));
    refused(extract({ "movies.csv": semicolons }), "movies.csv",
      'line 1: no columns title, duration_mins, original_language, size_mb; the header is one column, "title;duration_mins;original_language;size_mb": the file is delimited by ";", and this CSV by ","');
  });

  test("users.csv with an unterminated quote on line 4: refused at line 4, none of the 780 users after it lost", () => {
    refused(extract({ "users.csv": lines("users.csv", (ls) => ls.map((l, i) => (i === 3 ? `"${l}` : l))) }), "users.csv",
      "line 4: a quoted field opened here is never closed; every line after it would read as one field");
  });

  test("a 0-byte users.csv: refused", () => {
    refused(extract({ "users.csv": "" }), "users.csv", "line 1: empty file: no header line naming the columns");
  });

  test("users.csv with a header and no records: refused, unless --allow-shrink", async () => {
    const dir = extract({ "users.csv": "first_name,last_name,email\n" });
    refused(dir, "users.csv", "line 1: a header and no records: table users would be left empty (783 rows now); refused, nothing changed (pass --allow-shrink to accept it)");
    const { copy } = loaded(dir, ["--allow-shrink"]);
    const [{ n }] = await query<{ n: number }>(`SELECT count(*)::INT AS n FROM read_parquet('${copy}/users/*.parquet')`);
    assert.equal(n, 0);
  });

  test("streams.csv whose last line is cut short (no line end, 3 of 5 fields): refused, not dropped", () => {
    const text = real("streams.csv").replace(/\n$/, "");
    const cut = text.slice(0, text.lastIndexOf(",", text.lastIndexOf(",") - 1));
    refused(extract({ "streams.csv": cut }), "streams.csv", "line 9653: the last line has 3 of 5 fields and no line end: the file is cut short");
  });

  test("users.csv without its last_name column: refused, naming it", () => {
    refused(extract({ "users.csv": usersWith(([first, , email]) => [first, email]) }), "users.csv",
      'line 1: no column last_name; the header names "first_name", "email"');
  });

  test("a quote out of place joining lines into one record of the wrong length: refused, not quarantined as one", () => {
    const joined = lines("users.csv", (ls) => ls.map((l, i) => (i === 9 ? l.replace(",", ',"') : i === 12 ? l.replace(",", '",') : l)));
    refused(extract({ "users.csv": joined }), "users.csv", /^line 10: a record running to line 13 .* has \d+ fields, not 3/);
  });

  test("every quarantined row names its own file and line, once; the counts add up to an independent count", async () => {
    // users.csv: line 10 has an extra field, line 21 is spaces, line 31 a bad email, line 41 a repeated email
    const users = lines("users.csv", (ls) => ls.map((l, i) => (i === 9 ? `${l},extra` : i === 20 ? "   " : i === 30 ? "Ann,Lee,not-an-email" : i === 40 ? ls[1] : l)));
    // streams.csv: record 2 holds a line end in a quoted title (valid), so line 101 is record 98, with a bad size
    const streams = lines("streams.csv", (ls) => ls.map((l, i) => (i === 3 ? `"Jaws\nthe sequel"${l.slice(l.indexOf(","))}` : i === 99 ? l.replace(/,[\d.]+,/, ",big,") : l)));
    const dir = extract({ "users.csv": users, "streams.csv": streams });
    const { copy, report } = loaded(dir);
    const rows = await query<{ entity: string; file: string; record_index: number; reason: string; record: string }>(`
      SELECT entity, regexp_extract(source_file, '[^/]+$') AS file, record_index::INT AS record_index, reason, record
      FROM read_parquet('${copy}/quarantine/*.parquet') WHERE load_id LIKE 'internal/%' ORDER BY entity, record_index`);
    const userLine = (n: number) => users.split("\n")[n - 1];
    assert.deepEqual(rows.map(({ record, ...r }) => r), [
      { entity: "streams", file: "streams.csv", record_index: 98, reason: "line 101: size_mb: expected a number" },
      { entity: "users", file: "users.csv", record_index: 8, reason: "line 10: 4 fields, the header has 3" },
      { entity: "users", file: "users.csv", record_index: 19, reason: "line 21: 1 field, the header has 3" },
      { entity: "users", file: "users.csv", record_index: 29, reason: "line 31: email: does not match ^[^@\\s]+@[^@\\s]+$" },
      { entity: "users", file: "users.csv", record_index: 39, reason: "line 41: duplicate business key: same users as record 0" },
    ]);
    assert.equal(rows[1].record, userLine(10), "the malformed line as it is in the file");
    assert.equal(JSON.parse(rows[3].record).email, "not-an-email");
    // an independent count: the records of each file are its lines but the header and the quoted line end
    const counted = { users: users.split("\n").length - 2, movies: real("movies.csv").split("\n").length - 2, streams: streams.split("\n").length - 3 };
    for (const t of report.tables as { table: keyof typeof counted; recordsIn: number; accepted: number; quarantined: number }[]) {
      assert.equal(t.recordsIn, counted[t.table], t.table);
      assert.equal(t.accepted + t.quarantined, t.recordsIn, t.table);
      assert.equal(t.quarantined, rows.filter((r) => r.entity === t.table).length, t.table);
    }
    // the accepted streams keep their place in the file: record 98 is missing, record 99 is the one after it
    const [{ title }] = await query<{ title: string }>(`SELECT movie_title AS title FROM read_parquet('${copy}/streams/*.parquet') WHERE stream_id = 2`);
    assert.equal(title, "Jaws\nthe sequel");
    const check = strata(["check", "--warehouse", copy]);
    assert.equal(check.code, 0, check.stderr);
  });

  test("a users.csv a third shorter is refused; --allow-shrink loads it, recorded, and the check accepts it", async () => {
    const dir = extract({ "users.csv": lines("users.csv", (ls) => ls.slice(0, 501)) });
    refused(dir, "users.csv", "table users would shrink from 783 to 500 rows (36.1% fewer, more than 20%); refused, nothing changed (pass --allow-shrink to accept it)");
    const { copy, stderr } = loaded(dir, ["--allow-shrink"]);
    assert.match(stderr, /^internal users: accepted with --allow-shrink: table users would shrink from 783 to 500 rows/m);
    const [warning] = await query<{ record_index: number | null; warning: string }>(
      `SELECT record_index, warning FROM read_parquet('${copy}/warnings/*.parquet') WHERE entity = 'users'`);
    assert.deepEqual(warning, { record_index: null, warning: "accepted with --allow-shrink: table users would shrink from 783 to 500 rows (36.1% fewer, more than 20%)" });
    assert.equal(strata(["check", "--warehouse", copy]).code, 0, "a shrink accepted on purpose passes the check");
  });

  test("the share is STRATA_MASS_CHANGE_SHARE's, as for the vendor's histories", () => {
    const dir = extract({ "users.csv": lines("users.csv", (ls) => ls.slice(0, 501)) });
    const copy = tempDir("csv-wh-share");
    copyWarehouse(warehouse, copy);
    const r = strata(["ingest", "internal", dir, "--warehouse", copy], { STRATA_MASS_CHANGE_SHARE: "0.5" });
    assert.equal(r.code, 0, r.stderr);
  });

  test("a users.csv with a quarter of its emails broken is refused", () => {
    const broken = lines("users.csv", (ls) => ls.map((l, i) => (i > 0 && i <= 200 ? l.replace("@", " at ") : l)));
    refused(extract({ "users.csv": broken }), "users.csv", "200 of 783 records quarantined (25.5%, more than 20%); refused, nothing changed (pass --allow-shrink to accept it)");
  });

  test("--allow-shrink belongs to sources replaced whole: a usage error for the vendor's", () => {
    const r = strata(["ingest", "vendor", realV2, "--date", "2022-02-26", "--allow-shrink", "--warehouse", warehouse]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^strata: ingest vendor: --allow-shrink is for sources whose tables each delivery replaces/);
    assert.deepEqual(checksums(warehouse), before_.sums);
  });

  test("strata check fails on a table emptied, or shrunk past the breaker, by its last load", async () => {
    assert.equal(strata(["check", "--warehouse", warehouse]).code, 0);
    // a later load of the extracts (as a warehouse loaded before the breaker, or around it, may hold): users shrunk, movies emptied
    const broken = tempDir("csv-wh-broken");
    copyWarehouse(warehouse, broken);
    const manifest = readManifestJson(broken)!;
    const loads = manifest.tables.loads.map((f) => `'${join(broken, f)}'`).join(", ");
    await query(`COPY (
        SELECT * REPLACE ('internal/later' AS load_id, loaded_at + INTERVAL 1 DAY AS loaded_at,
                          CASE entity WHEN 'users' THEN 600 WHEN 'movies' THEN 0 ELSE accepted END AS accepted,
                          CASE entity WHEN 'users' THEN 600 WHEN 'movies' THEN 0 ELSE records_in END AS records_in)
        FROM read_parquet([${loads}], union_by_name = true) WHERE source = 'internal'
      ) TO '${join(broken, "loads", "later.parquet")}' (FORMAT parquet)`);
    manifest.tables.loads.push("loads/later.parquet");
    writeFileSync(join(broken, "_manifest.json"), JSON.stringify(manifest));
    const r = strata(["check", "--warehouse", broken]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^strata: replaced_tables_emptied_or_shrunk: 2 rows\n$/);
    const results = JSON.parse(r.stdout) as { check: string; sample: { entity: string; accepted_before: string; accepted: string }[] }[];
    const sample = results.find((c) => c.check === "replaced_tables_emptied_or_shrunk")!.sample;
    assert.deepEqual(sample.map((s) => [s.entity, Number(s.accepted_before), Number(s.accepted)]).sort(), [["movies", 91, 0], ["users", 783, 600]]);
  });
});

describe("the shrink breaker's rule", () => {
  const trip = (before: number | null, accepted: number, quarantined = 0) =>
    shrinkTrip({ table: "t", recordsIn: accepted + quarantined, accepted, quarantined, what: "t.csv" }, before, 0.2);
  test("a table under 100 rows is not exempt; a change of fewer than 5 rows never trips it; emptying always does", () => {
    assert.match(trip(91, 60)!, /would shrink from 91 to 60 rows/);
    assert.equal(trip(91, 73), null, "19.8% fewer");
    assert.equal(trip(10, 6), null, "40% fewer, but 4 rows");
    assert.match(trip(3, 0)!, /would be left empty \(3 rows now\)/);
    assert.match(trip(null, 0)!, /line 1: a header and no records: table t would be left empty \(no table yet\)/);
    assert.equal(trip(0, 0), null, "an empty table stays empty");
    assert.match(trip(null, 10, 5)!, /5 of 15 records quarantined \(33\.3%/);
    assert.equal(trip(null, 10, 4), null, "4 rows quarantined");
  });
});
