/**
 * The load rule "partition-append": each delivery adds rows to a table split into Hive-style
 * partition folders (`<table>/<column>=<value>/`, the layout Spark, Trino and DuckDB read as a
 * column). Each delivery writes one file per partition it touches, named for the delivery, so a
 * delivery sent again replaces exactly the files the first one wrote, and nothing else.
 */
import { type Db, sqlLiteral } from "../db.ts";
import type { LoadRun } from "./run.ts";

/** The partition value of a table file (`<table>/<column>=<value>/…`), or null. */
export function partitionOf(file: string, column: string): string | null {
  const match = file.split("/").find((part) => part.startsWith(`${column}=`));
  return match === undefined ? null : match.slice(column.length + 1);
}

/** The files of `table` in the base version that delivery `key` wrote. */
export function deliveryFiles(run: LoadRun, table: string, key: string): string[] {
  const name = `${deliveryLabel(key)}-v`;
  return run.baseFiles(table).filter((f) => (f.split("/").at(-1) ?? "").startsWith(name));
}

const deliveryLabel = (key: string) => `delivery-${key}`;

/**
 * Writes `rows` (a relation with column `column`) as delivery `key`'s files of `table`, one per
 * partition value, in place of the files an earlier delivery of the same key wrote; lists them
 * in `run.next`. Returns the partitions written and the ones the earlier delivery had.
 * `values`: the partition values `rows` holds, when the caller knows them (else one more read of
 * `rows` finds them). Cost: one read of `rows` per partition (a delivery touches one or two).
 */
export async function appendPartitions(
  db: Db,
  run: LoadRun,
  opts: { table: string; column: string; key: string; rows: string; values?: string[] },
): Promise<{ written: string[]; replaced: string[] }> {
  const { table, column, key } = opts;
  const previous = deliveryFiles(run, table, key);
  const values = opts.values ?? (await db.all<{ v: string }>(`SELECT DISTINCT CAST(${ident(column)} AS VARCHAR) AS v FROM ${opts.rows} ORDER BY v`)).map((r) => r.v);
  const written: string[] = [];
  for (const value of values) {
    const file = run.newFile(table, `${column}=${value}/${deliveryLabel(key)}`);
    await run.write(db, file, `SELECT * EXCLUDE (${ident(column)}) FROM ${opts.rows} WHERE CAST(${ident(column)} AS VARCHAR) = ${sqlLiteral(value)}`);
    written.push(file);
  }
  run.next.tables[table] = [...(run.next.tables[table] ?? []).filter((f) => !previous.includes(f)), ...written];
  return { written: values, replaced: previous.map((f) => partitionOf(f, column)).filter((v): v is string => v !== null) };
}

/**
 * Replaces every file of partition `value` of `table` with one file holding `select` (which may
 * read the files it replaces: they stay in the base version). Returns the new file, or null when
 * `select` is empty (the partition is dropped). Cost: one write of the partition.
 */
export async function replacePartition(db: Db, run: LoadRun, opts: { table: string; column: string; value: string; label: string; select: string }): Promise<string | null> {
  const { table, column, value } = opts;
  const keep = (run.next.tables[table] ?? []).filter((f) => partitionOf(f, column) !== value);
  const [{ n }] = await db.all<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM (${opts.select})`);
  if (n === 0) {
    run.next.tables[table] = keep;
    return null;
  }
  const file = run.newFile(table, `${column}=${value}/${opts.label}`);
  await run.write(db, file, opts.select);
  run.next.tables[table] = [...keep, file];
  return file;
}

/** The base version's files of `table` in partition `value`, as paths DuckDB can read. */
export function partitionFiles(run: LoadRun, table: string, column: string, value: string): string[] {
  return run.baseFiles(table).filter((f) => partitionOf(f, column) === value);
}

const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;
