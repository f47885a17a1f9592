/**
 * `strata query`: one read-only SQL statement over the published warehouse (the command-line twin
 * of the site's workbench). Every published table is a view of its name, and the mart views
 * (warehouse/marts.ts) follow them. Nothing the statement does can write a file, read a file
 * other than the published tables' Parquet files, or load an extension; three guards, below.
 */
import { join } from "node:path";
import {
  arrayFromArrayValue,
  arrayFromListValue,
  booleanFromValue,
  createDuckDBValueConverter,
  DuckDBDateValue,
  type DuckDBDecimalValue,
  type DuckDBResultReader,
  DuckDBTimestampValue,
  type DuckDBTimestampTZValue,
  DuckDBTypeId,
  type DuckDBValueConverter,
  fromVariantValue,
  nullConverter,
  numberFromValue,
  objectArrayFromMapValue,
  objectFromStructValue,
  objectFromUnionValue,
  StatementType,
  stringFromValue,
} from "@duckdb/node-api";
import { type Db, sqlLiteral } from "./db.ts";
import { oneLine, StrataError } from "./errors.ts";
import { assertPublished } from "./warehouse/manifest.ts";
import { martViews } from "./warehouse/marts.ts";
import { openWarehouse, type WarehouseView } from "./warehouse/open.ts";

/** A value as JSON holds it: BIGINTs as numbers when exact, dates and timestamps as ISO 8601 text. */
export type Cell = null | boolean | number | string | Cell[] | { [key: string]: Cell };
/** `numeric`: a number type (shown right-aligned); `type`: DuckDB's name for it */
export type Column = { name: string; type: string; numeric: boolean };
export type QueryResult = { columns: Column[]; rows: Cell[][] };

/**
 * Runs `sql` over the published warehouse, read-only, and returns its whole result. A statement
 * that is refused, does not parse or fails throws a StrataError `query: <DuckDB's message>`.
 */
export async function queryWarehouse(warehouse: string, sql: string, opts: { views?: WarehouseView[] } = {}): Promise<QueryResult> {
  // readManifest reads a missing manifest as an empty warehouse; a query needs a published one
  assertPublished(warehouse);
  // no temp directory: DuckDB may always write to its spill folder (it adds it to the allowed
  // directories itself), and this session is to write nowhere; a query that outgrows the memory
  // limit fails instead of spilling
  const { db, manifest, dir } = await openWarehouse(warehouse, [], { views: opts.views ?? martViews, db: { tempDir: "" } });
  try {
    // the views' files, exactly as readTable names them
    await lockDown(db, Object.values(manifest.tables).flat().map((file) => join(dir, file)));
    let reader: DuckDBResultReader;
    try {
      reader = await db.readOne(sql, vetStatement);
    } catch (error) {
      throw new StrataError(`query: ${oneLine((error as Error).message)}`);
    }
    return toResult(reader);
  } finally {
    db.close();
  }
}

/**
 * Guard 1, the statement's type, known once DuckDB has parsed and bound it, before it runs: only
 * SELECT, which DuckDB also reports for FROM-first queries, VALUES, TABLE, WITH, DESCRIBE, SHOW,
 * SUMMARIZE and the PRAGMAs that are queries (table_info, show_tables). This is what keeps the
 * published files themselves unchanged: the file guard has to let DuckDB open them, and DuckDB
 * opens an allowed path for writing as readily as for reading (`COPY … TO '<published file>'
 * (USE_TMP_FILE false)` overwrites it under guard 2 alone). EXPLAIN is refused too: EXPLAIN
 * ANALYZE runs the statement it explains, COPY included.
 */
function vetStatement(type: StatementType): void {
  if (type === StatementType.SELECT) return;
  const why = type === StatementType.EXPLAIN ? ": EXPLAIN ANALYZE would run the statement it explains" : "";
  throw new Error(`only read statements are allowed (got ${StatementType[type] ?? type}${why})`);
}

/**
 * Guards 2 and 3, set once the views exist (creating them reads the files' schemas) and before
 * the user's SQL is even parsed (binding a statement can read files: read_csv samples its input).
 */
async function lockDown(db: Db, tableFiles: string[]): Promise<void> {
  // Guard 2, file access: DuckDB opens no file but the published tables' (not even the folder
  // holding them, nor _manifest.json, nor the landing zone), so no read_csv('/etc/passwd'),
  // COPY … TO a new file, ATTACH, EXPORT DATABASE, nor INSTALL or LOAD of an extension (each
  // refused by DuckDB here even without guard 1). Extensions are not fetched or loaded on
  // demand either (httpfs would reach the network).
  await db.run("SET autoinstall_known_extensions = false");
  await db.run("SET autoload_known_extensions = false");
  if (tableFiles.length > 0) await db.run(`SET allowed_paths = ${sqlLiteral(tableFiles)}`);
  await db.run("SET enable_external_access = false");
  // Guard 3: no statement can undo guard 2 (SET and RESET are refused by guard 1 too, but some
  // table functions change settings from inside a SELECT).
  await db.run("SET lock_configuration = true");
}

