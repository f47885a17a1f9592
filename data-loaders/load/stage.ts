/**
 * Reads a whole source file into DuckDB with the columns and checks derived from its zod schema,
 * then checks, normalizes and hashes it in one parallel pass: no record passes through
 * JavaScript. A file DuckDB cannot parse fails as a whole; a record that breaks the schema (or a
 * business rule of the normalize SQL) keeps its row, with its reason and the record as read, for
 * the quarantine; a record that breaks only a warning rule keeps its warning and is accepted.
 */
import type { z } from "zod";
import { fileURLToPath } from "node:url";
import { StrataError } from "../errors.ts";
import { type Db, sqlLiteral } from "../db.ts";
import { columnsArgument, reasonExpression, sqlShapeOf, warningExpression } from "./zod-to-sql.ts";

const sqlFile = (name: string) => fileURLToPath(new URL(`./sql/${name}`, import.meta.url));

export type StageRequest = {
  path: string;
  /** JSON arrays here; CSV files go through load/stage-csv.ts, which ends in `stageRows` too */
  kind: "json";
  schema: z.ZodObject;
  /** what the file should be, for messages: "v2 reviews JSON" */
  what: string;
  /** SQL file creating view `normalized` from view `raw`, passing `reason`, `warning` and `raw_record` through (see sources/catalogue/sql/normalize_*.sql) */
  normalizeSql: string;
  /** SQL file materializing `normalized` as table `hashed` */
  materializeSql: string;
};

/**
 * Creates table `source_rows` (the file as read), view `raw` over it (record_index: 0-based
 * position among the records read; the declared columns; `reason`, NULL when the record is valid;
 * `warning`, NULL when it breaks no warning rule; `raw_record`, the record as JSON text when it
 * has either) and table `hashed`, the normalized records. Returns the number of records in `hashed`.
 */
export async function stageRecords(db: Db, request: StageRequest): Promise<number> {
  try {
    // The one read of the file, in parallel; a parse error surfaces here. Insertion order is
    // kept, so a row's rowid is its record's position in the file.
    await db.run(`CREATE OR REPLACE TEMP TABLE source_rows AS SELECT * FROM ${jsonArrayReader(request.path, request.schema)}`);
  } catch (error) {
    const message = (error as Error).message;
    if (!/^(Invalid Input Error|IO Error)/.test(message)) throw error;
    throw new StrataError(`${request.path}: not valid ${request.what}: ${firstLine(message)}`);
  }
  return stageRows(db, request, "(SELECT rowid AS record_index, * FROM source_rows)");
}

/**
 * From `rows` (a relation of `record_index` and the contract's columns: the file as read), creates
 * view `raw` with each record's reason, warning and raw record, then the source's `normalized`
 * view and table `hashed`. Returns the number of records in `hashed`.
 */
export async function stageRows(db: Db, request: Pick<StageRequest, "schema" | "normalizeSql" | "materializeSql">, rows: string): Promise<number> {
  await defineNormalized(db, request, rows);
  await db.runFile(request.materializeSql);
  const [{ n }] = await db.all<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM hashed`);
  return n;
}

/**
 * Views `raw` over `rows` (see stageRows) and the source's `normalized` over `raw`, and clears
 * the way for a new `hashed` (the previous file's may be a view: load/sql/csv_attach_positions.sql).
 */
export async function defineNormalized(db: Db, request: Pick<StageRequest, "schema" | "normalizeSql">, rows: string): Promise<void> {
  const [{ view }] = await db.all<{ view: number }>(`SELECT count(*)::INTEGER AS view FROM duckdb_views() WHERE temporary AND view_name = 'hashed'`);
  await db.run(view > 0 ? "DROP VIEW hashed; DROP TABLE IF EXISTS hashed_rows" : "DROP TABLE IF EXISTS hashed");
  await defineRaw(db, request.schema, rows);
  await db.runFile(request.normalizeSql);
}

/** View `raw` over `rows`: each record with its `reason`, `warning` and, when it has either, `raw_record` (see stageRecords). */
export async function defineRaw(db: Db, schema: z.ZodObject, rows: string): Promise<void> {
  const shape = sqlShapeOf(schema);
  const fields = Object.keys(shape.columns).map((c) => `"${c.replaceAll('"', '""')}"`).join(", ");
  await db.run(`
    CREATE OR REPLACE TEMP VIEW raw AS
    SELECT *, CASE WHEN reason IS NOT NULL OR warning IS NOT NULL THEN CAST(to_json(struct_pack(${fields})) AS VARCHAR) END AS raw_record
    FROM (SELECT *, ${reasonExpression(shape)} AS reason, ${warningExpression(shape)} AS warning FROM ${rows})`);
}

/** `read_json(…)` of a JSON array file with the columns and types of `schema`: how every JSON source is read. */
export function jsonArrayReader(path: string, schema: z.ZodObject): string {
  return `read_json(${sqlLiteral(path)}, format = 'array', columns = ${columnsArgument(sqlShapeOf(schema))}, maximum_object_size = 268435456)`;
}

/**
 * Splits `hashed` into view `staged` and tables `quarantined` and `warned` (sql/split.sql; with
 * `keyless`, for records that have no natural key, sql/split_keyless.sql). `positionRaw`, when
 * given, is run before `raw` is read by record_index.
 * Records quarantined by a business rule or as duplicates (or warned by the normalize SQL) were
 * valid by the schema, so their JSON was not kept on the way in: only then is it made, for those
 * records alone.
 */
export async function splitStaged(db: Db, opts: { keyless?: boolean; positionRaw?: () => Promise<void> } = {}): Promise<void> {
  // records without a natural key are never duplicates: no grouping by key (sql/split_keyless.sql)
  await db.runFile(sqlFile(opts.keyless ? "split_keyless.sql" : "split.sql"));
  const [{ missing }] = await db.all<{ missing: number }>(
    `SELECT (SELECT count(*) FROM quarantined WHERE record IS NULL) + (SELECT count(*) FROM warned WHERE record IS NULL) AS missing`);
  if (missing > 0) {
    // a CSV staged in one copy has no positions in `raw` (load/stage-csv.ts): it is read again with them
    await opts.positionRaw?.();
    await db.runFile(sqlFile("quarantine_raw.sql"));
  }
}

export type SplitCounts = { accepted: number; quarantined: number; warned: number };

/**
 * How the file's records split (after splitStaged, and splitCsv for a CSV file), checked against
 * the records read: every record is accepted or quarantined, none lost or counted twice.
 */
export async function countSplit(db: Db, path: string, recordsIn: number): Promise<SplitCounts> {
  const [counts] = await db.all<SplitCounts>(
    `SELECT (SELECT count(*) FROM staged)::INTEGER AS accepted, (SELECT count(*) FROM quarantined)::INTEGER AS quarantined, (SELECT count(*) FROM warned)::INTEGER AS warned`);
  if (counts.accepted + counts.quarantined !== recordsIn) {
    throw new Error(`${path}: ${recordsIn} records read but ${counts.accepted} accepted + ${counts.quarantined} quarantined`);
  }
  return counts;
}

/** The first line of a DuckDB error, without its "… Error: " prefix. */
export function firstLine(message: string): string {
  const line = message.split("\n").find((l) => l.trim() !== "") ?? message;
  return line.replace(/^[A-Za-z ]+Error: /, "");
}
