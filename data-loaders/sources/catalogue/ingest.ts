/**
 * One vendor night, end to end: check the dump against what is already merged and landed,
 * detect and validate every file, merge each entity into its history table (load/history.ts),
 * land the raw files, record the load, and publish the new warehouse version in one atomic step
 * (load/run.ts). Any failure before the publish leaves the warehouse as it was.
 */
import { existsSync, statSync } from "node:fs";
import { availableParallelism } from "node:os";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Db } from "../../db.ts";
import { assertDeliveryDate } from "../../delivery-date.ts";
import { StrataError } from "../../errors.ts";
import { failpoint } from "../../failpoints.ts";
import { describeFile } from "../../hash-file.ts";
import { collectAudit, type LoadRow } from "../../load/audit.ts";
import { type Breaker, defaultBreaker, mergeIntoHistory } from "../../load/history.ts";
import { checkAgainstLanded, type LandedFile, startLanding } from "../../load/landing.ts";
import { type LoadRun, withLoadRun } from "../../load/run.ts";
import { countSplit, splitStaged, stageRecords } from "../../load/stage.ts";
import { deliveriesOf, type FileRef, type Manifest } from "../../warehouse/manifest.ts";
import { type Entity, vendorFiles } from "./contract.ts";
import { detectFormat } from "./detect.ts";

/** The source's id: the CLI's `ingest vendor`, `landing/vendor/`, `loads.source`. */
export const SOURCE = "vendor";

export type EntityReport = {
  entity: Entity;
  format: string;
  recordsIn: number;
  accepted: number;
  quarantined: number;
  /** accepted records that broke a warning rule */
  warned: number;
  inserted: number;
  updated: number;
  deleted: number;
  reappeared: number;
  unchanged: number;
  /** quarantined records whose open version stays as it was (present in the dump, so not deleted) */
  kept: number;
  /** seconds spent reading, checking, normalizing and splitting; merging (not waiting for the checks); writing Parquet */
  seconds: { stage: number; merge: number; write: number };
};
export type NightReport = { date: string; status: "merged" | "already-merged"; entities: EntityReport[]; warehouseVersion: number };

const sql = (name: string) => fileURLToPath(new URL(`./sql/${name}`, import.meta.url));
export const historyTable = (entity: Entity) => `${entity}_history`;

export type IngestOptions = {
  warehouse: string;
  dir: string;
  date: string;
  /** where the files came from, for the landing manifest (default: `dir`) */
  source?: string;
  /** the files in `dir` are this run's own download: move them into the landing zone, don't copy */
  moveFiles?: boolean;
  waitMs?: number;
  /** accept a night the mass-deletion breaker refuses */
  allowMassDeletion?: boolean;
  log?: (line: string) => void;
};

/** The vendor nights merged into a manifest, oldest first. */
export const mergedNights = (manifest: Manifest) => deliveriesOf(manifest, SOURCE);

