/**
 * Small JSON files of aggregates for the site's pages, computed at build time from the .sql files
 * in data-loaders/site-sql/ — so the report needs neither DuckDB-WASM nor the 1.4 MB streams
 * table in the browser. Each loader in src/data names the files it bundles; the result is one
 * JSON object with a key per file.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { ensureWarehouse } from "../pipeline.ts";
import { openWarehouse } from "../warehouse/open.ts";
import { freshness } from "./site-data.ts";

const folder = fileURLToPath(new URL("../site-sql/", import.meta.url));

export const siteSql = (name: string) => readFileSync(`${folder}${name}.sql`, "utf8");

/** Runs each named site-sql file over the warehouse; returns key → rows. */
export async function runSiteSql(warehouse: string, files: Record<string, string>): Promise<Record<string, unknown[]>> {
  const { db } = await openWarehouse(warehouse);
  try {
    const out: Record<string, unknown[]> = {};
    for (const [key, name] of Object.entries(files)) out[key] = await db.all(siteSql(name));
    return out;
  } finally {
    db.close();
  }
}

/** Writes {key: rows, …, freshness?} to stdout, after bringing the warehouse up to date. */
export async function writeSiteSqlJson(files: Record<string, string>, opts: { freshness?: boolean } = {}): Promise<void> {
  const warehouse = await ensureWarehouse();
  const data: Record<string, unknown> = await runSiteSql(warehouse, files);
  if (opts.freshness) data.freshness = freshness(warehouse);
  process.stdout.write(JSON.stringify(data));
}
