/**
 * The audit tables every run appends to: `quarantine` (each rejected record with its reason),
 * `warnings` (each accepted record that broke a warning rule) and `loads` (per file: counts in,
 * accepted, quarantined, and what the load did). Each run adds one immutable file to each;
 * earlier files are never rewritten.
 */
import { type Db, sqlLiteral } from "../db.ts";
import { type Manifest, newTableFile, type VersionContent } from "../warehouse/manifest.ts";
import { writeParquet } from "../warehouse/write.ts";

export type LoadRow = {
  entity: string;
  format: string;
  file: string;
  sha256: string;
  bytes: number;
  records_in: number;
  accepted: number;
  quarantined: number;
  /** accepted records that broke a warning rule */
  warned: number;
  /** history counts; null for tables replaced whole */
  inserted: number | null;
  updated: number | null;
  deleted: number | null;
  reappeared: number | null;
  unchanged: number | null;
  /** quarantined records whose open version stays as it was (present in the delivery, so not deleted) */
  kept: number | null;
};

const loadRowType = `[{"entity":"VARCHAR","format":"VARCHAR","file":"VARCHAR","sha256":"VARCHAR","bytes":"BIGINT","records_in":"BIGINT","accepted":"BIGINT","quarantined":"BIGINT","warned":"BIGINT","inserted":"BIGINT","updated":"BIGINT","deleted":"BIGINT","reappeared":"BIGINT","unchanged":"BIGINT","kept":"BIGINT"}]`;

/**
 * Creates the tables that gather this run's quarantined and warned records: tables of the run's
 * in-memory database, not temp tables, so that connections loading files concurrently all add to them.
 */
export async function startRunAudit(db: Db): Promise<void> {
  await db.run(`CREATE OR REPLACE TABLE run_quarantine (load_id VARCHAR, entity VARCHAR, source_file VARCHAR, record_index BIGINT, reason VARCHAR, record VARCHAR)`);
  await db.run(`CREATE OR REPLACE TABLE run_warnings (load_id VARCHAR, entity VARCHAR, source_file VARCHAR, record_index BIGINT, warning VARCHAR, record VARCHAR)`);
}

/** Adds the current file's `quarantined` and `warned` rows to the run's audit tables. */
export async function collectAudit(db: Db): Promise<void> {
  await db.run(`INSERT INTO run_quarantine SELECT load_id, entity, source_file, record_index, reason, record FROM quarantined`);
  await db.run(`INSERT INTO run_warnings SELECT load_id, entity, source_file, record_index, warning, record FROM warned`);
}

/**
 * Adds a warning about the current file as a whole (`record_index` NULL, no record): a column
 * its contract does not know, or a breaker overridden on purpose. `loads.warned` counts records,
 * so it does not count these.
 */
export async function addFileWarning(db: Db, warning: string): Promise<void> {
  await db.setVariables({ file_warning: warning });
  await db.run(`INSERT INTO run_warnings SELECT getvariable('load_id'), getvariable('entity'), getvariable('source_file'), NULL, getvariable('file_warning'), NULL`);
}

/** Writes the run's quarantine, warnings and load rows as one new file each under `root`, and lists them in `next`. */
export async function writeAudit(
  db: Db,
  root: string,
  base: Manifest,
  next: VersionContent,
  load: { loadId: string; source: string; dataDate: string | null; label: string; rows: LoadRow[] },
): Promise<void> {
  const quarantineFile = newTableFile(base, "quarantine", load.label);
  await writeParquet(db, root, quarantineFile, "SELECT * FROM run_quarantine ORDER BY entity, record_index");
  next.tables.quarantine = [...(base.tables.quarantine ?? []), quarantineFile];
  const warningsFile = newTableFile(base, "warnings", load.label);
  await writeParquet(db, root, warningsFile, "SELECT * FROM run_warnings ORDER BY entity, record_index");
  next.tables.warnings = [...(base.tables.warnings ?? []), warningsFile];

  await db.setVariables({ load_rows: JSON.stringify(load.rows), load_id: load.loadId, load_source: load.source });
  await db.run(`SET VARIABLE load_date = CAST(${sqlLiteral(load.dataDate)} AS DATE)`);
  const loadsFile = newTableFile(base, "loads", load.label);
  await writeParquet(db, root, loadsFile, `
    SELECT getvariable('load_id') AS load_id, getvariable('load_source') AS source,
           getvariable('load_date') AS data_date, now()::TIMESTAMP AS loaded_at, r.*
    FROM (SELECT unnest(from_json(getvariable('load_rows'), '${loadRowType}'), recursive := true)) r`);
  next.tables.loads = [...(base.tables.loads ?? []), loadsFile];
}
