/**
 * The two audit tables every run appends to: `quarantine` (each rejected record with its reason)
 * and `loads` (per file: counts in, accepted, quarantined, and what the merge did).
 * Each run adds one immutable file to each; earlier files are never rewritten.
 */
import { type Db, sqlLiteral } from "../db.ts";
import { type Manifest, newTableFile } from "./manifest.ts";
import { writeParquet } from "./write.ts";

export type LoadRow = {
  entity: string;
  format: string;
  file: string;
  sha256: string;
  bytes: number;
  records_in: number;
  accepted: number;
  quarantined: number;
  /** merge counts; null for tables replaced whole (internal extracts) */
  inserted: number | null;
  updated: number | null;
  deleted: number | null;
  reappeared: number | null;
  unchanged: number | null;
};

const loadRowType = `[{"entity":"VARCHAR","format":"VARCHAR","file":"VARCHAR","sha256":"VARCHAR","bytes":"BIGINT","records_in":"BIGINT","accepted":"BIGINT","quarantined":"BIGINT","inserted":"BIGINT","updated":"BIGINT","deleted":"BIGINT","reappeared":"BIGINT","unchanged":"BIGINT"}]`;

/**
 * Creates the table that gathers this run's quarantined records: a table of the run's in-memory
 * database, not a temp table, so that connections merging files concurrently all add to it.
 */
export async function startRunQuarantine(db: Db): Promise<void> {
  await db.run(`CREATE OR REPLACE TABLE run_quarantine (load_id VARCHAR, entity VARCHAR, source_file VARCHAR, record_index BIGINT, reason VARCHAR, record VARCHAR)`);
}

/** Adds the current file's `quarantined` rows to the run's quarantine. */
export async function collectQuarantine(db: Db): Promise<void> {
  await db.run(`INSERT INTO run_quarantine SELECT load_id, entity, source_file, record_index, reason, record FROM quarantined`);
}

/** Writes the run's quarantine and load rows as one new file each, and lists them in `next`. */
export async function writeLoadRecords(
  db: Db,
  warehouse: string,
  manifest: Manifest,
  next: Manifest,
  load: { loadId: string; source: "vendor" | "internal"; dataDate: string | null; label: string; rows: LoadRow[] },
): Promise<void> {
  const quarantineFile = newTableFile(manifest, "quarantine", load.label);
  await writeParquet(db, warehouse, quarantineFile, "SELECT * FROM run_quarantine ORDER BY entity, record_index");
  next.tables.quarantine = [...(manifest.tables.quarantine ?? []), quarantineFile];

  await db.setVariables({ load_rows: JSON.stringify(load.rows), load_id: load.loadId, load_source: load.source });
  await db.run(`SET VARIABLE load_date = CAST(${sqlLiteral(load.dataDate)} AS DATE)`);
  const loadsFile = newTableFile(manifest, "loads", load.label);
  await writeParquet(db, warehouse, loadsFile, `
    SELECT getvariable('load_id') AS load_id, getvariable('load_source') AS source,
           getvariable('load_date') AS data_date, now()::TIMESTAMP AS loaded_at, r.*
    FROM (SELECT unnest(from_json(getvariable('load_rows'), '${loadRowType}'), recursive := true)) r`);
  next.tables.loads = [...(manifest.tables.loads ?? []), loadsFile];
}
