/**
 * One delivery of a source whose files each feed one table: hash the files, refuse or skip a
 * delivery already loaded, land the files, stage and check each one against its zod contract,
 * apply its table's load rule, record the load and publish, all in one load run (run.ts).
 * A source declares its files (FileSpec) and calls this; sources/app-extracts is one.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { z } from "zod";
import type { Db } from "../db.ts";
import { StrataError } from "../errors.ts";
import { describeFile } from "../hash-file.ts";
import { deliveriesOf, type FileRef } from "../warehouse/manifest.ts";
import { addFileWarning, collectAudit, type LoadRow } from "./audit.ts";
import { type Breaker, defaultBreaker, type HistoryCounts, mergeIntoHistory } from "./history.ts";
import { startLanding } from "./landing.ts";
import { replaceTable } from "./replace.ts";
import { type LoadRun, withLoadRun } from "./run.ts";
import { checkShrink } from "./shrink.ts";
import { splitCsv, stageCsv } from "./stage-csv.ts";
import { stageParquet } from "./stage-parquet.ts";
import { countSplit, splitStaged, stageRecords } from "./stage.ts";

const sqlFile = (name: string) => fileURLToPath(new URL(`./sql/${name}`, import.meta.url));

export type FileSpec = {
  /** the file's name in the delivery, e.g. users.csv */
  file: string;
  /** the table it loads */
  table: string;
  kind: "csv" | "json" | "parquet";
  /** its contract */
  schema: z.ZodObject;
  /** SQL file creating view `normalized` from view `raw` (see load/stage.ts) */
  normalizeSql: string;
  /**
   * SQL file materializing `normalized` as table `hashed`; by default load/sql/record_hash.sql
   * for a history (every column is a fact), load/sql/materialize.sql for a full replace
   */
  materializeSql?: string;
  rule: "full-replace" | "snapshot-history" | "partition-append";
  /** its records have no natural key (page views): none is a duplicate of another, and `business_key` is not needed */
  keyless?: boolean;
  /** its normalize SQL only passes `record_index` on, so a CSV is staged in one copy (load/stage-csv.ts) */
  positionFree?: boolean;
  /** DuckDB variables its normalize SQL reads (e.g. the end of the delivered hour) */
  variables?: Record<string, string>;
  /**
   * For "partition-append": writes view `staged` into the table's partitions (load/partition-append.ts)
   * and returns what the report should add (e.g. counts of what the source derived).
   */
  append?: (db: Db, ctx: AppendContext) => Promise<Record<string, unknown>>;
};

/** What a partition-append file's `append` is given: the run, the delivery's key (an hour loaded before is replaced under the same key) and its load id. */
export type AppendContext = { run: LoadRun; key: string; loadId: string; log: (line: string) => void };

export type FileReport = {
  table: string;
  recordsIn: number;
  accepted: number;
  quarantined: number;
  warned: number;
  /** a CSV's columns its contract does not know: ignored, with a warning (absent when none) */
  ignoredColumns?: string[];
  /** what a partition-append file's source derived (its `append`'s report) */
  details?: Record<string, unknown>;
} & Partial<HistoryCounts>;
export type DeliveryReport = {
  key: string;
  status: "loaded" | "reloaded" | "already-loaded";
  tables: FileReport[];
  /** what the source's `afterFiles` did (e.g. views restamped by a users extract) */
  details?: Record<string, unknown>;
  warehouseVersion: number;
};

export type DeliveryOptions = {
  warehouse: string;
  /** the source's id (landing/<source>/, loads.source) */
  source: string;
  dir: string;
  files: FileSpec[];
  /**
   * The delivery's key: its date for dated deliveries (loaded in date order; a date loaded from
   * other files is refused), or by default its load time (an extract is known by its content).
   */
  date?: string;
  /**
   * The delivery's hour (YYYY-MM-DDTHH), for hourly deliveries: loaded in any order, and a
   * delivery of an hour loaded before replaces it (a re-extract); its files land beside the
   * first ones, under `<hour>.<load time>`.
   */
  hour?: string;
  waitMs?: number;
  /** accept a delivery the history's mass-deletion breaker refuses (history.ts) */
  allowMassDeletion?: boolean;
  /** accept a delivery the breaker of tables replaced whole refuses (shrink.ts) */
  allowShrink?: boolean;
  log?: (line: string) => void;
  /** runs after every file is loaded, before the publish: the source's own follow-up (its report joins the delivery's) */
  afterFiles?: (run: LoadRun, reports: FileReport[]) => Promise<Record<string, unknown>>;
};

