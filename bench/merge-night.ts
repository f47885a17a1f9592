// One measured step of the benchmark, in its own process so its peak memory is its own:
//   merge-night.ts merge <warehouse> <night-dir> <date>   → ingestVendorNight
//   merge-night.ts merge-downloaded <warehouse> <night-dir> <date>
//                                                         → the same night as the FTP job has it:
//                                                           downloaded into the warehouse (not
//                                                           timed), its files moved into landing
//   merge-night.ts scan <night-dir>                       → plain DuckDB read of the same files
//   merge-night.ts scan-one-at-a-time | load | convert <night-dir>
//                                                         → the same a file at a time; a plain load;
//                                                           a plain conversion to Parquet
// Prints one JSON line: {ms, maxRssMB, ...}.
import { DuckDBInstance } from "@duckdb/node-api";
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { sqlLiteral } from "../data-loaders/db.ts";
import { jsonArrayReader } from "../data-loaders/load/stage.ts";
import { detectFormat } from "../data-loaders/sources/catalogue/detect.ts";
import { ingestVendorNight } from "../data-loaders/sources/catalogue/ingest.ts";
import { vendorFiles } from "../data-loaders/sources/catalogue/contract.ts";

const [mode, ...args] = process.argv.slice(2);
let started = performance.now();
let extra: Record<string, unknown> = {};
let cleanUp = () => {};
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
} else if (mode === "scan" || mode === "scan-one-at-a-time" || mode === "load" || mode === "convert") {
  // scan: count(*) over read_json of the three files in one query, DuckDB's cheapest full pass
  // over the bytes (it reads the files in parallel, one thread each, as the merge does);
  // scan-one-at-a-time: the same, a file after another (the baseline of earlier benchmarks);
  // load: every field of every file parsed into a table, the three at once;
  // convert: every field of every file parsed, as the merge types it, and written to Parquet
  // (uncompressed, the cheapest to write), the three at once: the least work any pipeline from
  // this JSON to a Parquet warehouse must do, before it checks, keys, joins or lands anything.
  const [dir] = args;
  const instance = await DuckDBInstance.create(":memory:", { preserve_insertion_order: "false" });
  const source = (file: string) => `read_json(${sqlLiteral(join(dir, file))}, format = 'array')`;
  if (mode === "scan") {
    await (await instance.connect()).run(`SELECT count(*) FROM read_json(${sqlLiteral(vendorFiles.map((f) => join(dir, f)))}, format = 'array')`);
  } else if (mode === "scan-one-at-a-time") {
    const conn = await instance.connect();
    for (const file of vendorFiles) await conn.run(`SELECT count(*) FROM ${source(file)}`);
  } else if (mode === "load") {
    await Promise.all(vendorFiles.map(async (file, i) => (await instance.connect()).run(`CREATE TABLE t${i} AS SELECT * FROM ${source(file)}`)));
  } else {
    const out = mkdtempSync(join(dirname(dir), ".convert-")); // scratch beside the night, in BENCH_DIR
    cleanUp = () => rmSync(out, { recursive: true, force: true }); // after the clock stops
    await Promise.all(vendorFiles.map(async (file) => {
      // read as the merge reads it (the format's zod schema), not with DuckDB's guess of the columns: guessing costs ~13% more
      const typed = jsonArrayReader(join(dir, file), detectFormat(join(dir, file)).schema);
      await (await instance.connect()).run(`COPY (SELECT * FROM ${typed}) TO ${sqlLiteral(join(out, `${file}.parquet`))} (FORMAT parquet, COMPRESSION uncompressed)`);
    }));
  }
} else {
  throw new Error(`unknown mode ${mode}`);
}
const ms = performance.now() - started;
cleanUp();
process.stdout.write(`${JSON.stringify({ ms, maxRssMB: process.resourceUsage().maxRSS / 1024, ...extra })}\n`);
