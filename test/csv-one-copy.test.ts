// A position-free CSV (load/stage-csv.ts `positionFree`: its normalize SQL only passes
// record_index on) is staged in one copy, its positions attached after the read. It must give
// exactly what the two-copy staging gives: the same rows at the same positions, the same
// quarantine (lines, reasons, records as read) and warnings. Checked on the page views' contract,
// with every kind of bad record, on a small file and on one large enough for DuckDB to read in
// parallel (where file order is easiest to lose).
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, describe, test } from "node:test";
import { Db } from "../data-loaders/db.ts";
import { splitCsv, stageCsv } from "../data-loaders/load/stage-csv.ts";
import { splitStaged } from "../data-loaders/load/stage.ts";
import { pageviewRow } from "../data-loaders/sources/web-analytics/contract.ts";
import { tempDir } from "./support/warehouse.ts";

const sql = (path: string) => fileURLToPath(new URL(`../data-loaders/${path}`, import.meta.url));
const dir = tempDir("csv-one-copy");

/**
 * A page views file of `rows` records for 2022-03-01T10, with a bad record every `every`: in
 * turn a line with a missing field (the reader rejects it), a user id that breaks the contract,
 * an impossible date (the normalize SQL quarantines it), a view after the delivered hour, and a
 * url holding a line end (valid; later records' lines move on); `kinds` picks some. Returns its path.
 */
function pageviewsFile(name: string, rows: number, every: number, kinds = [0, 1, 2, 3, 4]): string {
  const lines = ["user_id,url,pageview_datetime"];
  for (let i = 0; i < rows; i++) {
    const second = String(i % 60).padStart(2, "0");
    const minute = String(Math.floor(i / 60) % 60).padStart(2, "0");
    const at = `2022-03-01 10:${minute}:${second}`;
    switch (i % every === every - 1 ? kinds[Math.floor(i / every) % kinds.length] : -1) {
      case 0: lines.push(`${i},/short.html`); break;
      case 1: lines.push(`u${i},/p.html,${at}`); break;
      case 2: lines.push(`${i},/p.html,2022-02-30 10:00:00`); break;
      case 3: lines.push(`${i},/p.html,2022-03-01 11:00:00`); break;
      case 4: lines.push(`${i},"/two\nlines.html",${at}`); break;
      default: lines.push(`${i},/books/${i % 997}.html,${at}`);
    }
  }
  const path = join(dir, name);
  writeFileSync(path, lines.join("\n") + "\n");
  return path;
}

/** Stages `path` one way and keeps what came of it under `<prefix>_…` tables. */
async function stage(db: Db, path: string, positionFree: boolean, prefix: string): Promise<{ records: number; rejected: number }> {
  const staged = await stageCsv(db, {
    path, schema: pageviewRow, what: "web_pageviews CSV", normalizeSql: sql("sources/web-analytics/sql/normalize_pageviews.sql"),
    materializeSql: sql("load/sql/materialize.sql"), positionFree,
  });
  await splitStaged(db, { keyless: true, positionRaw: staged.positionRaw });
  await splitCsv(db);
  await db.run(`
    CREATE OR REPLACE TABLE ${prefix}_rows AS SELECT record_index, user_id, url, viewed_at, reason FROM hashed;
    CREATE OR REPLACE TABLE ${prefix}_quarantined AS SELECT * FROM quarantined;
    CREATE OR REPLACE TABLE ${prefix}_warned AS SELECT * FROM warned`);
  return { records: staged.records, rejected: staged.rejected };
}

/** The rows of `a` not in `b` and of `b` not in `a`, over the three tables each staging left. */
async function differences(db: Db, a: string, b: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of ["rows", "quarantined", "warned"]) {
    const [{ n }] = await db.all<{ n: number }>(`
      SELECT ((SELECT count(*) FROM (SELECT * FROM ${a}_${t} EXCEPT ALL SELECT * FROM ${b}_${t}))
            + (SELECT count(*) FROM (SELECT * FROM ${b}_${t} EXCEPT ALL SELECT * FROM ${a}_${t})))::INTEGER AS n`);
    out[t] = n;
  }
  return out;
}

