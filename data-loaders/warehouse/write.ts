/** Writing query results into the warehouse as Parquet files. */
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { type Db, sqlLiteral } from "../db.ts";
import { fsyncPath, fsyncPaths } from "./fsync.ts";

/**
 * Writes `select` to `<root>/<relativePath>` as Parquet (root: the version being built) and fsyncs it. Costs one pass over
 * the query's rows; DuckDB writes row groups in parallel. zstd for files kept for good. Files
 * rewritten every night (the current versions) are written for speed: uncompressed (a third
 * faster to write than snappy and twice as fast to read, for 1.7× the bytes of one file) and
 * without dictionaries (their big columns, texts, keys and hashes, are unique, and DuckDB would
 * build each dictionary before giving it up: 30% of the write, for 1% of the size).
 */
export async function writeParquet(
  db: Db,
  root: string,
  relativePath: string,
  select: string,
  compression: "zstd" | "uncompressed" = "zstd",
  /**
   * When given, the file is fsynced in the background, from now on (the disk writes while the
   * run goes on), and the promise of that is added here, to be awaited before publishing.
   */
  syncing?: Promise<void>[],
): Promise<void> {
  const path = join(root, relativePath);
  const createdDir = mkdirSync(dirname(path), { recursive: true });
  // A table's row order carries no meaning, and keeping it would serialise the write. (Per
  // statement: the global preserve_insertion_order setting must stay on, because a file read
  // concurrently on another connection gets its record positions from it.)
  const dictionary = compression === "uncompressed" ? ", DICTIONARY_SIZE_LIMIT 1" : "";
  await db.run(`COPY (${select}) TO ${sqlLiteral(path)} (FORMAT parquet, COMPRESSION ${compression}, ROW_GROUP_SIZE 122880, PRESERVE_ORDER false${dictionary})`);
  // the file's directory entry (and a new table folder's) must be durable before a manifest can name it
  const durable = [path, dirname(path), ...(createdDir !== undefined ? [dirname(createdDir)] : [])];
  if (syncing) {
    const synced = fsyncPaths(durable);
    synced.catch(() => {}); // reported where it is awaited; a run that failed first never awaits it
    syncing.push(synced);
  } else {
    durable.forEach(fsyncPath);
  }
}

/** `read_parquet([...])` over a table's files as listed in the manifest of the version in `dir`. */
export function readTable(dir: string, files: string[]): string {
  return `read_parquet(${sqlLiteral(files.map((f) => join(dir, f)))}, union_by_name = true)`;
}
