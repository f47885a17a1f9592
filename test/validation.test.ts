// Validation: the SQL checks derived from the zod schemas agree with zod itself; bad files fail
// whole with one clear line and change nothing; bad records are quarantined, counted, never lost.
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { Db } from "../data-loaders/db.ts";
import { stageRecords } from "../data-loaders/load/stage.ts";
import { type VendorFormat, vendorFormats } from "../data-loaders/sources/catalogue/contract.ts";
import { ingestVendorNight } from "../data-loaders/sources/catalogue/ingest.ts";
import { checksums, hasRealData, query, realV1, realV2, strata, tableGlob, tempDir } from "./support/warehouse.ts";

const vendorSql = (name: string) => fileURLToPath(new URL(`../data-loaders/sources/catalogue/sql/${name}`, import.meta.url));
const formatOf = (entity: string, format: string) => vendorFormats.find((f) => f.entity === entity && f.format === format)!;
const clone = <T>(x: T): T => structuredClone(x);

/** Records that break each kind of rule, made from a valid one. */
function mutations(entity: string, format: string, valid: any): any[] {
  const m = (f: (r: any) => void) => { const r = clone(valid); f(r); return r; };
  if (entity === "authors" && format === "v2") return [
    m((r) => (r.metadata.name = null)), m((r) => (r.metadata.name = "")), m((r) => (r.metadata = null)),
    m((r) => (r.metadata.birth_date = "07/05/1956")), m((r) => (r.nationalities = [])), m((r) => (r.metadata.died_at = null)),
  ];
  if (entity === "authors" && format === "v1") return [m((r) => (r.name = null)), m((r) => (r.died_at = "yesterday")), m((r) => (r.nationality = null))];
  if (entity === "books") return [m((r) => (r.pages = "unknown")), m((r) => (r.pages = -3)), m((r) => (r.pages = 2.5)), m((r) => (r.name = null)), m((r) => (r.author = null))];
  if (entity === "reviews" && format === "v2") return [
    m((r) => (r.rating.rate = 7)), m((r) => (r.rating.rate = "five")), m((r) => (r.rating.label = "SIX")), m((r) => (r.books = [])),
    m((r) => r.books.push(clone(r.books[0]))), m((r) => (r.movies = [])), m((r) => (r.movies[0].title = "")), m((r) => (r.content = null)),
    m((r) => (r.created = "2021-12-02")), m((r) => (r.updated = null)),
  ];
  if (entity === "reviews" && format === "v1") return [m((r) => (r.rate = 0)), m((r) => (r.movie = null)), m((r) => (r.resume = null)), m((r) => (r.book = ""))];
  return [];
}

/** Each record's first broken rule by the SQL checks: an error (reason) or else a warning. */
async function sqlVerdicts(format: VendorFormat, records: unknown[], dir: string): Promise<{ reason: string | null; warning: string | null }[]> {
  const path = join(dir, `${format.entity}-${format.format}.json`);
  writeFileSync(path, JSON.stringify(records));
  const db = await Db.open();
  try {
    await stageRecords(db, {
      path, kind: "json", schema: format.schema, what: "test",
      normalizeSql: vendorSql(`normalize_${format.entity}_${format.format}.sql`),
      materializeSql: vendorSql("record_hash.sql"),
    });
    // `raw` holds the schema's verdict alone (business rules come after, in `hashed`)
    return await db.all<{ reason: string | null; warning: string | null }>(`SELECT reason, warning FROM raw ORDER BY record_index`);
  } finally {
    db.close();
  }
}

