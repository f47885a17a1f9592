// `strata query`: read-only SQL over the published warehouse, through the real CLI. Results are
// checked against a plain DuckDB over the same Parquet files; writes and reads outside the
// tables are refused, and the warehouse is byte for byte what it was.
import assert from "node:assert/strict";
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import { StrataError } from "../data-loaders/errors.ts";
import { queryWarehouse } from "../data-loaders/query.ts";
import { martViews } from "../data-loaders/warehouse/marts.ts";
import { publishedState, readManifestJson } from "./support/published.ts";
import { checksums, query, strata, tableGlob, tempDir } from "./support/warehouse.ts";

let warehouse = "";
const q = (sql: string, ...flags: string[]) => strata(["query", sql, ...flags, "--warehouse", warehouse]);

/** An error run: exit 1, nothing on stdout, exactly one line on stderr; returns that line. */
function oneErrorLine(r: { code: number; stdout: string; stderr: string }): string {
  assert.equal(r.code, 1, r.stderr);
  assert.equal(r.stdout, "");
  assert.match(r.stderr, /^strata: [^\n]+\n$/);
  return r.stderr.trimEnd();
}

/** RFC 4180 text → records; an unquoted empty field is null, a quoted one "" (as query writes NULL and ''). */
function parseCsv(text: string): (string | null)[][] {
  const records: (string | null)[][] = [];
  let record: (string | null)[] = [];
  let i = 0;
  while (i < text.length) {
    let value: string | null;
    if (text[i] === '"') {
      let end = i + 1;
      value = "";
      for (;;) {
        const quote = text.indexOf('"', end);
        assert.ok(quote >= 0, "unterminated quoted field");
        value += text.slice(end, quote);
        if (text[quote + 1] === '"') {
          value += '"';
          end = quote + 2;
        } else {
          i = quote + 1;
          break;
        }
      }
    } else {
      const end = text.slice(i).search(/,|\r\n/);
      const raw = end < 0 ? text.slice(i) : text.slice(i, i + end);
      assert.ok(!/["\r\n]/.test(raw), `a bare quote or line break in an unquoted field: ${JSON.stringify(raw)}`);
      value = raw === "" ? null : raw;
      i += raw.length;
    }
    record.push(value);
    if (text[i] === ",") i++;
    else {
      assert.equal(text.slice(i, i + 2), "\r\n", "a record ends with CRLF");
      i += 2;
      records.push(record);
      record = [];
    }
  }
  return records;
}

describe("strata query", () => {
  before(() => {
    const data = tempDir("query-gen");
    warehouse = tempDir("query-wh");
    assert.equal(strata(["generate", data, "--scale", "0.05", "--nights", "2", "--seed", "5"]).code, 0);
    for (const night of readdirSync(join(data, "vendor")).sort()) {
      const r = strata(["ingest", "vendor", join(data, "vendor", night), "--date", night, "--warehouse", warehouse]);
      assert.equal(r.code, 0, r.stderr);
    }
    const r = strata(["ingest", "internal", join(data, "internal"), "--warehouse", warehouse]);
    assert.equal(r.code, 0, r.stderr);
  });

  test("a count over each table matches a plain DuckDB read of its Parquet files", async () => {
    for (const table of ["streams", "reviews_history", "authors_history", "loads"]) {
      const r = q(`SELECT count(*) AS n FROM ${table}`, "--json");
      assert.equal(r.code, 0, r.stderr);
      const [expected] = await query<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM ${tableGlob(warehouse, table)}`);
      assert.ok(expected.n > 0);
      assert.deepEqual(JSON.parse(r.stdout), [{ n: expected.n }], table);
    }
  });

  test("the default output is an aligned table: numbers right-aligned, NULL shown, a row count", () => {
    const r = q("SELECT * FROM (VALUES (1, 'a', NULL), (22, 'bbb', 3.5)) AS t(n, s, x) ORDER BY n");
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, [" n  s       x", "--  ---  ----", " 1  a    NULL", "22  bbb   3.5", "2 rows", ""].join("\n"));
    assert.equal(q("SELECT 1 AS one WHERE false").stdout, "one\n---\n0 rows\n");
  });

  test("--json and --csv hold the same rows as a plain DuckDB read; CSV quotes commas, quotes and line breaks", async () => {
    const columns = `stream_id, user_key, size_mb, start_utc,
        'He said "hi", then left' AS note,
        CASE WHEN stream_id % 2 = 0 THEN NULL ELSE movie_title END AS maybe,
        '' AS empty, 'two' || chr(10) || 'lines' AS multi`;
    const sql = `SELECT ${columns} FROM streams ORDER BY stream_id LIMIT 25`;
    const json = q(sql, "--json");
    assert.equal(json.code, 0, json.stderr);
    const rows = JSON.parse(json.stdout) as Record<string, unknown>[];
    // the reference: BIGINT to a number, the TIMESTAMP as DuckDB prints it with the ISO T
    const expected = await query(`
      SELECT stream_id::INTEGER AS stream_id, user_key, size_mb, replace(start_utc::VARCHAR, ' ', 'T') AS start_utc,
             'He said "hi", then left' AS note,
             CASE WHEN stream_id % 2 = 0 THEN NULL ELSE movie_title END AS maybe,
             '' AS empty, 'two' || chr(10) || 'lines' AS multi
      FROM ${tableGlob(warehouse, "streams")} ORDER BY stream_id LIMIT 25`);
    assert.equal(rows.length, 25);
    assert.deepEqual(rows, expected);
    assert.equal(typeof rows[0].stream_id, "number");
    assert.match(rows[0].start_utc as string, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/);

    const csv = q(sql, "--csv");
    assert.equal(csv.code, 0, csv.stderr);
    assert.ok(csv.stdout.includes('"He said ""hi"", then left"'));
    assert.ok(csv.stdout.includes('"two\nlines"'));
    const [header, ...records] = parseCsv(csv.stdout);
    assert.deepEqual(header, Object.keys(expected[0]));
    assert.deepEqual(
      records,
      rows.map((row) => Object.values(row).map((v) => (v === null ? null : String(v)))),
    );
    // and DuckDB's own CSV reader reads the same (quoted empty as '', unquoted empty as NULL)
    const file = join(tempDir("query-csv"), "out.csv");
    writeFileSync(file, csv.stdout);
    const reread = await query(`SELECT * FROM read_csv('${file}', header = true, all_varchar = true, allow_quoted_nulls = false) ORDER BY stream_id::INTEGER`);
    assert.deepEqual(reread, records.map((r) => Object.fromEntries(header.map((name, j) => [name, r[j]]))));
  });

  test("SQL comes from stdin when the argument is -", () => {
    const r = strata(["query", "-", "--json", "--warehouse", warehouse], {}, "-- how many movies\nSELECT count(*) AS n\nFROM movies;\n");
    assert.equal(r.code, 0, r.stderr);
    assert.ok((JSON.parse(r.stdout) as { n: number }[])[0].n > 0);
  });

  test("a bad statement prints DuckDB's message on one line and exits 1", () => {
    assert.match(oneErrorLine(q("SELEC count(*) FROM streams")), /^strata: query: Parser Error: syntax error at or near "SELEC"/);
    assert.match(oneErrorLine(q("SELECT count(*) FROM no_such_table")), /^strata: query: Catalog Error: Table with name no_such_table does not exist!/);
    assert.match(oneErrorLine(q("SELECT CAST(user_key AS INTEGER) FROM streams")), /^strata: query: Conversion Error: /);
    assert.equal(oneErrorLine(q("SELECT 1; SELECT 2")), "strata: query: one statement at a time (got 2)");
  });

  test("usage errors exit 2: --json with --csv, no SQL", () => {
    const both = q("SELECT 1", "--json", "--csv");
    assert.equal(both.code, 2);
    assert.match(both.stderr, /^strata: query: --json and --csv cannot be used together\nusage/);
    assert.equal(strata(["query", "--warehouse", warehouse]).code, 2);
  });

  test("nothing can be written or read outside the tables; the warehouse stays byte-identical", () => {
    const before = publishedState(warehouse);
    const tree = checksums(warehouse);
    const outside = tempDir("query-outside");
    const published = join(warehouse, readManifestJson(warehouse)!.tables.streams[0]);
    const refused: [string, RegExp][] = [
      [`COPY (SELECT 1) TO '${outside}/x.csv'`, /Permission Error: Cannot access file .*x\.csv/],
      // a published file is readable, so only the statement's type keeps it from being overwritten
      [`COPY (SELECT 2 AS x) TO '${published}' (FORMAT csv, USE_TMP_FILE false)`, /only read statements are allowed \(got COPY\)$/],
      [`EXPLAIN ANALYZE COPY (SELECT 2 AS x) TO '${published}' (FORMAT parquet, USE_TMP_FILE false)`, /only read statements are allowed \(got EXPLAIN/],
      ["CREATE TABLE t AS SELECT 1", /only read statements are allowed \(got CREATE\)$/],
      ["DROP VIEW streams", /only read statements are allowed \(got DROP\)$/],
      [`ATTACH '${outside}/x.db'`, /only read statements are allowed \(got ATTACH\)$/],
      ["INSTALL httpfs", /only read statements are allowed \(got LOAD\)$/],
      ["SET enable_external_access = true", /only read statements are allowed \(got SET\)$/],
      [`SELECT 1; COPY (SELECT 1) TO '${outside}/y.csv'`, /one statement at a time \(got 2\)$/],
      ["SELECT * FROM read_csv('/etc/passwd')", /Permission Error: Cannot access file "\/etc\/passwd"/],
      // within the warehouse folder too: only the tables' files
      [`SELECT * FROM read_text('${join(warehouse, "_manifest.json")}')`, /Permission Error: Cannot access file/],
      [`SELECT * FROM glob('${warehouse}/**')`, /Permission Error: Cannot access file/],
    ];
    for (const [sql, message] of refused) {
      const line = oneErrorLine(q(sql));
      assert.match(line, /^strata: query: /, sql);
      assert.match(line, message, sql);
    }
    assert.deepEqual(readdirSync(outside), []);
    assert.deepEqual(publishedState(warehouse), before);
    assert.deepEqual(checksums(warehouse), tree);
    // and the session still reads the tables
    assert.equal(q("SELECT count(*) AS n FROM streams", "--json").code, 0);
  });

  test("a missing warehouse is one error line, exit 1, and is not created", () => {
    const missing = join(tempDir("query-missing"), "nowhere");
    const r = strata(["query", "SELECT 1", "--warehouse", missing]);
    assert.equal(oneErrorLine(r), `strata: ${missing}: no published warehouse here (no _manifest.json)`);
    assert.equal(existsSync(missing), false);
  });

  test("mart views: created after the tables, queried by name under the same guards", async () => {
    // the sources' marts, each naming the tables it reads; this warehouse never loaded the web
    // feeds, so it has none of theirs, and every other query still runs
    assert.deepEqual(martViews.map((v) => [v.name, v.needs?.includes("web_pageviews_hourly")]), [["pageviews_by_postcode", true], ["pageview_moves", true]]);
    await assert.rejects(queryWarehouse(warehouse, "SELECT * FROM pageviews_by_postcode"), /Table with name pageviews_by_postcode does not exist/);
    const views = [{ name: "streams_per_user", sql: "SELECT user_key, count(*) AS n FROM streams GROUP BY user_key" }];
    const result = await queryWarehouse(warehouse, "SELECT user_key, n FROM streams_per_user ORDER BY user_key", { views });
    const expected = await query<{ user_key: string; n: number }>(
      `SELECT user_key, count(*)::INTEGER AS n FROM ${tableGlob(warehouse, "streams")} GROUP BY user_key ORDER BY user_key`,
    );
    assert.deepEqual(result.columns.map((c) => [c.name, c.numeric]), [["user_key", false], ["n", true]]);
    assert.deepEqual(result.rows, expected.map((r) => [r.user_key, r.n]));
    await assert.rejects(
      queryWarehouse(warehouse, "SELECT 1", { views: [{ name: "broken", sql: "SELECT * FROM no_such_table" }] }),
      (error: Error) => error instanceof StrataError && /^view broken: Catalog Error: Table with name no_such_table does not exist!/.test(error.message),
    );
    // the session a query runs in: no file access but the tables', settings locked, no spill folder
    const settings = await queryWarehouse(
      warehouse,
      "SELECT current_setting('enable_external_access') AS e, current_setting('lock_configuration') AS l, current_setting('temp_directory') AS t",
    );
    assert.deepEqual(settings.rows, [[false, true, ""]]);
    await assert.rejects(
      queryWarehouse(warehouse, `COPY streams_per_user TO '${join(tempDir("query-mart"), "out.csv")}'`, { views }),
      (error: Error) => error instanceof StrataError && /^query: Permission Error/.test(error.message),
    );
  });
});
