/** Writing query results into the warehouse as Parquet files. */
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { type Db, sqlLiteral } from "../db.ts";
import { fsyncPath } from "./fsync.ts";

/**
 * Writes `select` to `<warehouse>/<relativePath>` as Parquet and fsyncs it. Costs one pass over
 * the query's rows; DuckDB writes row groups in parallel. zstd for files kept for good; snappy
 * (40% faster to write, 60% larger) for files rewritten every night.
 */
export async function writeParquet(db: Db, warehouse: string, relativePath: string, select: string, compression: "zstd" | "snappy" = "zstd"): Promise<void> {
  const path = join(warehouse, relativePath);
  const createdDir = mkdirSync(dirname(path), { recursive: true });
  // Reading keeps insertion order (record_index is a record's position in its file); a table's
  // row order carries no meaning, and keeping it would serialise the write.
  await db.run("SET preserve_insertion_order = false");
  try {
    await db.run(`COPY (${select}) TO ${sqlLiteral(path)} (FORMAT parquet, COMPRESSION ${compression}, ROW_GROUP_SIZE 122880)`);
  } finally {
    await db.run("RESET preserve_insertion_order");
  }
  fsyncPath(path);
  // the file's directory entry (and a new table folder's) must be durable before a manifest can name it
  fsyncPath(dirname(path));
  if (createdDir !== undefined) fsyncPath(dirname(createdDir));
}

/** `read_parquet([...])` over a table's files as listed in the manifest. */
export function readTable(warehouse: string, files: string[]): string {
  return `read_parquet(${sqlLiteral(files.map((f) => join(warehouse, f)))}, union_by_name = true)`;
}