describe("the SQL checks are the zod schemas", { skip: !hasRealData && "no ../shared data" }, () => {
  const dir = tempDir("zod");
  for (const [folder, version] of [[realV1, "v1"], [realV2, "v2"]] as const) {
    for (const entity of ["authors", "books", "reviews"]) {
      const format = entity === "books" ? formatOf("books", "v2") : formatOf(entity, version);
      test(`${entity} ${version}: every real record and every mutation gets the same verdict from SQL as from zod`, async () => {
        const real = JSON.parse(readFileSync(join(folder, `${entity}.json`), "utf8")) as any[];
        const valid = real.find((r) => format.schema.safeParse(r).success);
        const records = [...real, ...mutations(entity, version, valid)];
        const verdicts = await sqlVerdicts(format, records, dir);
        // zod knows no severities: its verdict is the SQL's error or warning
        const reasons = verdicts.map((v) => v.reason ?? v.warning);
        records.forEach((record, i) => {
          const zod = format.schema.safeParse(record);
          assert.equal(reasons[i] === null, zod.success, `record ${i} ${JSON.stringify(record).slice(0, 120)}: sql says ${reasons[i]}`);
          if (!zod.success) {
            const zodPaths = zod.error.issues.map((issue) => issue.path.map((p) => (typeof p === "number" ? "[]" : `.${String(p)}`)).join("").replace(/^\./, "").replace(/\.\[\]/g, "[]"));
            const sqlPath = reasons[i]!.split(":")[0];
            assert.ok(zodPaths.some((p) => p === sqlPath || p.startsWith(`${sqlPath}.`) || p.startsWith(`${sqlPath}[]`) || sqlPath.startsWith(p)),
              `record ${i}: SQL blames ${sqlPath}, zod blames ${zodPaths.join(", ")}`);
          }
        });
        assert.ok(reasons.some((r) => r !== null) || mutations(entity, version, valid).length === 0, "the mutations are caught");
        // only the fields marked as warnings (a review's rating label) give warnings
        for (const [i, v] of verdicts.entries()) if (v.warning !== null) assert.match(v.warning, /^rating\.label: /, `record ${i}`);
        if (entity === "reviews" && version === "v2") assert.ok(verdicts.some((v) => v.reason === null && v.warning !== null), "a bad label is a warning, not an error");
      });
    }
  }
});

