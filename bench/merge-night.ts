// One measured step of the benchmark, in its own process so its peak memory is its own:
//   merge-night.ts merge <warehouse> <night-dir> <date>   → ingestVendorNight
//   merge-night.ts merge-downloaded <warehouse> <night-dir> <date>
//                                                         → the same night as the FTP job has it:
//                                                           downloaded into the warehouse (not
//                                                           timed), its files moved into landing
//   merge-night.ts scan <night-dir>                       → plain DuckDB read of the same files
// Prints one JSON line: {ms, maxRssMB, ...}.
import { DuckDBInstance } from "@duckdb/node-api";
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { ingestVendorNight } from "../data-loaders/vendor/ingest.ts";
import { vendorFiles } from "../data-loaders/vendor/land.ts";

const [mode, ...args] = process.argv.slice(2);
let started = performance.now();
let extra: Record<string, unknown> = {};
if (mode === "merge" || mode === "merge-downloaded") {
  const [warehouse, night, date] = args;
  let dir = night;
  if (mode === "merge-downloaded") {
    dir = join(warehouse, ".download-bench");
    mkdirSync(dir, { recursive: true });
    for (const file of vendorFiles) copyFileSync(join(night, file), join(dir, file));
    spawnSync("sync"); // the download is on disk before the timed merge starts
    started = performance.now();
  }
  const report = await ingestVendorNight({ warehouse, dir, date, moveFiles: mode === "merge-downloaded" });
  if (mode === "merge-downloaded") rmSync(dir, { recursive: true, force: true });
  extra = { records: report.entities.reduce((n, e) => n + e.recordsIn, 0), changes: report.entities.map((e) => ({ entity: e.entity, inserted: e.inserted, updated: e.updated, deleted: e.deleted, reappeared: e.reappeared })) };
} else if (mode === "scan" || mode === "load") {
  // scan: count(*) over read_json, DuckDB's cheapest full pass over the bytes;
  // load: every field parsed into a table, the least work any merge must do.
  const [dir] = args;
  const conn = await (await DuckDBInstance.create(":memory:", { preserve_insertion_order: "false" })).connect();
  for (const file of vendorFiles) {
    const source = `read_json('${join(dir, file)}', format = 'array')`;
    await conn.run(mode === "scan" ? `SELECT count(*) FROM ${source}` : `CREATE OR REPLACE TEMP TABLE t AS SELECT * FROM ${source}`);
  }
} else {
  throw new Error(`unknown mode ${mode}`);
}
const ms = performance.now() - started;
process.stdout.write(`${JSON.stringify({ ms, maxRssMB: process.resourceUsage().maxRSS / 1024, ...extra })}\n`);