const numericTypes = new Set([
  DuckDBTypeId.TINYINT, DuckDBTypeId.SMALLINT, DuckDBTypeId.INTEGER, DuckDBTypeId.BIGINT, DuckDBTypeId.HUGEINT,
  DuckDBTypeId.UTINYINT, DuckDBTypeId.USMALLINT, DuckDBTypeId.UINTEGER, DuckDBTypeId.UBIGINT, DuckDBTypeId.UHUGEINT,
  DuckDBTypeId.FLOAT, DuckDBTypeId.DOUBLE, DuckDBTypeId.DECIMAL, DuckDBTypeId.BIGNUM,
]);

function toResult(reader: DuckDBResultReader): QueryResult {
  const seen = new Set<string>();
  const columns = reader.columnNames().map((name, i) => {
    // a result may repeat a name (SELECT 1 AS a, 2 AS a); a JSON object cannot
    let unique = name;
    for (let n = 1; seen.has(unique); n++) unique = `${name}_${n}`;
    seen.add(unique);
    const type = reader.columnType(i);
    return { name: unique, type: type.toString(), numeric: numericTypes.has(type.typeId) };
  });
  return { columns, rows: reader.convertRows(cellConverter) };
}

/** An integer as a JSON number when a double holds it exactly, else as its digits. */
const exactNumber = (n: bigint): number | string => (n >= Number.MIN_SAFE_INTEGER && n <= Number.MAX_SAFE_INTEGER ? Number(n) : String(n));

/** node-api prints a TIMESTAMP as `2022-03-01 12:34:56.789`; ISO 8601 has a T between date and time. */
const isoTimestamp = (text: string): string => text.replace(/^(-?\d{4,}-\d{2}-\d{2}) (?=\d)/, "$1T");

const converters: Partial<Record<DuckDBTypeId, DuckDBValueConverter<Cell>>> = {
  [DuckDBTypeId.BOOLEAN]: booleanFromValue,
  [DuckDBTypeId.TINYINT]: numberFromValue,
  [DuckDBTypeId.SMALLINT]: numberFromValue,
  [DuckDBTypeId.INTEGER]: numberFromValue,
  [DuckDBTypeId.UTINYINT]: numberFromValue,
  [DuckDBTypeId.USMALLINT]: numberFromValue,
  [DuckDBTypeId.UINTEGER]: numberFromValue,
  [DuckDBTypeId.BIGINT]: (v) => exactNumber(v as bigint),
  [DuckDBTypeId.UBIGINT]: (v) => exactNumber(v as bigint),
  [DuckDBTypeId.HUGEINT]: (v) => exactNumber(v as bigint),
  [DuckDBTypeId.UHUGEINT]: (v) => exactNumber(v as bigint),
  [DuckDBTypeId.BIGNUM]: (v) => exactNumber(v as bigint),
  // NaN and ±Infinity have no JSON number
  [DuckDBTypeId.FLOAT]: (v) => (Number.isFinite(v) ? (v as number) : String(v)),
  [DuckDBTypeId.DOUBLE]: (v) => (Number.isFinite(v) ? (v as number) : String(v)),
  // up to 15 significant digits a double gives the decimal's digits back; beyond, its text
  [DuckDBTypeId.DECIMAL]: (v) => {
    const d = v as DuckDBDecimalValue;
    return (d.value < 0n ? -d.value : d.value) < 10n ** 15n ? Number(d.toString()) : d.toString();
  },
  [DuckDBTypeId.DATE]: (v) => {
    const d = v as DuckDBDateValue;
    // node-api prints the infinite dates as far-off days
    return d.days === DuckDBDateValue.PosInf.days ? "infinity" : d.days === DuckDBDateValue.NegInf.days ? "-infinity" : d.toString();
  },
  [DuckDBTypeId.TIMESTAMP]: (v) => isoTimestamp(String(v)),
  [DuckDBTypeId.TIMESTAMP_S]: (v) => isoTimestamp(String(v)),
  [DuckDBTypeId.TIMESTAMP_MS]: (v) => isoTimestamp(String(v)),
  [DuckDBTypeId.TIMESTAMP_NS]: (v) => isoTimestamp(String(v)),
  // an instant: its UTC wall clock with a Z, whatever the session's time zone
  [DuckDBTypeId.TIMESTAMP_TZ]: (v) => {
    const text = new DuckDBTimestampValue((v as DuckDBTimestampTZValue).micros).toString();
    return /^-?\d/.test(text) ? `${isoTimestamp(text)}Z` : text;
  },
  [DuckDBTypeId.LIST]: arrayFromListValue,
  [DuckDBTypeId.ARRAY]: arrayFromArrayValue,
  [DuckDBTypeId.STRUCT]: objectFromStructValue,
  [DuckDBTypeId.MAP]: objectArrayFromMapValue as DuckDBValueConverter<Cell>,
  [DuckDBTypeId.UNION]: objectFromUnionValue as DuckDBValueConverter<Cell>,
  [DuckDBTypeId.VARIANT]: fromVariantValue,
  [DuckDBTypeId.SQLNULL]: nullConverter,
};

/** Every other type (VARCHAR, TIME, INTERVAL, UUID, BLOB, ENUM, …) as DuckDB's text for it. */
const cellConverter = createDuckDBValueConverter<Cell>(
  Object.fromEntries(
    Object.values(DuckDBTypeId)
      .filter((id): id is DuckDBTypeId => typeof id === "number")
      .map((id) => [id, converters[id] ?? stringFromValue]),
  ) as Record<DuckDBTypeId, DuckDBValueConverter<Cell>>,
);
