/** A DuckDB session over the published warehouse: one view per table, over the manifest's files. */
import { Db, type DbOptions } from "../db.ts";
import { oneLine, StrataError } from "../errors.ts";
import { type Manifest, readSnapshot } from "./manifest.ts";
import { readTable } from "./write.ts";

/**
 * A named SQL view over the published tables (a "mart"): `sql` is the view's query, and may name
 * the tables and the views listed before it.
 */
export type WarehouseView = {
  name: string;
  sql: string;
  /** the tables it reads: a version that lacks one (its source never loaded) gets no such view */
  needs?: string[];
  /** what a row is, in a few words (the workbench's schema browser shows it) */
  description?: string;
};

/**
 * Opens the warehouse version in force, pinned to its version folder `dir` (a publish meanwhile
 * does not change what this session reads); costs no data read until a view is queried. `views`
 * are created after the tables' views, in order.
 */
export async function openWarehouse(
  warehouse: string,
  required: string[] = [],
  opts: { views?: WarehouseView[]; db?: DbOptions } = {},
): Promise<{ db: Db; manifest: Manifest; dir: string }> {
  const { manifest, dir } = readSnapshot(warehouse);
  const absent = required.filter((t) => !manifest.tables[t]?.length);
  if (absent.length > 0) {
    throw new StrataError(`${warehouse}: no ${absent.join(", ")} table yet; run \`strata ingest vendor\` and \`strata ingest internal\` first`);
  }
  const db = await Db.open(opts.db);
  try {
    for (const [table, files] of Object.entries(manifest.tables)) {
      if (files.length > 0) await db.run(`CREATE VIEW ${table} AS SELECT * FROM ${readTable(dir, files)}`);
    }
    for (const view of opts.views ?? []) {
      if (view.needs?.some((t) => !manifest.tables[t]?.length)) continue;
      try {
        await db.run(`CREATE VIEW ${quoteIdentifier(view.name)} AS ${view.sql}`);
      } catch (error) {
        throw new StrataError(`view ${view.name}: ${oneLine((error as Error).message)}`);
      }
    }
  } catch (error) {
    db.close();
    throw error;
  }
  return { db, manifest, dir };
}

export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
