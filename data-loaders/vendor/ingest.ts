/**
 * One vendor night, end to end: check the dump against what is already merged and landed,
 * detect and validate every file, merge each entity into its history table, land the raw
 * files, record the load, and publish the new warehouse version in one atomic step.
 * Any failure before the publish leaves the warehouse as it was.
 */
import { existsSync, mkdirSync } from "node:fs";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Db, sqlLiteral } from "../db.ts";
import { StrataError } from "../errors.ts";
import { failpoint } from "../failpoints.ts";
import { describeFile } from "../hash-file.ts";
import { acquireLock } from "../warehouse/lock.ts";
import { type Manifest, newTableFile, publish, readManifest, recover } from "../warehouse/manifest.ts";
import { collectQuarantine, type LoadRow, startRunQuarantine, writeLoadRecords } from "../warehouse/loads.ts";
import { scratchDir } from "../warehouse/paths.ts";
import { readTable, writeParquet } from "../warehouse/write.ts";
import { entityOf, detectFormat } from "./detect.ts";
import type { Entity, VendorFormat } from "./formats.ts";
import { splitStaged, stageRecords } from "../stage.ts";
import { checkAgainstLanded, landDrop, type LandedFile, vendorFiles } from "./land.ts";

export type EntityReport = {
  entity: Entity;
  format: string;
  recordsIn: number;
  accepted: number;
  quarantined: number;
  inserted: number;
  updated: number;
  deleted: number;
  reappeared: number;
  unchanged: number;
  /** seconds spent reading, checking and normalizing; splitting and merging; writing Parquet */
  seconds: { stage: number; merge: number; write: number };
};
export type NightReport = { date: string; status: "merged" | "already-merged"; entities: EntityReport[]; warehouseVersion: number };

const sql = (name: string) => fileURLToPath(new URL(`./sql/${name}`, import.meta.url));
export const historyTable = (entity: Entity) => `${entity}_history`;
const isDate = (s: string) => /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(s));

export type IngestOptions = { warehouse: string; dir: string; date: string; source?: string; waitMs?: number; log?: (line: string) => void };

/** Ingests the vendor dump in `dir` (authors.json, books.json, reviews.json) as the night of `date`. */
export async function ingestVendorNight(opts: IngestOptions): Promise<NightReport> {
  const { warehouse, dir, date } = opts;
  const log = opts.log ?? (() => {});
  if (!isDate(date)) throw new StrataError(`--date ${date}: expected YYYY-MM-DD`);
  if (!existsSync(dir)) throw new StrataError(`${dir}: no such folder`);
  const missing = vendorFiles.filter((f) => !existsSync(join(dir, f)));
  if (missing.length > 0) {
    throw new StrataError(`${dir}: missing ${missing.join(", ")}; a dump without all its files is refused (it would read as "everything deleted")`);
  }
  const lock = await acquireLock(warehouse, opts.waitMs ?? 0);
  try {
    recover(warehouse);
    const manifest = readManifest(warehouse);
    const clock = stopwatch();
    const files = await Promise.all(vendorFiles.map((f) => describeFile(join(dir, f))));
    log(`vendor ${date}: ${files.reduce((n, f) => n + f.bytes, 0)} bytes hashed in ${clock()} s`);
    const newest = manifest.vendorNights.at(-1);
    const merged = manifest.vendorNights.find((n) => n.date === date);
    checkAgainstLanded(warehouse, date, files);
    if (merged) {
      const same = files.every((f) => merged.files.some((m) => m.name === f.name && m.sha256 === f.sha256));
      if (!same) throw new StrataError(`${dir}: the night of ${date} is already merged from different files; raw data is never overwritten`);
      log(`vendor ${date}: already merged, nothing to do`);
      return { date, status: "already-merged", entities: [], warehouseVersion: manifest.version };
    }
    if (newest && newest.date > date) {
      throw new StrataError(`${dir}: dump of ${date} is older than the newest merged night (${newest.date}); history is merged in date order, refused`);
    }
    const formats = vendorFiles.map((f) => detectFormat(join(dir, f)));
    mkdirSync(scratchDir(warehouse), { recursive: true });
    const db = await Db.open({ tempDir: join(scratchDir(warehouse), "duckdb") });
    try {
      const next = structuredClone(manifest);
      const reports: EntityReport[] = [];
      const landed: LandedFile[] = [];
      const loadId = `vendor/${date}`;
      await db.run(`SET VARIABLE dump_date = DATE ${sqlLiteral(date)}`);
      await db.setVariables({ dump_id: loadId, load_id: loadId });
      await startRunQuarantine(db);
      for (const [i, format] of formats.entries()) {
        const file = files[i];
        const report = await mergeEntity(db, warehouse, manifest, next, join(dir, file.name), format, date);
        log(`vendor ${date} ${format.entity} (${format.format}): ${report.recordsIn} in, ${report.accepted} accepted, ${report.quarantined} quarantined; ` +
          `+${report.inserted} ~${report.updated} -${report.deleted} ↺${report.reappeared} =${report.unchanged}; ` +
          `${report.seconds.stage} s read+check+normalize, ${report.seconds.merge} s merge, ${report.seconds.write} s write`);
        reports.push(report);
        landed.push({ ...file, format: format.format, records: report.recordsIn });
      }
      const rows: LoadRow[] = reports.map((r, i) => ({
        entity: r.entity, format: r.format, file: landed[i].name, sha256: landed[i].sha256, bytes: landed[i].bytes,
        records_in: r.recordsIn, accepted: r.accepted, quarantined: r.quarantined, inserted: r.inserted,
        updated: r.updated, deleted: r.deleted, reappeared: r.reappeared, unchanged: r.unchanged,
      }));
      clock();
      await writeLoadRecords(db, warehouse, manifest, next, { loadId, source: "vendor", dataDate: date, label: `vendor-${date}`, rows });
      landDrop(warehouse, date, dir, opts.source ?? dir, landed);
      log(`vendor ${date}: loads recorded and raw files landed in ${clock()} s`);
      next.vendorNights.push({ date, mergedAt: new Date().toISOString(), files });
      const published = publish(warehouse, manifest, next);
      log(`vendor ${date}: published warehouse version ${published.version} in ${clock()} s`);
      return { date, status: "merged", entities: reports, warehouseVersion: published.version };
    } finally {
      db.close();
    }
  } catch (error) {
    recover(warehouse); // remove files written for a version that was never published
    throw error;
  } finally {
    lock.release();
  }
}

