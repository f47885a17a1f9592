/**
 * Reads a whole vendor file into DuckDB with the columns and checks derived from its zod schema:
 * one parallel scan, no record passes through JavaScript. Bad JSON anywhere fails the file;
 * a record that breaks the schema keeps its row with the reason, for the quarantine.
 */
import { StrataError } from "../errors.ts";
import type { Db } from "../db.ts";
import { sqlLiteral } from "../db.ts";
import { columnsArgument, reasonExpression, sqlShapeOf } from "../zod-to-sql.ts";
import type { VendorFormat } from "./formats.ts";

/**
 * Creates temp table `raw_<entity>`: record_index (0-based position in the file), the declared
 * columns, and `reason` (NULL when the record is valid). Returns the number of records read.
 */
export async function stageFile(db: Db, path: string, format: VendorFormat): Promise<number> {
  const shape = sqlShapeOf(format.schema);
  const table = `raw_${format.entity}`;
  try {
    await db.run(`
      CREATE OR REPLACE TEMP TABLE ${table} AS
      SELECT row_number() OVER () - 1 AS record_index, *, ${reasonExpression(shape)} AS reason
      FROM read_json(${sqlLiteral(path)}, format = 'array', columns = ${columnsArgument(shape)},
                     maximum_object_size = 268435456)`);
  } catch (error) {
    throw new StrataError(`${path}: not valid ${format.format} ${format.entity} JSON: ${firstLine((error as Error).message)}`);
  }
  const [{ n }] = await db.all<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM ${table}`);
  return n;
}

function firstLine(message: string): string {
  return message.split("\n").filter((l) => l.trim() !== "")[0]?.replace(/^[A-Za-z ]+Error: /, "") ?? message;
}
