/**
 * Reads a CSV extract into DuckDB against its zod contract, so that every record is accounted
 * for: columns are matched by name (csv-header.ts), the records are counted independently
 * (csv-count.ts), and DuckDB's reader runs strict, keeping each line it rejects. The rows read
 * plus the lines rejected must come to the count, or the file is refused: nothing vanishes.
 *
 * DuckDB 1.5's reader, as used here (test/csv-reader.test.ts pins each behaviour):
 * - `store_rejects = true` keeps going past a bad line and records it (it implies
 *   `ignore_errors`): a line with the wrong number of fields is rejected alone, and quarantined
 *   with its line. Its tables are temp tables that grow with every read, so they are dropped
 *   before each file; one record can carry several errors, so they are grouped by record; its
 *   line numbers skip line ends inside quoted fields, so rejects are paired with the count's
 *   malformed records by byte offset, and lines come from the count (sql/csv_rejects.sql).
 * - `ignore_errors` alone would skip bad lines without a trace: never used alone.
 * - `strict_mode = false` would read a line with too many fields, dropping the extra ones, and
 *   `null_padding = true` one with too few, padding it: both stay off (the defaults, said here).
 * - An unterminated quote makes the reader swallow the rest of the file into one rejected line:
 *   the count refuses such a file first.
 */
import { fileURLToPath } from "node:url";
import { readFileSync } from "node:fs";
import type { z } from "zod";
import { type Db, sqlLiteral } from "../db.ts";
import { StrataError } from "../errors.ts";
import { countCsvRecords, lineAt } from "./csv-count.ts";
import { matchHeader, readCsvHeader } from "./csv-header.ts";
import { type StageRequest, defineNormalized, defineRaw, firstLine, stageRows } from "./stage.ts";
import { sqlShapeOf } from "./zod-to-sql.ts";

const sqlFile = (name: string) => fileURLToPath(new URL(`./sql/${name}`, import.meta.url));

export type CsvStageRequest = Omit<StageRequest, "kind"> & {
  /**
   * The normalize SQL derives nothing from `record_index`, only passes it on. The file is then
   * staged in one copy: `hashed` is made straight from the read, and the positions are attached
   * after (sql/csv_attach_positions*.sql). Without it, the rows read are kept first
   * (`source_rows`), to be numbered before they are normalized, as a source keyed by its records'
   * positions needs (app streams). An hour's 4.28 M page views stage in 3.4 s this way, 4.2 s in two copies.
   */
  positionFree?: boolean;
};

export type CsvStaged = {
  /** the file's records, as counted (= rows read + lines rejected) */
  records: number;
  /** lines DuckDB's reader rejected (quarantined by splitCsv) */
  rejected: number;
  /** the file's columns its contract does not know: ignored */
  ignoredColumns: string[];
  /** for splitStaged: gives `raw` its positions when a position-free file's records must be read again */
  positionRaw?: () => Promise<void>;
};

/**
 * Creates, for the CSV at `request.path`, what stageRecords creates for a JSON file (`raw`,
 * `hashed`), with record_index the record's position among all the file's records, and temp
 * tables `csv_breaks` and `csv_rejected` for splitCsv. Refuses, with the line and the reason, a
 * file that is empty, lacks a column, has an unterminated quote or a cut last line, or whose
 * records DuckDB and the count do not agree on. Cost: one parallel read by DuckDB (into `hashed`
 * itself when `positionFree`), overlapped with one sequential count in JavaScript.
 */