async function mergeEntity(db: Db, warehouse: string, manifest: Manifest, next: Manifest, path: string, format: VendorFormat, date: string): Promise<EntityReport> {
  const entity = entityOf(path);
  const table = historyTable(entity);
  // where the record can be found for good: its landed copy (the source folder may be temporary)
  await db.setVariables({ entity, source_file: `landing/vendor/${date}/${basename(path)}` });
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
  const stageSeconds = clock();
  await splitStaged(db);
  // the file as read is no longer needed: free its memory before the merge needs some
  await db.run("DROP VIEW normalized; DROP VIEW raw; DROP TABLE source_rows");

  const files = manifest.tables[table] ?? [];
  const currentFile = files.find((f) => f.includes("/current-"));
  if (currentFile) {
    await db.run(`CREATE OR REPLACE TEMP TABLE prior_current AS SELECT * FROM ${readTable(warehouse, [currentFile])}`);
  } else {
    await db.run(`CREATE OR REPLACE TEMP TABLE prior_current AS
      SELECT *, NULL::DATE AS valid_from, NULL::DATE AS valid_to, true AS is_current, false AS is_deleted, NULL::VARCHAR AS source_dump
      FROM staged LIMIT 0`);
  }
  await db.runFile(sql("merge_history.sql"));
  const mergeSeconds = clock();

  const nextCurrent = newTableFile(manifest, table, "current");
  const closed = newTableFile(manifest, table, `closed-${date}`);
  await writeParquet(db, warehouse, nextCurrent, "SELECT * FROM next_current", "snappy");
  failpoint("vendor:after-write-parquet");
  const counts = Object.fromEntries(
    (await db.all<{ change: string; n: number }>(`SELECT change, count(*)::INTEGER AS n FROM merge_changes GROUP BY change`)).map((r) => [r.change, r.n]),
  );
  const closing = (counts.updated ?? 0) + (counts.deleted ?? 0) + (counts.reappeared ?? 0);
  // a night that closes nothing adds no file, so quiet nights do not pile up empty files
  if (closing > 0) await writeParquet(db, warehouse, closed, "SELECT * FROM closed_tonight ORDER BY business_key");
  next.tables[table] = [...files.filter((f) => f !== currentFile), ...(closing > 0 ? [closed] : []), nextCurrent];
  await collectQuarantine(db);
  const writeSeconds = clock();

  const [{ accepted, quarantined }] = await db.all<{ accepted: number; quarantined: number }>(
    `SELECT (SELECT count(*) FROM staged)::INTEGER AS accepted, (SELECT count(*) FROM quarantined)::INTEGER AS quarantined`,
  );
  if (accepted + quarantined !== recordsIn) {
    throw new Error(`${path}: ${recordsIn} records read but ${accepted} accepted + ${quarantined} quarantined`);
  }
  // free this entity's tables before the next one is read
  await db.run("DROP VIEW next_current; DROP VIEW closed_tonight; DROP VIEW staged; DROP TABLE hashed; DROP TABLE prior_current; DROP TABLE merge_changes");
  return {
    entity,
    format: format.format,
    recordsIn,
    accepted,
    quarantined,
    inserted: counts.inserted ?? 0,
    updated: counts.updated ?? 0,
    deleted: counts.deleted ?? 0,
    reappeared: counts.reappeared ?? 0,
    unchanged: counts.unchanged ?? 0,
    seconds: { stage: stageSeconds, merge: mergeSeconds, write: writeSeconds },
  };
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
