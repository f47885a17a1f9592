/**
 * Reads a whole source file into DuckDB with the columns and checks derived from its zod schema:
 * one parallel scan, no record passes through JavaScript. A file DuckDB cannot parse fails as a
 * whole; a record that breaks the schema keeps its row, with the reason, for the quarantine.
 */
import type { z } from "zod";
import { StrataError } from "./errors.ts";
import { type Db, sqlLiteral } from "./db.ts";
import { columnsArgument, reasonExpression, sqlShapeOf } from "./zod-to-sql.ts";

export type StageRequest = { path: string; kind: "json" | "csv"; schema: z.ZodObject; what: string };

/**
 * Creates temp table `raw`: record_index (0-based position among the records read), the declared
 * columns, and `reason` (NULL when the record is valid). For CSV, malformed lines are kept apart
 * in temp table `raw_rejects` (line, reason, record). Returns the number of rows in `raw`.
 */
export async function stageRecords(db: Db, request: StageRequest): Promise<number> {
  const shape = sqlShapeOf(request.schema);
  const path = sqlLiteral(request.path);
  const columns = columnsArgument(shape);
  const reader =
    request.kind === "json"
      ? `read_json(${path}, format = 'array', columns = ${columns}, maximum_object_size = 268435456)`
      : `read_csv(${path}, header = true, columns = ${columns}, quote = '"', escape = '"', auto_detect = false,
                  store_rejects = true, rejects_table = 'csv_reject_errors', rejects_scan = 'csv_reject_scans')`;
  try {
    await db.run(`
      CREATE OR REPLACE TEMP TABLE raw AS
      SELECT row_number() OVER () - 1 AS record_index, *, ${reasonExpression(shape)} AS reason
      FROM ${reader}`);
  } catch (error) {
    throw new StrataError(`${request.path}: not valid ${request.what}: ${firstLine((error as Error).message)}`);
  }
  if (request.kind === "csv") {
    await db.run(`
      CREATE OR REPLACE TEMP TABLE raw_rejects AS
      SELECT line, 'line ' || line || ': ' || error_message AS reason, csv_line AS record
      FROM csv_reject_errors`);
  }
  const [{ n }] = await db.all<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM raw`);
  return n;
}

function firstLine(message: string): string {
  const line = message.split("\n").find((l) => l.trim() !== "") ?? message;
  return line.replace(/^[A-Za-z ]+Error: /, "");
}