/** Loads the delivery in `dir`. Cost: one hash and one read of each file, plus its load rule. */
export async function loadDelivery(opts: DeliveryOptions): Promise<DeliveryReport> {
  const { warehouse, source, dir, files: specs } = opts;
  const log = opts.log ?? (() => {});
  if (!existsSync(dir)) throw new StrataError(`${dir}: no such folder`);
  const missing = specs.filter((f) => !existsSync(join(dir, f.file))).map((f) => f.file);
  if (missing.length > 0) throw new StrataError(`${dir}: missing ${missing.join(", ")}; the ${source} delivery is refused`);
  const breakers = { history: defaultBreaker(opts.allowMassDeletion), replace: defaultBreaker(opts.allowShrink) };
  return withLoadRun({ warehouse, waitMs: opts.waitMs }, async (run) => {
    const { db } = run;
    const files = await Promise.all(specs.map((f) => describeFile(join(dir, f.file))));
    const loaded = deliveriesOf(run.base.manifest, source);
    const loadedAt = new Date().toISOString();
    // a load time as a folder name can carry it
    const stamp = loadedAt.replace(/[-:.]/g, "");
    const key = opts.hour ?? opts.date ?? stamp;
    const same = (d: { files: FileRef[] }) => files.every((f) => d.files.some((p) => p.name === f.name && p.sha256 === f.sha256));
    const earlier = opts.date || opts.hour ? loaded.find((d) => d.key === key) : loaded.at(-1);
    if (earlier && same(earlier)) {
      log(`${source} ${earlier.key}: already loaded, nothing to do`);
      return { key: earlier.key, status: "already-loaded", tables: [], warehouseVersion: run.base.manifest.version };
    }
    if (opts.date && earlier) throw new StrataError(`${dir}: the ${source} delivery of ${opts.date} is already loaded from different files; raw data is never overwritten`);
    const newest = loaded.at(-1)?.key;
    if (opts.date && newest && newest > opts.date) {
      throw new StrataError(`${dir}: the ${source} delivery of ${opts.date} is older than the newest loaded (${newest}); deliveries are loaded in date order, refused`);
    }
    // an hour delivered again replaces the first delivery (other sources refuse or skip one above)
    const replacing = opts.hour !== undefined && earlier !== undefined;
    const loadId = `${source}/${opts.hour ?? opts.date ?? loadedAt}${replacing ? `@${loadedAt}` : ""}`;
    // a re-delivered hour lands beside the first: raw data is never overwritten
    const landingKey = replacing ? `${key}.${stamp}` : key;
    const landing = startLanding(warehouse, source, landingKey, dir, files);
    landing.done.catch(() => {});
    const rows: LoadRow[] = [];
    const reports: FileReport[] = [];
    let details: Record<string, unknown> | undefined;
    await db.setVariables({ load_id: loadId });
    try {
      for (const [i, spec] of specs.entries()) {
        const report = await loadFile(db, spec, { run, dir, source, key, landingKey, loadId, breakers, log, validFrom: opts.date ?? loadedAt.slice(0, 10) });
        reports.push(report);
        rows.push({
          entity: spec.table, format: spec.kind, file: spec.file, sha256: files[i].sha256, bytes: files[i].bytes,
          records_in: report.recordsIn, accepted: report.accepted, quarantined: report.quarantined, warned: report.warned,
          inserted: report.inserted ?? null, updated: report.updated ?? null, deleted: report.deleted ?? null,
          reappeared: report.reappeared ?? null, unchanged: report.unchanged ?? null, kept: report.kept ?? null,
        });
        log(`${source} ${spec.table}: ${report.recordsIn} in, ${report.accepted} accepted, ${report.quarantined} quarantined`);
      }
      details = opts.afterFiles ? await opts.afterFiles(run, reports) : undefined;
    } catch (error) {
      await landing.abandon();
      throw error;
    }
    await landing.finish(dir, files.map((f, i) => ({ ...f, format: specs[i].kind, records: rows[i].records_in })));
    const published = await run.publish({
      source, loadId, dataDate: opts.date ?? null, label: `${source}-${landingKey}`, rows, delivery: { key, loadedAt, files },
    });
    return { key, status: replacing ? "reloaded" : "loaded", tables: reports, ...(details ? { details } : {}), warehouseVersion: published.version };
  });
}

