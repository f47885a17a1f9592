// `npm run bench:web` (part of `npm run bench`): the web analytics loads at the issue's sizes,
// each beside a plain hand-written DuckDB query doing the same work over the same files, in the
// same run, in turns. Writes bench/results-web.json.
//   1. two days generated: BENCH_WEB_USERS users (default 20 M), BENCH_WEB_VIEWS views a day
//      (default 100 M, ≈ 4.2 M an hour), BENCH_WEB_FORMAT csv|parquet (default csv);
//   2. day 1 end to end (the first extract: every user new) → warehouse A;
//   3. the day-2 users extract merged into A (and the views it governs restated), against a plain
//      type-2 merge of the same file (BENCH_REPEAT rounds, default 3) → warehouse B;
//   4. one hour of views (the day-2 hour nearest an average hour) ingested and stamped into B, against the plain query: the
//      same file ASOF-joined with every version of B's history, written and counted;
//   5. day 2 end to end on A (24 hourly loads + 1 users extract, in arrival order), peak memory;
//   6. the mart pageviews_by_postcode over 30 days (day 2's hourly answers repeated over 30 dates):
//      one postcode by day, every postcode by month, beside the same question asked of one day's raw views.
// BENCH_DIR: scratch (default /tmp/strata-bench). Needs ≈ 25 GB free for CSV; ≈ 25 minutes.
import { spawnSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Db, sqlLiteral } from "../data-loaders/db.ts";
import { generateWeb } from "../data-loaders/generate/web.ts";
import { readSnapshot } from "../data-loaders/warehouse/manifest.ts";
import { copyWarehouse } from "../data-loaders/warehouse/versions.ts";

const users = Number(process.env.BENCH_WEB_USERS ?? 20_000_000);
const viewsPerDay = Number(process.env.BENCH_WEB_VIEWS ?? 100_000_000);
const format = (process.env.BENCH_WEB_FORMAT ?? "csv") as "csv" | "parquet";
const repeat = Number(process.env.BENCH_REPEAT ?? 3);
const monthDays = 30;
const root = join(process.env.BENCH_DIR ?? "/tmp/strata-bench", "web");
const step = fileURLToPath(new URL("./web-step.ts", import.meta.url));
const [day1, day2] = ["2022-03-07", "2022-03-08"]; // a Monday and a Tuesday
const ext = format === "csv" ? "csv" : "parquet";

