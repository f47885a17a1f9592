/**
 * Reads a Parquet delivery into DuckDB against its zod contract, as stage-csv.ts does a CSV:
 * columns matched by name (an extra one ignored with a warning, a missing one refuses the file),
 * every value read as text and checked by the same rules, so a Parquet file and a CSV file of the
 * same contract give the same verdicts. A Parquet file knows its own row count, and every row
 * read is a record: none can be lost between the reader and the count.
 */
import type { z } from "zod";
import { type Db, sqlLiteral } from "../db.ts";
import { StrataError } from "../errors.ts";
import { type StageRequest, firstLine, stageRows } from "./stage.ts";
import { sqlShapeOf } from "./zod-to-sql.ts";

export type ParquetStaged = { records: number; ignoredColumns: string[] };

/**
 * Creates `source_rows`, `raw` and `hashed` for the Parquet file at `request.path` (see
 * stage.ts stageRows); record_index is the row's position in the file. Cost: one parallel read
 * of the contract's columns; the casts to text are what the checks need, and cost little beside it.
 */
export async function stageParquet(db: Db, request: Omit<StageRequest, "kind">): Promise<ParquetStaged> {
  const { path, schema } = request;
  const shape = sqlShapeOf(schema);
  let names: string[];
  try {
    names = (await db.all<{ name: string }>(`SELECT name FROM parquet_schema(${sqlLiteral(path)}) WHERE name <> 'duckdb_schema' AND num_children IS NULL`)).map((r) => r.name);
  } catch (error) {
    throw new StrataError(`${path}: not valid ${request.what}: ${firstLine((error as Error).message)}`);
  }
  const wanted = Object.keys(shape.columns);
  const missing = wanted.filter((c) => !names.includes(c) && required(schema, c));
  if (missing.length > 0) throw new StrataError(`${path}: line 1: no column ${missing.join(", ")} (columns: ${names.join(", ")}); refused`);
  const select = wanted.map((c) => (names.includes(c) ? `CAST(${ident(c)} AS VARCHAR) AS ${ident(c)}` : `NULL::VARCHAR AS ${ident(c)}`));
  try {
    await db.run(`CREATE OR REPLACE TEMP TABLE source_rows AS
      SELECT file_row_number AS record_index, ${select.join(", ")}
      FROM read_parquet(${sqlLiteral(path)}, file_row_number = true)`);
  } catch (error) {
    const message = (error as Error).message;
    if (!/^(Invalid Input Error|IO Error|Conversion Error)/.test(message)) throw error;
    throw new StrataError(`${path}: not valid ${request.what}: ${firstLine(message)}`);
  }
  const records = await stageRows(db, request, "source_rows");
  return { records, ignoredColumns: names.filter((n) => !wanted.includes(n)) };
}

const required = (schema: z.ZodObject, column: string) => !(schema.shape[column] as z.ZodType).safeParse(undefined).success;
const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;