export async function stageCsv(db: Db, request: CsvStageRequest): Promise<CsvStaged> {
  const { path, schema } = request;
  const shape = sqlShapeOf(schema);
  const names = readCsvHeader(path);
  const layout = matchHeader(path, names, Object.keys(shape.columns), requiredColumns(schema));
  // Fields are read under their positions' names (c0, c1, …), so nothing from the file is ever
  // SQL text, then renamed to the contract's columns; extra columns are not even parsed.
  const columns = `{${layout.fields.map((name, i) => `'c${i}': ${sqlLiteral(name === null ? "VARCHAR" : shape.columns[name])}`).join(", ")}}`;
  const select = Object.keys(shape.columns).map((name) => {
    const at = layout.fields.indexOf(name);
    return `${at >= 0 ? `c${at}` : `NULL::${shape.columns[name]}`} AS ${ident(name)}`;
  });
  // the file's rows, in file order; the lines the reader rejects go to its temp tables
  // csv_reject_errors and csv_reject_scans, which grow with every read: dropped before each
  const dropRejects = "DROP TABLE IF EXISTS csv_reject_errors; DROP TABLE IF EXISTS csv_reject_scans";
  const fileRows = `
    SELECT ${select.join(", ")}
    FROM read_csv(${sqlLiteral(path)}, header = true, columns = ${columns}, auto_detect = false,
                  delim = ',', quote = '"', escape = '"', strict_mode = true, null_padding = false,
                  store_rejects = true, rejects_table = 'csv_reject_errors', rejects_scan = 'csv_reject_scans')`;
  await db.run(dropRejects);
  let read: Promise<unknown>;
  if (request.positionFree) {
    // no position yet: NULL until csv_attach_positions*.sql (the materialize SQL only passes it on)
    await defineNormalized(db, request, `(SELECT NULL::BIGINT AS record_index, * FROM (${fileRows}))`);
    read = db.runFile(request.materializeSql);
  } else {
    read = db.run(`CREATE OR REPLACE TEMP TABLE source_rows AS ${fileRows}`);
  }
  // the count runs on this thread while DuckDB reads on its own; a file the count refuses stops
  // the read, and both are awaited before either's failure is reported, so no query is left
  // running on the connection
  const counting = countCsvRecords(path, names.length).catch((error: unknown) => {
    db.interrupt();
    throw error;
  });
  const [count, done] = await Promise.allSettled([counting, read]);
  if (count.status === "rejected") throw count.reason;
  if (done.status === "rejected") {
    const message = (done.reason as Error).message;
    if (!/^(Invalid Input Error|IO Error)/.test(message)) throw done.reason;
    throw new StrataError(`${path}: not valid ${request.what}: ${firstLine(message)}`);
  }
  const { records, malformed, breaks } = count.value;
  await db.setVariables({ csv_breaks: JSON.stringify(breaks), csv_malformed: JSON.stringify(malformed) });
  await db.runFile(sqlFile("csv_rejects.sql"));
  const [{ read: rowsRead }] = await db.all<{ read: number }>(`SELECT count(*)::BIGINT AS read FROM ${request.positionFree ? "hashed" : "source_rows"}`);
  const [check] = await db.all<{ rejected: number; malformed_not_rejected: number | null; rejected_byte: number | null; rejected_message: string | null }>(
    readFileSync(sqlFile("csv_reconcile.sql"), "utf8"));
  if (check.rejected_byte !== null) {
    const line = await lineAt(path, Number(check.rejected_byte));
    throw new StrataError(`${path}: line ${line}: the reader rejects this record (${check.rejected_message}), which has the header's number of fields; refused`);
  }
  if (check.malformed_not_rejected !== null) {
    throw new StrataError(`${path}: line ${check.malformed_not_rejected}: the reader read a record with the wrong number of fields (the readers disagree on where records begin); refused`);
  }
  const rejected = Number(check.rejected);
  if (Number(rowsRead) + rejected !== records) {
    throw new StrataError(`${path}: line ${lastLine(records, breaks)}: ${records} records counted, but the reader read ${rowsRead} and rejected ${rejected}; refused, so that none is lost`);
  }
  // a row's rowid counts the rows read; each rejected record before it moves its position one on
  if (rejected > 0) await db.runFile(sqlFile("csv_skips.sql"));
  const positioned = rejected > 0 ? "csv_positions" : "(SELECT rowid AS record_index, * FROM source_rows)";
  if (!request.positionFree) {
    if (rejected > 0) await db.runFile(sqlFile("csv_positions.sql"));
    await stageRows(db, request, positioned);
    return { records, rejected, ignoredColumns: layout.ignored };
  }
  await db.runFile(sqlFile(rejected > 0 ? "csv_attach_positions_skipping.sql" : "csv_attach_positions.sql"));
  const positionRaw = async () => {
    // the records as read, numbered: a second read, for a file with records to quarantine that
    // its checks had passed (rare), since `raw` read in one pass cannot be numbered cheaply; the
    // rejects were accounted for above, so the reader's tables are free again
    await db.run(dropRejects);
    await db.run(`CREATE OR REPLACE TEMP TABLE source_rows AS ${fileRows}`);
    if (rejected > 0) await db.runFile(sqlFile("csv_positions.sql"));
    await defineRaw(db, schema, positioned);
  };
  return { records, rejected, ignoredColumns: layout.ignored, positionRaw };
}

/**
 * After splitStaged: puts each quarantined and warned record's line in front of its reason, and
 * adds the rejected lines to `quarantined`, once each (sql/csv_lines.sql).
 */
export async function splitCsv(db: Db): Promise<void> {
  await db.runFile(sqlFile("csv_lines.sql"));
}

/** The contract's columns a file must have: zod's required keys (a nullable one is required; only `.optional()` ones may be absent). */
function requiredColumns(schema: z.ZodObject): Set<string> {
  return new Set(Object.entries(schema.shape).filter(([, field]) => !(field as z.ZodType).safeParse(undefined).success).map(([name]) => name));
}

/** The line of the last record (the header's when there are none), for a message about the whole file. */
function lastLine(records: number, breaks: [number, number][]): number {
  if (records === 0) return 1;
  const last = breaks.at(-1);
  return last ? last[1] + (records - 1 - last[0]) : records + 1;
}

const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;
