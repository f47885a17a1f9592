/**
 * Query results as Arrow IPC streams, the form DuckDB-WASM ingests natively
 * (`insertArrowFromIPCStream`) — the browser has no offline Parquet reader. @duckdb/node-api
 * returns columns but no Arrow, so the Arrow table is built here from those columns.
 */
import { DuckDBTypeId, type DuckDBValue } from "@duckdb/node-api";
import {
  Bool, type DataType, DateDay, Float64, Int32, Int64, type Table, TimestampMillisecond, Utf8, makeTable, tableToIPC, vectorFromArray,
} from "apache-arrow";
import type { Db } from "../db.ts";

function arrowTypeOf(typeId: DuckDBTypeId): { type: DataType; convert: (v: DuckDBValue) => unknown } {
  switch (typeId) {
    case DuckDBTypeId.BOOLEAN:
      return { type: new Bool(), convert: (v) => v };
    case DuckDBTypeId.TINYINT:
    case DuckDBTypeId.SMALLINT:
    case DuckDBTypeId.INTEGER:
      return { type: new Int32(), convert: (v) => v };
    case DuckDBTypeId.BIGINT:
      return { type: new Int64(), convert: (v) => (v === null ? null : BigInt(v as bigint)) };
    case DuckDBTypeId.FLOAT:
    case DuckDBTypeId.DOUBLE:
    case DuckDBTypeId.DECIMAL:
      return { type: new Float64(), convert: (v) => (v === null ? null : Number(v)) };
    case DuckDBTypeId.DATE:
      // days since the epoch → the Date the builder expects, at UTC midnight
      return { type: new DateDay(), convert: (v) => (v === null ? null : new Date((v as { days: number }).days * 86_400_000)) };
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_MS:
      // the data carry milliseconds; plain timestamps stay plain (no zone), as in the warehouse
      return { type: new TimestampMillisecond(), convert: (v) => (v === null ? null : Number((v as { micros: bigint }).micros / 1000n)) };
    default:
      return { type: new Utf8(), convert: (v) => (v === null ? null : String(v)) };
  }
}

/** Runs `sql` and returns its result as an Arrow table; costs one copy of the result in memory. */
export async function queryArrow(db: Db, sql: string): Promise<Table> {
  const reader = await db.read(sql);
  const names = reader.columnNames();
  const types = reader.columnTypes();
  // an empty result has no chunks, hence no columns: each is then an empty vector of its type
  const columns = reader.getColumns();
  const vectors: Record<string, ReturnType<typeof vectorFromArray>> = {};
  names.forEach((name, i) => {
    const { type, convert } = arrowTypeOf(types[i].typeId);
    vectors[name] = vectorFromArray((columns[i] ?? []).map(convert), type as never);
  });
  return makeTable(vectors as never) as unknown as Table;
}

/** Arrow IPC stream bytes of a query result. */
export async function queryArrowIPC(db: Db, sql: string): Promise<Uint8Array> {
  return tableToIPC(await queryArrow(db, sql), "stream");
}