/** Ingests the vendor dump in `dir` (authors.json, books.json, reviews.json) as the night of `date`. */
export async function ingestVendorNight(opts: IngestOptions): Promise<NightReport> {
  const { warehouse, dir, date } = opts;
  const log = opts.log ?? (() => {});
  assertDeliveryDate(date);
  if (!existsSync(dir)) throw new StrataError(`${dir}: no such folder`);
  const missing = vendorFiles.filter((f) => !existsSync(join(dir, f)));
  if (missing.length > 0) {
    throw new StrataError(`${dir}: missing ${missing.join(", ")}; a dump without all its files is refused (it would read as "everything deleted")`);
  }
  const breaker = defaultBreaker(opts.allowMassDeletion);
  return withLoadRun({ warehouse, waitMs: opts.waitMs }, async (run) => {
    const manifest = run.base.manifest;
    const clock = stopwatch();
    const loadId = `${SOURCE}/${date}`;
    // Hashing the files (JavaScript) and reading them (DuckDB) overlap: reading a JSON array is
    // single-threaded per file, so a core is free. Nothing reaches the warehouse until the
    // checks on the hashes have passed (`checked`); when they refuse the dump, or find it merged
    // already, the reads are interrupted.
    const hashing = Promise.all(vendorFiles.map((f) => describeFile(join(dir, f))));
    const checked = gate();
    const merging = mergeEntities(run.db, { run, dir, date, loadId, breaker, checked: checked.promise, log });
    const stopMerging = async (reason: unknown) => {
      checked.fail(reason);
      merging.interrupt();
      await merging.promise.catch(() => {});
    };
    let files: FileRef[];
    try {
      files = await hashing;
      log(`vendor ${date}: ${files.reduce((n, f) => n + f.bytes, 0)} bytes hashed in ${clock()} s`);
      if (checkDump(warehouse, manifest, dir, date, files)) {
        log(`vendor ${date}: already merged, nothing to do`);
        await stopMerging(new Error("already merged"));
        return { date, status: "already-merged", entities: [], warehouseVersion: manifest.version };
      }
    } catch (error) {
      await stopMerging(error);
      throw error;
    }
    // The raw files go to the landing zone while the merges run (a copy in the kernel, off
    // DuckDB's threads; a rename for a download); the landed folder appears only once
    // everything else has worked.
    const landing = startLanding(warehouse, SOURCE, date, dir, files, { move: opts.moveFiles });
    landing.done.catch(() => {});
    checked.pass();
    const reports = await merging.promise.catch(async (error) => {
      await landing.abandon();
      throw error;
    });
    const landed: LandedFile[] = reports.map((r, i) => ({ ...files[i], format: r.format, records: r.recordsIn }));
    const rows: LoadRow[] = reports.map((r, i) => ({
      entity: r.entity, format: r.format, file: landed[i].name, sha256: landed[i].sha256, bytes: landed[i].bytes,
      records_in: r.recordsIn, accepted: r.accepted, quarantined: r.quarantined, warned: r.warned, inserted: r.inserted,
      updated: r.updated, deleted: r.deleted, reappeared: r.reappeared, unchanged: r.unchanged, kept: r.kept,
    }));
    clock();
    await landing.finish(opts.source ?? dir, landed);
    const published = await run.publish({
      source: SOURCE, loadId, dataDate: date, label: `vendor-${date}`, rows,
      delivery: { key: date, loadedAt: new Date().toISOString(), files },
    });
    log(`vendor ${date}: landed, recorded and published warehouse version ${published.version} in ${clock()} s`);
    return { date, status: "merged", entities: reports, warehouseVersion: published.version };
  });
}

/** A promise settled from outside; a rejection nobody awaits is not reported as unhandled. */
function gate(): { promise: Promise<void>; pass: () => void; fail: (reason: unknown) => void } {
  let pass = () => {};
  let fail = (_: unknown) => {};
  const promise = new Promise<void>((resolve, reject) => ((pass = resolve), (fail = reject)));
  promise.catch(() => {});
  return { promise, pass, fail };
}

/**
 * Refuses a dump that conflicts with what is merged or landed; returns true when this exact dump
 * is merged already (a no-op).
 */
function checkDump(warehouse: string, manifest: Manifest, dir: string, date: string, files: FileRef[]): boolean {
  const newest = mergedNights(manifest).at(-1);
  const merged = mergedNights(manifest).find((n) => n.key === date);
  checkAgainstLanded(warehouse, SOURCE, date, files);
  if (merged) {
    const same = files.every((f) => merged.files.some((m) => m.name === f.name && m.sha256 === f.sha256));
    if (!same) throw new StrataError(`${dir}: the night of ${date} is already merged from different files; raw data is never overwritten`);
    return true;
  }
  if (newest && newest.key > date) {
    throw new StrataError(`${dir}: dump of ${date} is older than the newest merged night (${newest.key}); history is merged in date order, refused`);
  }
  return false;
}

type MergeContext = {
  run: LoadRun;
  dir: string;
  date: string;
  loadId: string;
  breaker: Breaker;
  /** settles once the dump's hashes are checked: merges write nothing before it resolves */
  checked: Promise<void>;
  log: (line: string) => void;
};

/**
 * Merges the night's files concurrently, each on its own connection, in as many lanes as there
 * are cores (reading a JSON array takes one core per file): on two cores, the largest file alone
 * and the others one after another beside it. Resolves
 * to one report per file in `vendorFiles` order; on failure, waits for every merge to stop and
 * rejects with the first failure in that order, so the error does not depend on timing.
 */