type Measure = { ms: number; maxRssMB: number; [k: string]: unknown };
function measure(...args: string[]): Measure {
  const r = spawnSync(process.execPath, ["--import", "tsx", step, ...args], { encoding: "utf8", maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`bench step ${args.join(" ")} failed:\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split("\n").at(-1)!);
}
const seconds = (ms: number) => Math.round(ms) / 1000;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;
const log = (line: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
function reset(warehouse: string, from: string) {
  rmSync(warehouse, { recursive: true, force: true });
  copyWarehouse(from, warehouse);
  spawnSync("sync");
}
/** rounds of [ours, plain] in turns; medians, ranges and the ratio of the medians */
function paired(rounds: { ours: Measure; plain: Measure }[]) {
  const o = rounds.map((r) => r.ours.ms);
  const p = rounds.map((r) => r.plain.ms);
  return {
    ours_s: seconds(median(o)), ours_range_s: [seconds(Math.min(...o)), seconds(Math.max(...o))],
    plain_s: seconds(median(p)), plain_range_s: [seconds(Math.min(...p)), seconds(Math.max(...p))],
    ratio: ratio(median(o), median(p)),
    ours_peak_rss_mb: Math.round(Math.max(...rounds.map((r) => r.ours.maxRssMB))),
    plain_peak_rss_mb: Math.round(Math.max(...rounds.map((r) => r.plain.maxRssMB))),
    ours_details: rounds[0].ours.details ?? rounds[0].ours.changes,
  };
}

rmSync(root, { recursive: true, force: true });
mkdirSync(root, { recursive: true });
// written after every stage, so a run stopped part-way still leaves what it measured
const out = fileURLToPath(new URL("./results-web.json", import.meta.url));
const results: Record<string, unknown> = { measured_at: new Date().toISOString() };
const save = (key: string, value: unknown) => {
  results[key] = value;
  writeFileSync(out, JSON.stringify(results, null, 2) + "\n");
  log(`${key}: ${JSON.stringify(value).slice(0, 300)}`);
};
const data = join(root, "data");
log(`generating 2 days: ${users} users, ${viewsPerDay} views a day, ${format}…`);
let t = performance.now();
const truth = await generateWeb({ outDir: data, days: 2, users, viewsPerDay, format, startDate: day1, seed: 1 });
const generation_s = seconds(performance.now() - t);
save("sizes", { users, views_per_day: viewsPerDay, format, generated_views: truth.totals, generation_s });
const [A, B, work] = ["wh-a", "wh-b", "wh"].map((n) => join(root, n));

log("day 1 end to end (the first extract: every user new)…");
const firstDay = measure("arrivals", A, data, `${day1}T00:00:00Z`, `${day2}T00:00:00Z`);
save("first_day_end_to_end", { s: seconds(firstDay.ms), peak_rss_mb: Math.round(firstDay.maxRssMB), loads: firstDay.loads, steps: firstDay.steps });

log(`the day-2 users extract, ${repeat} rounds against a plain merge…`);
const usersFile = join(data, "web", "users", `${day2}.${ext}`);
const usersRounds = Array.from({ length: repeat }, (_, i) => {
  reset(work, A);
  const ours = measure("users", work, usersFile, day2);
  if (i === 0) reset(B, work); // the warehouse after the extract, for the hour
  const plain = measure("plain-merge", A, usersFile, join(root, "plain-merge.parquet"));
  return { ours, plain };
});
save("users_extract_merge", { target_s: 60, ...paired(usersRounds) });

// the day-2 hour whose views are nearest an average hour's (views a day ÷ 24: 4.2 M by default)
const hour = truth.hours.filter((h) => h.hour.startsWith(day2) && h.file).sort((a, b) => Math.abs(a.views - viewsPerDay / 24) - Math.abs(b.views - viewsPerDay / 24))[0].hour;
log(`one hour (${hour}), ${repeat} rounds against the plain ASOF query…`);
const hourFile = join(data, "web", "pageviews", `${hour}.${ext}`);
const hourRounds = Array.from({ length: repeat }, () => {
  reset(work, B);
  const ours = measure("hour", work, hourFile, hour);
  const plain = measure("plain-hour", B, hourFile, join(root, "plain-hour.parquet"));
  return { ours, plain };
});
save("one_hour_ingested_and_stamped", { target_s: 10, target_ratio: 1.5, hour, records: hourRounds[0].ours.records, ...paired(hourRounds) });

log("day 2 end to end (24 hourly loads + 1 users extract, in arrival order)…");
reset(work, A);
const fullDay = measure("arrivals", work, data, `${day2}T00:00:00Z`, `${day2}T23:59:59Z`);
save("full_day_end_to_end", { target_s: 300, target_peak_rss_mb: 8192, s: seconds(fullDay.ms), peak_rss_mb: Math.round(fullDay.maxRssMB), loads: fullDay.loads, steps: fullDay.steps });

log(`the marts over ${monthDays} days of answers…`);
const { manifest, dir } = readSnapshot(work);
const hourly = (manifest.tables.web_pageviews_hourly ?? []).filter((f) => f.includes(`view_date=${day2}/`)).map((f) => join(dir, f));
const month = join(root, "hourly-30-days");
const db = await Db.open();
for (let k = 0; k < monthDays; k++) {
  const date = new Date(Date.parse(`2022-04-01T00:00:00Z`) + k * 86_400_000).toISOString().slice(0, 10);
  mkdirSync(join(month, `view_date=${date}`), { recursive: true });
  const shift = `INTERVAL ${k} DAY + (DATE ${sqlLiteral("2022-04-01")} - DATE ${sqlLiteral(day2)}) * INTERVAL 1 DAY`;
  await db.run(`COPY (SELECT hour + ${shift} AS hour, postcode, basis, views FROM read_parquet(${sqlLiteral(hourly)}))
    TO ${sqlLiteral(join(month, `view_date=${date}`, "hourly.parquet"))} (FORMAT parquet, COMPRESSION zstd)`);
}
const [{ countRows, postcode }] = await db.all<{ countRows: number; postcode: string }>(`SELECT (SELECT count(*)::INTEGER FROM read_parquet(${sqlLiteral(join(month, "*", "*.parquet"))})) AS countRows,
  (SELECT postcode FROM read_parquet(${sqlLiteral(hourly)}) WHERE postcode IS NOT NULL GROUP BY postcode ORDER BY sum(views) DESC LIMIT 1) AS postcode`);
// the question without the hourly answers: one postcode's views by day, from one day's raw views
const views = (manifest.tables.web_pageviews ?? []).filter((f) => f.includes(`view_date=${day2}/`)).map((f) => join(dir, f));
t = performance.now();
await db.all(`SELECT date_trunc('day', viewed_at) AS day, count(*) FROM read_parquet(${sqlLiteral(views)}) WHERE postcode = ${sqlLiteral(postcode)} GROUP BY ALL`);
const rawOneDay = performance.now() - t;
db.close();
const mart = (query: string) => {
  const runs = Array.from({ length: 5 }, () => measure("mart", month, postcode, "2022-04-01 00:00:00", "2022-05-01 00:00:00", query));
  return { median_s: seconds(median(runs.map((r) => r.queryMs as number))), range_s: [seconds(Math.min(...runs.map((r) => r.queryMs as number))), seconds(Math.max(...runs.map((r) => r.queryMs as number)))], rows: runs[0].rows };
};

save("marts_30_days", {
  target_s: 1, hourly_rows: countRows, postcode,
  one_postcode_by_day: mart("one-postcode-by-day"),
  all_postcodes_by_month: mart("all-postcodes-by-month"),
  raw_views_one_postcode_one_day_s: seconds(rawOneDay),
});
log(`wrote ${out}`);
process.stdout.write(JSON.stringify(results, null, 2) + "\n");

