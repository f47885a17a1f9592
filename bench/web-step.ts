// One measured step of the web analytics benchmark (bench/web.ts), in its own process so its peak
// memory is its own. Prints one JSON line: {ms, maxRssMB, ...}.
//   web-step.ts users <warehouse> <file> <date>        → strata ingest users (merge + restatement)
//   web-step.ts hour <warehouse> <file> <hour>         → strata ingest pageviews
//   web-step.ts arrivals <warehouse> <data-dir> <from> <to>
//                                                       → every delivery arriving in [from, to) (ISO
//                                                         instants), in arrival order: a day end to end
//   web-step.ts plain-hour <warehouse> <file> <out>    → the plain query: the same file read, each view
//                                                         ASOF-joined with every version of the users'
//                                                         history, written to Parquet, and counted per
//                                                         hour and postcode
//   web-step.ts plain-merge <warehouse> <file> <out>   → a plain type-2 merge of the extract into the
//                                                         history's open versions: the next open versions
//                                                         and the closed ones written to Parquet
//   web-step.ts mart <hourly-dir> <postcode> <from> <to> <query> → one query of the mart (see bench/web.ts)
import { readdirSync } from "node:fs";
import { extname, join } from "node:path";
import { Db, sqlLiteral } from "../data-loaders/db.ts";
import { webArrivals } from "../data-loaders/sources/web-analytics/data-folder.ts";
import { webMarts } from "../data-loaders/sources/web-analytics/index.ts";
import { ingestPageviews } from "../data-loaders/sources/web-analytics/pageviews.ts";
import { ingestUsers } from "../data-loaders/sources/web-analytics/users.ts";
import { readSnapshot } from "../data-loaders/warehouse/manifest.ts";

const [mode, ...args] = process.argv.slice(2);
const started = performance.now();
let extra: Record<string, unknown> = {};

/** read_csv or read_parquet of a delivery, plainly (DuckDB's own detection, no checks). */
const plainRead = (file: string) => (extname(file) === ".csv" ? `read_csv(${sqlLiteral(file)})` : `read_parquet(${sqlLiteral(file)})`);
/** The users' history files of the published version. */
function historyFiles(warehouse: string): { current: string[]; all: string[] } {
  const { manifest, dir } = readSnapshot(warehouse);
  const all = (manifest.tables.web_users_history ?? []).map((f) => join(dir, f));
  return { current: all.filter((f) => f.includes("/current-")), all };
}