function mergeEntities(db: Db, ctx: MergeContext): { promise: Promise<EntityReport[]>; interrupt: () => void } {
  const connections: Db[] = [];
  let interrupted = false;
  const lanes = planLanes(vendorFiles.map((f) => statSync(join(ctx.dir, f)).size), availableParallelism());
  const results: PromiseSettledResult<EntityReport>[] = [];
  const runLane = async (lane: number[]) => {
    const conn = await db.connect();
    connections.push(conn);
    try {
      for (const i of lane) {
        if (interrupted) {
          results[i] = { status: "rejected", reason: new Error("interrupted") };
          break;
        }
        const path = join(ctx.dir, vendorFiles[i]);
        results[i] = await mergeEntity(conn, ctx, path).then(
          (value) => ({ status: "fulfilled", value }) as const,
          (reason) => ({ status: "rejected", reason }) as const,
        );
        if (results[i].status === "rejected") break;
      }
    } finally {
      conn.close();
    }
  };
  const promise = Promise.all(lanes.map(runLane)).then(() => {
    const failed = vendorFiles.map((_, i) => results[i]).find((r) => r?.status === "rejected");
    if (failed) throw (failed as PromiseRejectedResult).reason;
    return vendorFiles.map((_, i) => (results[i] as PromiseFulfilledResult<EntityReport>).value);
  });
  promise.catch(() => {}); // a failure may come before the caller awaits it (it always does, later)
  return {
    promise,
    interrupt: () => {
      interrupted = true;
      for (const conn of connections) conn.interrupt();
    },
  };
}

/** Splits file indexes into `n` lanes of about equal bytes, largest file first. */
export function planLanes(sizes: number[], n: number): number[][] {
  const lanes = Array.from({ length: n }, () => ({ bytes: 0, files: [] as number[] }));
  for (const i of sizes.map((_, i) => i).sort((a, b) => sizes[b] - sizes[a])) {
    const lane = lanes.reduce((a, b) => (b.bytes < a.bytes ? b : a));
    lane.files.push(i);
    lane.bytes += sizes[i];
  }
  return lanes.filter((l) => l.files.length > 0).map((l) => l.files.sort((a, b) => a - b));
}

/** Reads, checks and normalizes one file, then (once the dump has passed its checks) merges it into its history table. */
async function mergeEntity(db: Db, ctx: MergeContext, path: string): Promise<EntityReport> {
  const { run, date } = ctx;
  const format = detectFormat(path);
  const entity = format.entity;
  // where the record can be found for good: its landed copy (the source folder may be temporary)
  await db.setVariables({ load_id: ctx.loadId, entity, source_file: `landing/${SOURCE}/${date}/${basename(path)}` });
  const clock = stopwatch();
  const recordsIn = await stageRecords(db, {
    path,
    kind: "json",
    schema: format.schema,
    what: `${format.format} ${entity} JSON`,
    normalizeSql: sql(`normalize_${entity}_${format.format}.sql`),
    materializeSql: sql("record_hash.sql"),
  });
  failpoint("vendor:after-stage");
  await splitStaged(db);
  // the file as read is no longer needed: free its memory before the merge needs some
  await db.run("DROP VIEW normalized; DROP VIEW raw; DROP TABLE source_rows");
  const { accepted, quarantined, warned } = await countSplit(db, path, recordsIn);
  const stageSeconds = clock();
  await ctx.checked;
  clock(); // waiting for the checks is neither reading nor merging

  const counts = await mergeIntoHistory(db, run, {
    table: historyTable(entity), validFrom: date, loadId: ctx.loadId, label: date, recordsIn, accepted, quarantined, breaker: ctx.breaker,
    what: `${path} (${entity}, night ${date})`,
  });
  const mergeSeconds = clock();
  await collectAudit(db);
  // free this entity's tables before the next one is read
  await db.run("DROP VIEW staged; DROP TABLE hashed");
  const writeSeconds = clock();
  ctx.log(`vendor ${date} ${entity} (${format.format}): ${recordsIn} in, ${accepted} accepted, ${quarantined} quarantined, ${warned} with warnings; ` +
    `${counts.inserted} inserted, ${counts.updated} updated, ${counts.deleted} deleted, ${counts.reappeared} reappeared, ${counts.unchanged} unchanged, ` +
    `${counts.kept} quarantined and kept as they were; ${stageSeconds} s read+check+normalize, ${mergeSeconds} s merge+write, ${writeSeconds} s audit`);
  return { entity, format: format.format, recordsIn, accepted, quarantined, warned, ...counts, seconds: { stage: stageSeconds, merge: mergeSeconds, write: writeSeconds } };
}

/** Seconds since the previous call (or creation), to 0.01 s. */
function stopwatch(): () => number {
  let last = performance.now();
  return () => {
    const now = performance.now();
    const elapsed = Math.round((now - last) / 10) / 100;
    last = now;
    return elapsed;
  };
}