describe("bad files fail whole, with one line, changing nothing", { skip: !hasRealData && "no ../shared data" }, () => {
  const warehouse = tempDir("bad-wh");
  const base = tempDir("bad-src");
  /** A copy of the real v2 night with one file replaced. */
  function nightWith(name: string, file: string, content: string | null): string {
    const dir = join(base, name);
    mkdirSync(dir, { recursive: true });
    for (const f of ["authors.json", "books.json", "reviews.json"]) if (f !== file || content !== null) copyFileSync(join(realV2, f), join(dir, f));
    if (content !== null) writeFileSync(join(dir, file), content);
    return dir;
  }
  const reviews = readFileSync(join(realV2, "reviews.json"), "utf8");
  const cases: [string, string, string | null, RegExp][] = [
    ["truncated", "reviews.json", reviews.slice(0, reviews.length / 2), /reviews\.json: not valid v2 reviews JSON: Malformed JSON .*(end of|unexpected)/i],
    ["not-json", "books.json", "this is not json", /books\.json: not valid JSON/],
    ["unknown-format", "authors.json", JSON.stringify([{ author: "x", born: "1950" }]), /authors\.json: no known authors format .*record 0/],
    ["empty", "books.json", "[]", /books\.json: no records/],
    ["object", "authors.json", JSON.stringify({ metadata: {} }), /authors\.json: not valid JSON for a vendor dump: expected an array/],
    ["missing", "reviews.json", null, /missing reviews\.json/],
  ];

  test("a first good night is in place", async () => {
    await ingestVendorNight({ warehouse, dir: realV1, date: "2022-01-14" });
  });
  for (const [name, file, content, message] of cases) {
    test(`${name} ${file}: exit 1, one line naming the file, warehouse unchanged`, () => {
      const before = checksums(warehouse);
      const result = strata(["ingest", "vendor", nightWith(name, file, content), "--date", "2022-02-26", "--warehouse", warehouse]);
      assert.equal(result.code, 1, result.stderr);
      const lines = result.stderr.trim().split("\n");
      assert.equal(lines.length, 1, result.stderr);
      assert.match(lines[0], /^strata: /);
      assert.match(lines[0], message);
      assert.doesNotMatch(result.stderr, /\n\s+at /, "no stack trace");
      assert.deepEqual(checksums(warehouse), before);
    });
  }

  test("two bad files: the error names the first in file order, whichever merge lane fails first", () => {
    // authors.json, first in file order, is the largest file, so it has a lane of its own, and it
    // fails only at its end, after about 60 MB of parsing; reviews.json, last in file order,
    // fails at its first byte, on the other lane.
    const authors = readFileSync(join(realV2, "authors.json"), "utf8").trim().slice(1, -1);
    const dir = nightWith("two-bad", "authors.json", `[${Array(1300).fill(authors).join(",")}, {"metadata": `);
    writeFileSync(join(dir, "reviews.json"), "this is not json");
    const before = checksums(warehouse);
    const result = strata(["ingest", "vendor", dir, "--date", "2022-02-26", "--warehouse", warehouse]);
    assert.equal(result.code, 1, result.stderr);
    assert.equal(result.stderr.trim().split("\n").length, 1, result.stderr);
    assert.match(result.stderr, /authors\.json: not valid v2 authors JSON/);
    assert.deepEqual(checksums(warehouse), before);
  });

  test("a different file for a date that already landed is refused; raw data is never overwritten", async () => {
    await ingestVendorNight({ warehouse, dir: realV2, date: "2022-02-26" });
    const before = checksums(warehouse);
    const altered = nightWith("altered", "books.json", readFileSync(join(realV2, "books.json"), "utf8").replace("Harcourt", "Harcourt Ltd"));
    const result = strata(["ingest", "vendor", altered, "--date", "2022-02-26", "--warehouse", warehouse]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /a different books\.json already landed for 2022-02-26/);
    assert.deepEqual(checksums(warehouse), before);
  });

  test("the same drop again is a no-op (exit 0)", () => {
    const before = checksums(warehouse);
    const result = strata(["ingest", "vendor", realV2, "--date", "2022-02-26", "--warehouse", warehouse, "--json"]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(JSON.parse(result.stdout).status, "already-merged");
    assert.deepEqual(checksums(warehouse), before);
  });
});

describe("bad records are quarantined, counted, never lost", { skip: !hasRealData && "no ../shared data" }, () => {
  test("every record is accepted or quarantined with its reason; duplicates keep the first", async () => {
    const warehouse = tempDir("q-wh");
    const dir = tempDir("q-src");
    for (const f of ["authors.json", "books.json"]) copyFileSync(join(realV2, f), join(dir, f));
    const real = JSON.parse(readFileSync(join(realV2, "reviews.json"), "utf8")) as any[];
    const bad = clone(real[3]);
    bad.rating.rate = 9;
    const records = [...real, bad, clone(real[5]), { ...clone(real[7]), movies: [{ id: 0, title: "end" }] }];
    writeFileSync(join(dir, "reviews.json"), JSON.stringify(records));
    const report = await ingestVendorNight({ warehouse, dir, date: "2022-02-26" });
    const reviews = report.entities.find((e) => e.entity === "reviews")!;
    assert.equal(reviews.recordsIn, records.length);
    assert.equal(reviews.accepted + reviews.quarantined, records.length);
    assert.equal(reviews.quarantined, 3);
    const rows = await query<{ record_index: number; reason: string; record: string }>(
      `SELECT record_index::INT AS record_index, reason, record FROM ${tableGlob(warehouse, "quarantine")} WHERE entity = 'reviews' ORDER BY record_index`);
    assert.deepEqual(rows.map((r) => [r.record_index, r.reason]), [
      [real.length, "rating.rate: above 5"],
      [real.length + 1, "duplicate business key: same reviews as record 5"],
      [real.length + 2, 'movies: expected exactly one movie besides the "end" sentinel'],
    ]);
    assert.equal(JSON.parse(rows[0].record).rating.rate, "9", "the record is kept as read");
    const [{ live }] = await query<{ live: number }>(`SELECT count(*)::INT AS live FROM ${tableGlob(warehouse, "reviews_history")} WHERE is_current`);
    assert.equal(live, reviews.accepted);
  });
});
