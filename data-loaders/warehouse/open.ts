/** A DuckDB session over the published warehouse: one view per table, over the manifest's files. */
import { Db } from "../db.ts";
import { StrataError } from "../errors.ts";
import { type Manifest, readSnapshot } from "./manifest.ts";
import { readTable } from "./write.ts";

/**
 * Opens the warehouse version in force, pinned to its version folder (a publish meanwhile does not
 * change what this session reads); costs no data read until a view is queried.
 */
export async function openWarehouse(warehouse: string, required: string[] = []): Promise<{ db: Db; manifest: Manifest }> {
  const { manifest, dir } = readSnapshot(warehouse);
  const absent = required.filter((t) => !manifest.tables[t]?.length);
  if (absent.length > 0) {
    throw new StrataError(`${warehouse}: no ${absent.join(", ")} table yet; run \`strata ingest vendor\` and \`strata ingest internal\` first`);
  }
  const db = await Db.open();
  for (const [table, files] of Object.entries(manifest.tables)) {
    if (files.length > 0) await db.run(`CREATE VIEW ${table} AS SELECT * FROM ${readTable(dir, files)}`);
  }
  return { db, manifest };
}
