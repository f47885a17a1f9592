// `npm run bench`: merge throughput on generated vendor nights, against a plain DuckDB read of
// the same files and a plain DuckDB conversion of them to Parquet, in the same run; peak memory;
// and nights 1, 2 and 30 of a 30-night sequence (cost must follow the size of the night's dump,
// not the nights already merged). Writes bench/results.json.
//
// Sizes (env): BENCH_SCALE (default 4215: nights of 1.000 GB, the target's size),
// BENCH_LONG_SCALE (default 1000 ≈ 235 MB a night) and BENCH_LONG_NIGHTS (default 30).
// BENCH_DIR: scratch (default /tmp/strata-bench).
// Needs ~2.5 GB + 3 × BENCH_LONG_NIGHTS × 235 MB of free disk; takes 12–20 minutes on 2 cores.
import { spawnSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { copyWarehouse } from "../data-loaders/warehouse/versions.ts";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { generate } from "../data-loaders/generate/index.ts";

const scale = Number(process.env.BENCH_SCALE ?? 4215);
const longScale = Number(process.env.BENCH_LONG_SCALE ?? 1000);
const longNights = Number(process.env.BENCH_LONG_NIGHTS ?? 30);
const root = process.env.BENCH_DIR ?? "/tmp/strata-bench";
// Timings on this 2-core VM vary by ±20% from one run to the next, so each 1 GB step runs this
// many times, the merge and its baselines in turns (each merge into a fresh copy of the warehouse
// as it stood before the night), and the median is reported, with the range.
const repeat = Number(process.env.BENCH_REPEAT ?? 3);
// Nights 1, 2 and 30 are ~4 s runs, where the noise is as large as the effect measured (three
// runs each gave night 30 ÷ night 1 medians of 1.00× and 1.21× in two bench runs), so seven.
const longRepeat = Number(process.env.BENCH_LONG_REPEAT ?? 7);
const step = fileURLToPath(new URL("./merge-night.ts", import.meta.url));

type Measure = { ms: number; maxRssMB: number; records?: number };
function measure(...args: string[]): Measure {
  const r = spawnSync(process.execPath, ["--import", "tsx", step, ...args], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`bench step ${args.join(" ")} failed:\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split("\n").at(-1)!);
}
const seconds = (ms: number) => Math.round(ms) / 1000;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
/** the run with the median time among `runs`, plus the range of their times */
function medianRun(runs: Measure[]): Measure & { range_s: [number, number] } {
  const ms = runs.map((r) => r.ms);
  const mid = runs.find((r) => r.ms === median(ms))!;
  return { ...mid, range_s: [seconds(Math.min(...ms)), seconds(Math.max(...ms))] };
}
/** Puts `warehouse` back as it was in `from` (empty when null), on disk before a timed step starts. */
function resetWarehouse(warehouse: string, from: string | null) {
  rmSync(warehouse, { recursive: true, force: true });
  if (from) copyWarehouse(from, warehouse);
  spawnSync("sync"); // the files just copied must not be written back during the timed step
}
const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;
const mean = (runs: { merge_s: number }[]) => runs.reduce((sum, r) => sum + r.merge_s, 0) / runs.length;
const log = (line: string) => process.stderr.write(`${line}\n`);

rmSync(root, { recursive: true, force: true });
mkdirSync(root, { recursive: true });

// 1. A ≥ 1 GB night: the first night (all inserts) and a second (typical changes over 1 GB of history).
log(`generating 2 nights at scale ${scale}…`);
const big = await generate({ outDir: join(root, "big"), scale, nights: 2, seed: 1, internal: false });
const bigNights = big.nights.map((n) => {
  const dir = join(root, "big", n.dir);
  const warehouse = join(root, "big-wh");
  const before = join(root, "big-wh-before");
  rmSync(before, { recursive: true, force: true });
  mkdirSync(warehouse, { recursive: true });
  copyWarehouse(warehouse, before); // the warehouse as it stands before this night
  if (!process.env.BENCH_SCALE && n.bytes < 1e9) throw new Error(`night ${n.date} is ${n.bytes} bytes: the default scale must give nights of at least 1 GB`);
  const restore = () => resetWarehouse(warehouse, before);
  // The merge and its baselines run in turns, `repeat` rounds, so that each round's ratios
  // compare runs made in the same minutes of this VM (its speed drifts by ±30% over minutes).
  const rounds = Array.from({ length: repeat }, () => ({
    scan: measure("scan", dir),
    convert: measure("convert", dir),
    merge: (restore(), measure("merge", warehouse, dir, n.date)),
    mergeDownloaded: (restore(), measure("merge-downloaded", warehouse, dir, n.date)),
  }));
  const scanOneAtATime = measure("scan-one-at-a-time", dir);
  const load = measure("load", dir);
  const [scan, convert, merge, mergeDownloaded] = (["scan", "convert", "merge", "mergeDownloaded"] as const).map((k) => medianRun(rounds.map((r) => r[k])));
  const result = {
    date: n.date,
    bytes: n.bytes,
    records: merge.records,
    merge_s: seconds(merge.ms),
    merge_range_s: merge.range_s,
    // the nightly job's case: files downloaded into the warehouse, moved (not copied) into landing
    merge_downloaded_s: seconds(mergeDownloaded.ms),
    merge_downloaded_range_s: mergeDownloaded.range_s,
    scan_s: seconds(scan.ms),
    scan_range_s: scan.range_s,
    scan_one_file_at_a_time_s: seconds(scanOneAtATime.ms),
    load_s: seconds(load.ms),
    convert_s: seconds(convert.ms),
    convert_range_s: convert.range_s,
    merge_vs_scan: ratio(merge.ms, scan.ms),
    merge_vs_scan_per_round: rounds.map((r) => ratio(r.merge.ms, r.scan.ms)),
    // the floor: what a plain conversion of the same files to Parquet costs against the scan
    convert_vs_scan: ratio(convert.ms, scan.ms),
    convert_vs_scan_per_round: rounds.map((r) => ratio(r.convert.ms, r.scan.ms)),
    merge_vs_convert: ratio(merge.ms, convert.ms),
    merge_vs_load: ratio(merge.ms, load.ms),
    throughput_MB_s: Math.round(n.bytes / 1e6 / (merge.ms / 1000)),
    peak_rss_MB: Math.round(merge.maxRssMB),
    scan_peak_rss_MB: Math.round(scan.maxRssMB),
    convert_peak_rss_MB: Math.round(convert.maxRssMB),
  };
  log(JSON.stringify(result));
  return result;
});
rmSync(join(root, "big"), { recursive: true, force: true });
rmSync(join(root, "big-wh"), { recursive: true, force: true });
rmSync(join(root, "big-wh-before"), { recursive: true, force: true });

// 2. Thirty nights: does night 30 cost what night 1 did?
log(`generating ${longNights} nights at scale ${longScale}…`);
// No new records: the dump stays near night 1's size, so a slower night 30 could only come from
// the nights already merged.
const long = await generate({ outDir: join(root, "long"), scale: longScale, nights: longNights, seed: 2, internal: false, growth: false });
const longWarehouse = join(root, "long-wh");
const beforeLast = join(root, "long-wh-before-last");
const beforeSecond = join(root, "long-wh-before-second");
const longRuns = long.nights.map((n, i) => {
  if (i === 1) copyWarehouse(longWarehouse, beforeSecond);
  if (i === longNights - 1) copyWarehouse(longWarehouse, beforeLast);
  const merge = measure("merge", longWarehouse, join(root, "long", n.dir), n.date);
  if (i === 0 || i === 1 || i === longNights - 1 || i % 5 === 4) log(`night ${i + 1}: ${seconds(merge.ms)} s, ${Math.round(merge.maxRssMB)} MB`);
  return { night: i + 1, bytes: n.bytes, merge_s: seconds(merge.ms), s_per_GB: Math.round((merge.ms / n.bytes) * 1e6) / 1000, peak_rss_MB: Math.round(merge.maxRssMB) };
});
// Nights 1, 2 and 30 again, `longRepeat` times each and in turns, so that all meet the VM's same
// slow and fast minutes: night 1 into an empty warehouse, night 2 into the warehouse of night 1
// (the first night with a history to join: what every later night does), night 30 into the
// warehouse of 29 nights.
const [firstNight, secondNight, lastNight] = [long.nights[0], long.nights[1], long.nights.at(-1)!];
const runNight = (night: typeof firstNight, before: string | null) => {
  resetWarehouse(longWarehouse, before);
  return measure("merge", longWarehouse, join(root, "long", night.dir), night.date).ms;
};
const pairs = Array.from({ length: longRepeat }, () => ({
  first: runNight(firstNight, null),
  second: runNight(secondNight, beforeSecond),
  last: runNight(lastNight, beforeLast),
}));
const repeatedFirst = median(pairs.map((p) => p.first));
const repeatedLast = median(pairs.map((p) => p.last));
const repeatedSecond = median(pairs.map((p) => p.second));
log(`nights 1, 2 and ${longNights}, ${longRepeat} runs each in turns: ${seconds(repeatedFirst)} s, ${seconds(repeatedSecond)} s, ${seconds(repeatedLast)} s`);
rmSync(root, { recursive: true, force: true });

const first = longRuns[0];
const last = longRuns.at(-1)!;
const results = {
  measuredAt: new Date().toISOString(),
  machine: { cores: (await import("node:os")).cpus().length, memoryGB: Math.round((await import("node:os")).totalmem() / 2 ** 30) },
  oneGigabyteNights: bigNights,
  longRun: {
    scale: longScale,
    nights: longRuns,
    night1_s: first.merge_s,
    night2_s: longRuns[1]?.merge_s,
    nightN_s: last.merge_s,
    // the target's figure: medians of the repeated runs of night 1 and night N (single nights vary by ±15–25% here)
    night1_median_s: seconds(repeatedFirst),
    nightN_median_s: seconds(repeatedLast),
    night1_repeated_s: pairs.map((p) => seconds(p.first)),
    nightN_repeated_s: pairs.map((p) => seconds(p.last)),
    nightN_vs_night1: ratio(repeatedLast, repeatedFirst),
    // the same from each pair of runs made one after the other (they share the VM's minute)
    nightN_vs_night1_pair_ratios: pairs.map((p) => ratio(p.last, p.first)),
    nightN_vs_night1_median_pair_ratio: ratio(median(pairs.map((p) => p.last / p.first)), 1),
    // night 30 against night 2, both merging into a history: growth with the nights merged would show here
    night2_median_s: seconds(repeatedSecond),
    night2_repeated_s: pairs.map((p) => seconds(p.second)),
    nightN_vs_night2_median_pair_ratio: ratio(median(pairs.map((p) => p.last / p.second)), 1),
    nightN_vs_night2_per_GB: ratio(repeatedLast / lastNight.bytes, repeatedSecond / secondNight.bytes),
    nightN_vs_night1_single_runs: ratio(last.merge_s, first.merge_s),
    nightN_vs_night2_single_runs: longRuns[1] ? ratio(last.merge_s, longRuns[1].merge_s) : null,
    nightN_vs_night1_per_GB: ratio(last.s_per_GB, first.s_per_GB),
    // the means of the first and last five nights of the sequence say the same from single runs
    last5_vs_first5: ratio(mean(longRuns.slice(-5)), mean(longRuns.slice(0, 5))),
  },
  targets: { merge_1GB_s: 15, merge_vs_scan: 3, nightN_vs_night1: 1.2, peak_rss_MB: 4096 },
};
const out = fileURLToPath(new URL("./results.json", import.meta.url));
writeFileSync(out, JSON.stringify(results, null, 2) + "\n");
log(`written ${out}`);
console.log(JSON.stringify({ oneGigabyteNights: bigNights, longRun: { night1_median_s: seconds(repeatedFirst), nightN_median_s: seconds(repeatedLast), ratio: results.longRun.nightN_vs_night1 } }, null, 2));