describe("a position-free CSV, staged in one copy", () => {
  let db: Db;
  before(async () => {
    db = await Db.open({ threads: 2 });
    await db.setVariables({ delivery_end: "2022-03-01 11:00:00", load_id: "pageviews/2022-03-01T10", entity: "web_pageviews", source_file: "landing/pageviews/f.csv" });
  });
  after(() => db.close());

  test("a small file: the same rows, positions, quarantine and records as read as two copies give", async () => {
    const path = pageviewsFile("small.csv", 30, 3);
    const two = await stage(db, path, false, "two");
    const one = await stage(db, path, true, "one");
    assert.deepEqual(one, two);
    assert.deepEqual(await differences(db, "one", "two"), { rows: 0, quarantined: 0, warned: 0 });
    const quarantine = await db.all<{ record_index: number; reason: string; record: string }>(
      `SELECT record_index::INTEGER AS record_index, reason, record FROM one_quarantined ORDER BY record_index`);
    assert.deepEqual(quarantine.map((q) => q.record_index), [2, 5, 8, 11, 17, 20, 23, 26]);
    // the impossible date, quarantined by the normalize SQL: its record comes from the second read
    const impossible = quarantine.find((q) => q.record_index === 8)!;
    assert.equal(impossible.reason, "line 10: pageview_datetime: not a date and time");
    assert.deepEqual(JSON.parse(impossible.record), { user_id: "8", url: "/p.html", pageview_datetime: "2022-02-30 10:00:00" });
    // after the line end inside record 14's url, every line is one further on
    const late = quarantine.find((q) => q.record_index === 26)!;
    assert.equal(late.reason, "line 29: pageview_datetime: after the delivered hour (2022-03-01T10)");
    assert.match(quarantine.find((q) => q.record_index === 17)!.reason, /^line 20: /);
  });

  test("a file with no line rejected: its positions are the rows' own order", async () => {
    const path = pageviewsFile("no-rejects.csv", 20, 4, [2, 4, 1]);
    const two = await stage(db, path, false, "two");
    const one = await stage(db, path, true, "one");
    assert.deepEqual(one, { records: 20, rejected: 0 });
    assert.deepEqual(one, two);
    assert.deepEqual(await differences(db, "one", "two"), { rows: 0, quarantined: 0, warned: 0 });
    const quarantine = await db.all<{ record_index: number; reason: string; record: string }>(
      `SELECT record_index::INTEGER AS record_index, reason, record FROM one_quarantined ORDER BY record_index`);
    assert.deepEqual(quarantine.map((q) => [q.record_index, q.reason.slice(0, 8), JSON.parse(q.record).user_id]), [
      [3, "line 5: ", "3"], [11, "line 14:", "u11"], [15, "line 18:", "15"],
    ]);
  });

  test("a file with nothing to quarantine is read once, into `hashed` alone", async () => {
    const path = pageviewsFile("valid.csv", 20, 4, [4]);
    await db.run("DROP TABLE IF EXISTS source_rows");
    assert.deepEqual(await stage(db, path, true, "one"), { records: 20, rejected: 0 });
    const tables = await db.all<{ name: string; kind: string }>(`
      SELECT table_name AS name, 'table' AS kind FROM duckdb_tables() WHERE temporary AND table_name IN ('source_rows', 'hashed', 'hashed_rows')
      UNION ALL SELECT view_name, 'view' FROM duckdb_views() WHERE temporary AND view_name = 'hashed' ORDER BY name`);
    assert.deepEqual(tables, [{ name: "hashed", kind: "view" }, { name: "hashed_rows", kind: "table" }]);
  });

  test("a file read in parallel (1 M records): the same as two copies give, in file order", async () => {
    const path = pageviewsFile("large.csv", 1_000_000, 9_973);
    const two = await stage(db, path, false, "two");
    const one = await stage(db, path, true, "one");
    assert.deepEqual(one, two);
    assert.ok(one.rejected > 10, `rejected ${one.rejected}`);
    assert.deepEqual(await differences(db, "one", "two"), { rows: 0, quarantined: 0, warned: 0 });
    // the positions are the file's: each valid row's user id is its record's index
    const [{ misplaced, rows }] = await db.all<{ misplaced: number; rows: number }>(
      `SELECT count(*) FILTER (WHERE reason IS NULL AND user_id <> record_index)::INTEGER AS misplaced, count(*)::INTEGER AS rows FROM one_rows`);
    assert.equal(misplaced, 0);
    assert.equal(rows + one.rejected, 1_000_000);
  });
});