if (mode === "users") {
  const [warehouse, file, date] = args;
  const report = await ingestUsers({ warehouse, location: file, date, allowMassDeletion: true });
  extra = { records: report.tables[0]?.recordsIn, changes: report.tables[0], details: report.details };
} else if (mode === "hour") {
  const [warehouse, file, hour] = args;
  const report = await ingestPageviews({ warehouse, location: file, hour });
  extra = { records: report.tables[0]?.recordsIn, details: report.tables[0]?.details };
} else if (mode === "arrivals") {
  const [warehouse, dataDir, from, to] = args;
  const steps: { what: string; ms: number }[] = [];
  for (const a of webArrivals(dataDir).filter((a) => a.at >= Date.parse(from) && a.at < Date.parse(to))) {
    const t = performance.now();
    if (a.feed === "users") await ingestUsers({ warehouse, location: a.file, date: a.key, allowMassDeletion: true });
    else await ingestPageviews({ warehouse, location: a.file, hour: a.key });
    steps.push({ what: `${a.feed} ${a.key}${a.feed === "pageviews" && a.redelivery > 1 ? ` r${a.redelivery}` : ""}`, ms: Math.round(performance.now() - t) });
  }
  extra = { loads: steps.length, steps };
} else if (mode === "plain-hour") {
  const [warehouse, file, out] = args;
  const { all } = historyFiles(warehouse);
  const db = await Db.open({ tempDir: join(out, "..", ".plain-tmp") });
  await db.run(`CREATE TEMP TABLE stamped AS
    SELECT v.user_id, v.url, v.pageview_datetime AS viewed_at, u.postcode
    FROM ${plainRead(file)} v
    ASOF LEFT JOIN (SELECT user_id, CASE WHEN NOT is_deleted THEN postcode END AS postcode, CAST(valid_from AS TIMESTAMP) AS valid_from FROM read_parquet(${sqlLiteral(all)}, union_by_name = true)) u
      ON v.user_id = u.user_id AND v.pageview_datetime >= u.valid_from`);
  await db.run(`COPY stamped TO ${sqlLiteral(out)} (FORMAT parquet, COMPRESSION zstd)`);
  const [{ groups }] = await db.all<{ groups: number }>(`SELECT count(*)::INTEGER AS groups FROM (SELECT date_trunc('hour', viewed_at), postcode, count(*) FROM stamped GROUP BY ALL)`);
  extra = { groups };
  db.close();
} else if (mode === "plain-merge") {
  const [warehouse, file, out] = args;
  const { current } = historyFiles(warehouse);
  const db = await Db.open({ tempDir: join(out, "..", ".plain-tmp") });
  await db.run(`CREATE TEMP TABLE extract AS SELECT id AS user_id, postcode FROM ${plainRead(file)}`);
  await db.run(`CREATE TEMP VIEW cur AS SELECT * FROM read_parquet(${sqlLiteral(current)})`);
  // the changed keys, then the open versions after the extract and the versions it closes
  await db.run(`CREATE TEMP TABLE changes AS
    SELECT coalesce(e.user_id, c.user_id) AS user_id, e.postcode AS new_postcode, c.user_id IS NULL AS is_new
    FROM extract e FULL OUTER JOIN (SELECT user_id, postcode, is_deleted FROM cur) c USING (user_id)
    WHERE c.user_id IS NULL OR (e.user_id IS NULL AND NOT c.is_deleted) OR (e.user_id IS NOT NULL AND (c.is_deleted OR e.postcode <> c.postcode))`);
  await db.run(`COPY (SELECT c.* REPLACE (DATE '2099-01-01' AS valid_to, false AS is_current) FROM cur c SEMI JOIN changes USING (user_id)) TO ${sqlLiteral(`${out}.closed.parquet`)} (FORMAT parquet)`);
  await db.run(`COPY (
      SELECT c.* FROM cur c ANTI JOIN changes USING (user_id)
      UNION ALL BY NAME
      SELECT user_id, new_postcode AS postcode, DATE '2099-01-01' AS valid_from, new_postcode IS NULL AS is_deleted, true AS is_current FROM changes
    ) TO ${sqlLiteral(out)} (FORMAT parquet, COMPRESSION uncompressed)`);
  const [{ n }] = await db.all<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM changes`);
  extra = { changes: n };
  db.close();
} else if (mode === "mart") {
  const [hourlyDir, postcode, from, to, query] = args;
  const files = readdirSync(hourlyDir, { recursive: true }).map(String).filter((f) => f.endsWith(".parquet")).map((f) => join(hourlyDir, f));
  const db = await Db.open();
  await db.run(`CREATE VIEW web_pageviews_hourly AS SELECT * FROM read_parquet(${sqlLiteral(files)}, union_by_name = true)`);
  await db.run(`CREATE VIEW pageviews_by_postcode AS ${webMarts.find((v) => v.name === "pageviews_by_postcode")!.sql}`);
  const range = `hour >= TIMESTAMP ${sqlLiteral(from)} AND hour < TIMESTAMP ${sqlLiteral(to)}`;
  const sql = query === "one-postcode-by-day"
    ? `SELECT date_trunc('day', hour) AS day, basis, sum(views) AS views FROM pageviews_by_postcode WHERE postcode = ${sqlLiteral(postcode)} AND ${range} GROUP BY ALL`
    : `SELECT date_trunc('month', hour) AS month, basis, postcode, sum(views) AS views FROM pageviews_by_postcode WHERE ${range} GROUP BY ALL`;
  const t = performance.now();
  const rows = await db.all(sql);
  extra = { rows: rows.length, queryMs: performance.now() - t, files: files.length };
  db.close();
} else {
  throw new Error(`unknown mode ${mode}`);
}
const ms = performance.now() - started;
process.stdout.write(`${JSON.stringify({ ms, maxRssMB: process.resourceUsage().maxRSS / 1024, ...extra })}\n`);