type FileContext = {
  run: LoadRun;
  dir: string;
  source: string;
  key: string;
  /** the delivery's landing folder (its key, or for a re-delivery `<key>.<load time>`) */
  landingKey: string;
  loadId: string;
  breakers: { history: Breaker; replace: Breaker };
  log: (line: string) => void;
  validFrom: string;
};

/** Stages one file, records its quarantine and warnings, and applies its table's load rule. */
async function loadFile(db: Db, spec: FileSpec, ctx: FileContext): Promise<FileReport> {
  const path = join(ctx.dir, spec.file);
  // where the record can be found for good: its landed copy
  await db.setVariables({ ...spec.variables, entity: spec.table, source_file: `landing/${ctx.source}/${ctx.landingKey}/${spec.file}` });
  const request = {
    path, schema: spec.schema, what: `${spec.table} ${spec.kind.toUpperCase()}`, normalizeSql: spec.normalizeSql,
    materializeSql: spec.materializeSql ?? sqlFile(spec.rule === "snapshot-history" ? "record_hash.sql" : "materialize.sql"),
    positionFree: spec.positionFree,
  };
  let recordsIn: number;
  let ignoredColumns: string[] = [];
  if (spec.kind === "csv") {
    // every record accounted for against an independent count; malformed lines join the quarantine (load/stage-csv.ts)
    const staged = await stageCsv(db, request);
    ({ records: recordsIn, ignoredColumns } = staged);
    await splitStaged(db, { keyless: spec.keyless, positionRaw: staged.positionRaw });
    await splitCsv(db);
  } else if (spec.kind === "parquet") {
    ({ records: recordsIn, ignoredColumns } = await stageParquet(db, request));
    await splitStaged(db, spec);
  } else {
    recordsIn = await stageRecords(db, { ...request, kind: "json" });
    await splitStaged(db, spec);
  }
  await collectAudit(db);
  for (const column of ignoredColumns) {
    const warning = `column ${column}: not in the contract, ignored`;
    await addFileWarning(db, warning);
    ctx.log(`${ctx.source} ${spec.table}: ${spec.file}: ${warning}`);
  }
  const { accepted, quarantined, warned } = await countSplit(db, path, recordsIn);
  const report: FileReport = { table: spec.table, recordsIn, accepted, quarantined, warned, ...(ignoredColumns.length > 0 ? { ignoredColumns } : {}) };
  if (spec.rule === "full-replace") {
    const allowed = await checkShrink(db, ctx.run, { table: spec.table, recordsIn, accepted, quarantined, what: path }, ctx.breakers.replace);
    if (allowed !== null) {
      await addFileWarning(db, allowed);
      ctx.log(`${ctx.source} ${spec.table}: ${allowed}`);
    }
    await replaceTable(db, ctx.run, spec.table);
    return report;
  }
  if (spec.rule === "partition-append") {
    if (!spec.append) throw new Error(`${spec.table}: a partition-append file needs its append`);
    return { ...report, details: await spec.append(db, { run: ctx.run, key: ctx.key, loadId: ctx.loadId, log: ctx.log }) };
  }
  // an empty snapshot reads as "everything deleted", whatever the history's size (as an empty vendor dump)
  if (recordsIn === 0 && !ctx.breakers.history.allow) {
    throw new StrataError(`${path}: line 1: no records; an empty snapshot would read as "everything deleted", so it is refused (pass --allow-mass-deletion to accept it)`);
  }
  const counts = await mergeIntoHistory(db, ctx.run, {
    table: spec.table, validFrom: ctx.validFrom, loadId: ctx.loadId, label: ctx.key, recordsIn, accepted, quarantined,
    breaker: ctx.breakers.history, what: `${path} (${spec.table}, ${ctx.key})`,
  });
  return { ...report, ...counts };
}
