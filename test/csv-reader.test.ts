// The CSV reading underneath every CSV source (load/csv-header.ts, load/csv-count.ts,
// load/stage-csv.ts): what DuckDB's reader does with each option in the version we ship (pinned
// here, so an upgrade that changes it fails), and the header read and record count written
// around it. Small hand-made files; no warehouse.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { countCsvRecords, lineAt } from "../data-loaders/load/csv-count.ts";
import { matchHeader, readCsvHeader } from "../data-loaders/load/csv-header.ts";
import { DuckDBInstance } from "@duckdb/node-api";
import { query, tempDir } from "./support/warehouse.ts";

const dir = tempDir("csv-reader");
let n = 0;
/** A file holding `text`, and its path as a SQL literal's content. */
function file(text: string): string {
  const path = join(dir, `f${n++}.csv`);
  writeFileSync(path, text);
  return path;
}
const abc = "columns = {'a': 'VARCHAR', 'b': 'VARCHAR', 'c': 'VARCHAR'}, header = true, auto_detect = false, quote = '\"', escape = '\"'";
/** Runs `statements` in order on one connection (the rejects tables are the connection's) and returns the last one's rows. */
async function session<T>(...statements: string[]): Promise<T[]> {
  const instance = await DuckDBInstance.create(":memory:");
  const conn = await instance.connect();
  try {
    let last: T[] = [];
    for (const sql of statements) last = (await conn.runAndReadAll(sql)).getRowObjectsJson() as T[];
    return last;
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}
const rows = (path: string, options = "") => query<Record<string, string | null>>(`SELECT * FROM read_csv('${path}', ${abc}${options})`);
const rejects = (path: string) =>
  session<{ scan_id: number; line: number; line_byte_position: number; byte_position: number; error_type: string; csv_line: string }>(
    `SELECT * FROM read_csv('${path}', ${abc}, store_rejects = true)`, `
    SELECT scan_id::INT AS scan_id, line::INT AS line, line_byte_position::INT AS line_byte_position, byte_position::INT AS byte_position, error_type, csv_line
    FROM reject_errors ORDER BY byte_position`);

describe("DuckDB's CSV reader, as shipped", () => {
  const twoBad = file("a,b,c\n1,2,3\n4,5\n6,7,8,9\n10,11,12\n");

  test("the version these behaviours were checked on", async () => {
    const [{ v }] = await query<{ v: string }>("SELECT version() AS v");
    assert.equal(v, "v1.5.6");
  });

  test("strict by default: a line with too few or too many fields fails the read", async () => {
    await assert.rejects(rows(twoBad), /Expected Number of Columns: 3 Found: 2/);
  });

  test("ignore_errors skips bad lines without a trace: never used alone", async () => {
    assert.deepEqual(await rows(twoBad, ", ignore_errors = true"), [{ a: "1", b: "2", c: "3" }, { a: "10", b: "11", c: "12" }]);
  });

  test("strict_mode = false reads a line with too many fields, dropping the extra one: kept on", async () => {
    const extra = file("a,b,c\n1,2,3\n6,7,8,9\n");
    assert.deepEqual(await rows(extra, ", strict_mode = false"), [{ a: "1", b: "2", c: "3" }, { a: "6", b: "7", c: "8" }]);
  });

  test("null_padding pads a line with too few fields; with a quoted line end it refuses to run in parallel: kept off", async () => {
    const short = file("a,b,c\n1,2,3\n4,5\n");
    assert.deepEqual(await rows(short, ", null_padding = true"), [{ a: "1", b: "2", c: "3" }, { a: "4", b: "5", c: null }]);
    await assert.rejects(rows(file('a,b,c\n"x\ny",2,3\n4,5\n'), ", null_padding = true"), /does not support null_padding in conjunction with quoted new lines/);
  });

  test("store_rejects keeps going and records each bad line; its table grows with every read, so the load drops it first", async () => {
    const read = `SELECT count(*) FROM read_csv('${twoBad}', ${abc}, store_rejects = true)`;
    const [{ scans, lines }] = await session<{ scans: number; lines: number }>(read, read,
      "SELECT count(DISTINCT scan_id)::INT AS scans, count(*)::INT AS lines FROM reject_errors");
    assert.deepEqual({ scans, lines }, { scans: 2, lines: 4 }, "two reads, two bad lines each, all kept");
  });

  test("store_rejects reports a line of spaces more than once: the load counts records by where they start", async () => {
    const found = await rejects(file("a,b,c\n1,2,3\n   \n4,5,6\n"));
    assert.equal(found.length, 2);
    assert.equal(new Set(found.map((r) => r.line_byte_position)).size, 1);
  });

  test("an unterminated quote swallows the rest of the file into one rejected line: the count refuses the file first", async () => {
    const path = file("a,b,c\n1,2,3\n4,\"5,6\n7,8,9\n10,11,12\n");
    assert.deepEqual(await rows(path, ", store_rejects = true"), [{ a: "1", b: "2", c: "3" }]);
    const found = await rejects(path);
    assert.equal(found.length, 1);
    assert.equal(found[0].csv_line, '4,"5,6\n7,8,9\n10,11,12\n');
  });

  test("its line numbers skip a line end inside a quoted field; its byte offsets are exact: the load pairs rejects by bytes", async () => {
    const text = 'a,b,c\n"x\ny",2,3\n4,5\n7,8,9\n';
    const [reject] = await rejects(file(text));
    const start = text.indexOf("4,5");
    assert.equal(reject.line, 3, "DuckDB says line 3");
    assert.equal(text.slice(0, start).split("\n").length, 4, "it is line 4");
    assert.ok(reject.byte_position >= start && reject.byte_position <= start + "4,5".length + 1, `${reject.byte_position} within the record's bytes`);
  });

  test("an empty line is no record in a file of several columns, and a record in a file of one", async () => {
    assert.equal((await rows(file("a,b,c\n1,2,3\n\n4,5,6\n"))).length, 2);
    const [{ n }] = await query<{ n: number }>(`SELECT count(*)::INT AS n FROM read_csv('${file("a\n1\n\n2\n")}', columns = {'a': 'VARCHAR'}, header = true, auto_detect = false)`);
    assert.equal(n, 3);
  });
});

describe("the header, read strictly and matched by name", () => {
  const columns = ["first_name", "last_name", "email"];
  const required = new Set(columns);

  test("names in any order, quoted or not, after a byte order mark, with CRLF", () => {
    assert.deepEqual(readCsvHeader(file('\ufeffemail,"first_name",last_name\r\nx,y,z\r\n')), ["email", "first_name", "last_name"]);
    const layout = matchHeader("users.csv", ["email", "first_name", "last_name"], columns, required);
    assert.deepEqual(layout, { fields: ["email", "first_name", "last_name"], ignored: [], absent: [] });
  });

  test("an extra column is ignored, in its place", () => {
    assert.deepEqual(matchHeader("u.csv", ["id", "first_name", "last_name", "email"], columns, required).fields, [null, "first_name", "last_name", "email"]);
  });

  test("a missing column, a column twice, an empty file, an unterminated quote: refused with line 1", () => {
    assert.throws(() => matchHeader("u.csv", ["first_name", "last_name"], columns, required), /^StrataError: u\.csv: line 1: no column email; the header names "first_name", "last_name"$/);
    assert.throws(() => matchHeader("u.csv", ["first_name", "Email ", "last_name"], columns, required), /no column email; .*names are matched exactly: "Email " is not the same name/);
    assert.throws(() => matchHeader("u.csv", ["email", "first_name", "last_name", "email"], columns, required), /line 1: column email appears twice/);
    assert.throws(() => matchHeader("u.csv", ["first_name;last_name;email"], columns, required), /no columns first_name, last_name, email; the header is one column, .*delimited by ";", and this CSV by ","/);
    assert.throws(() => readCsvHeader(file("")), /line 1: empty file/);
    assert.throws(() => readCsvHeader(file('"email,first_name\n')), /line 1: a quoted name in the header is never closed/);
  });

  test("an optional column may be absent; a nullable one may not", () => {
    assert.deepEqual(matchHeader("u.csv", ["email", "first_name"], columns, new Set(["email", "first_name"])).absent, ["last_name"]);
  });
});

describe("the record count, independent of DuckDB", () => {
  test("quoted commas, quotes and line ends; CRLF; blank lines; a complete last line without a line end", async () => {
    const path = file('a,b,c\r\n"x, y","say ""hi""",3\r\n"two\nlines",5,6\r\n\r\n7,8,9');
    const count = await countCsvRecords(path, 3);
    assert.equal(count.records, 3);
    assert.deepEqual(count.malformed, []);
    // record 2 starts on line 6: after record 1's two lines and a blank one
    assert.deepEqual(count.breaks, [[2, 6]]);
  });

  test("a one-line record with the wrong number of fields is listed with its line and bytes", async () => {
    const text = "a,b,c\n1,2,3\n4,5\n6,7,8,9\n";
    const count = await countCsvRecords(file(text), 3);
    assert.equal(count.records, 3);
    assert.deepEqual(count.malformed, [
      { record_index: 1, line: 3, reason: "2 fields, the header has 3", first_byte: 12, last_byte: 15 },
      { record_index: 2, line: 4, reason: "4 fields, the header has 3", first_byte: 16, last_byte: 23 },
    ]);
    assert.equal(text[15], "\n");
  });

  test("text after a closing quote is malformed; a quote inside an unquoted field is a character", async () => {
    const count = await countCsvRecords(file('a,b,c\n"1"x,2,3\n4,5"6,7\n'), 3);
    assert.deepEqual(count.malformed.map((m) => [m.line, m.reason]), [[2, "text after a closing quote"]]);
    assert.equal(count.records, 2);
  });

  test("refused, with the line: an unterminated quote, a cut last line, a malformed record over several lines, a lone CR", async () => {
    await assert.rejects(countCsvRecords(file('a,b,c\n1,2,3\n4,"5,6\n7,8,9\n'), 3), /line 3: a quoted field opened here is never closed/);
    await assert.rejects(countCsvRecords(file("a,b,c\n1,2,3\n4,5"), 3), /line 3: the last line has 2 of 3 fields and no line end: the file is cut short/);
    await assert.rejects(countCsvRecords(file('a,b,c\n1,"2\n3",4,5\n'), 3), /line 2: a record running to line 3 .* has 4 fields, not 3/);
    // DuckDB fails the whole file on a lone CR, naming no line
    const lone = file("a,b,c\n1,2,3\n4,5\r,6\n");
    await assert.rejects(rows(lone, ", store_rejects = true"), /The CSV Parser state machine reached an invalid state/);
    await assert.rejects(countCsvRecords(lone, 3), /line 3: a carriage return \(CR\) outside quotes that does not end the line/);
  });

  test("streams the file: a record across chunk boundaries counts once", async () => {
    const row = `"${"x".repeat(700_000)}\n${"y".repeat(700_000)}",2,3\n`;
    const count = await countCsvRecords(file(`a,b,c\n${row}${row}${row}1,2,3\n`), 3);
    assert.equal(count.records, 4);
    assert.deepEqual(count.breaks, [[1, 4], [2, 6], [3, 8]]);
    assert.equal(await lineAt(file("a\nb\nc\n"), 4), 3);
  });
});
