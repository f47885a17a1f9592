/**
 * Counts the records of a CSV file in JavaScript, independently of DuckDB's reader, so that every
 * record can be accounted for: the rows DuckDB reads plus the lines it rejects must come to this
 * count (load/stage-csv.ts), or the file is refused. DuckDB's reader, told to keep going past
 * errors, can swallow the rest of a file into one rejected "line" (an unterminated quote) or skip
 * lines without a trace; this count is what shows it.
 *
 * RFC 4180, as DuckDB reads it: fields end at commas, records at line ends (LF or CRLF); a field
 * that starts with `"` runs to the next lone `"` (`""` is a quote inside it), line ends included;
 * a `"` inside an unquoted field is a character. An empty line is not a record (unless the file
 * has one column: then it is a record with an empty field). Streams the file in 1 MB chunks, one
 * byte at a time (the delimiters are ASCII, so UTF-8 needs no decoding): memory stays flat.
 *
 * Refused with the line, because records after the fault cannot be read, or not trusted:
 * - a quote that is never closed (every line after it would read as one field);
 * - a last line cut short: fewer fields than the header and no line end (a truncated file; the
 *   records after the cut were never delivered, so they cannot even be quarantined);
 * - a record with the wrong number of fields that spans several lines (a quote opened in the
 *   wrong place has joined lines that were records of their own);
 * - a CR outside quotes that is not part of a CRLF line end (DuckDB's strict reader fails the
 *   whole file on it, without saying where).
 * A one-line record with the wrong number of fields, or text after a closing quote, is listed in
 * `malformed`, with its line and bytes: DuckDB rejects it, and it is quarantined with its line.
 */
import { open } from "node:fs/promises";
import { StrataError } from "../errors.ts";

/** A one-line record DuckDB's strict reader must reject, quarantined with its line. */
export type MalformedRecord = {
  /** its position among the file's records, from 0 */
  record_index: number;
  line: number;
  reason: string;
  /** the offsets of its first byte and of its line end (or of the end of the file) */
  first_byte: number;
  last_byte: number;
};

export type CsvCount = {
  /** records after the header */
  records: number;
  /** the records DuckDB's strict reader must reject: a wrong number of fields, or text after a closing quote */
  malformed: MalformedRecord[];
  /**
   * [record index, start line] of each record that does not start on the line after the previous
   * record's start (blank lines or a field's line ends came between): with these, a record's line
   * is its index + 2 until the next break (load/sql/csv_rejects.sql). Usually empty.
   */
  breaks: [number, number][];
};

const CHUNK = 1 << 20;
const QUOTE = 0x22;
const COMMA = 0x2c;
const LF = 0x0a;

// where the byte being read is
const FIELD_START = 0;
const UNQUOTED = 1;
const QUOTED = 2;
/** a `"` inside a quoted field: the end of the field, or the first half of `""` */
const QUOTE_SEEN = 3;

/** Counts the data records of the CSV at `path`, whose header has `headerFields` fields. Cost: one read of the file. */
export async function countCsvRecords(path: string, headerFields: number): Promise<CsvCount> {
  const malformed: MalformedRecord[] = [];
  const breaks: [number, number][] = [];
  let records = 0;
  let line = 1; // the line being read (1-based)
  let recordLine = 1; // the line the current record started on
  let previousStart = 0; // the line the previous record started on (the header's: 1)
  let header = true;
  let state = FIELD_START;
  let fields = 1;
  let empty = true; // nothing but CR seen since the record began
  let textAfterQuote = false;
  let quoteLine = 0; // where the quoted field being read opened
  let offset = 0; // of the first byte of the chunk being read
  let recordStart = 0; // offset of the current record's first byte
  let carriageReturn = false; // the byte before was a CR outside quotes: only a LF may follow

  /** Ends the record being read at `end`, the offset of its line end (or of the end of the file). */
  const endRecord = (complete: boolean, end: number) => {
    if (header) {
      if (fields !== headerFields) throw new StrataError(`${path}: line 1: the header reads as ${fields} fields here and ${headerFields} there; refused`);
      header = false;
      previousStart = recordLine;
      return;
    }
    if (!complete && fields < headerFields) {
      throw new StrataError(`${path}: line ${recordLine}: the last line has ${fields} of ${headerFields} fields and no line end: the file is cut short`);
    }
    if (fields !== headerFields || textAfterQuote) {
      if (line > recordLine) {
        throw new StrataError(`${path}: line ${recordLine}: a record running to line ${line} (a quoted field with line ends) has ${fields} fields, not ${headerFields}: a quote is out of place, so where records begin cannot be trusted`);
      }
      const reason = fields !== headerFields ? `${fields} ${fields === 1 ? "field" : "fields"}, the header has ${headerFields}` : "text after a closing quote";
      malformed.push({ record_index: records, line: recordLine, reason, first_byte: recordStart, last_byte: end });
    }
    if (recordLine !== previousStart + 1) breaks.push([records, recordLine]);
    previousStart = recordLine;
    records++;
  };

  const file = await open(path, "r");
  try {
    const buffer = Buffer.allocUnsafe(CHUNK);
    for (;;) {
      const { bytesRead } = await file.read(buffer, 0, CHUNK, null);
      if (bytesRead === 0) break;
      for (let i = 0; i < bytesRead; i++) {
        const c = buffer[i];
        if (carriageReturn) {
          // DuckDB's strict reader fails the whole file on a lone CR, without a line: say where
          if (c !== LF) throw new StrataError(`${path}: line ${line}: a carriage return (CR) outside quotes that does not end the line`);
          carriageReturn = false;
        } else if (state === UNQUOTED ? c > COMMA : state === QUOTED && c !== QUOTE && c !== LF) {
          // most bytes are inside a field and change nothing: skipped first (a third of the
          // count's time; LF, CR, quote and comma are all at or below 0x2c)
          continue;
        }
        if (c === LF) {
          if (state === QUOTED) {
            line++;
            continue;
          }
          // an empty line is no record (DuckDB skips it), except in a one-column file
          if (!empty || headerFields === 1) endRecord(true, offset + i);
          line++;
          recordStart = offset + i + 1;
          recordLine = line;
          state = FIELD_START;
          fields = 1;
          empty = true;
          textAfterQuote = false;
        } else if (c === 0x0d) {
          // CR: inside quotes a character of the field; outside, the first half of a CRLF line end
          if (state !== QUOTED) carriageReturn = true;
        } else if (state === QUOTED) {
          if (c === QUOTE) state = QUOTE_SEEN;
        } else if (c === COMMA) {
          fields++;
          state = FIELD_START;
          empty = false;
        } else if (c === QUOTE) {
          if (state === FIELD_START) {
            state = QUOTED;
            quoteLine = line;
          } else if (state === QUOTE_SEEN) {
            state = QUOTED; // `""`: a quote inside the field
          }
          empty = false;
        } else {
          if (state === QUOTE_SEEN) textAfterQuote = true;
          state = UNQUOTED;
          empty = false;
        }
      }
      offset += bytesRead;
    }
  } finally {
    await file.close();
  }
  if (state === QUOTED) throw new StrataError(`${path}: line ${quoteLine}: a quoted field opened here is never closed; every line after it would read as one field`);
  if (!empty) endRecord(false, offset);
  return { records, malformed, breaks };
}

/** The line (1-based) that the byte at `offset` is on: for a message about a byte DuckDB names. Cost: a read up to it. */
export async function lineAt(path: string, offset: number): Promise<number> {
  let line = 1;
  let seen = 0;
  const file = await open(path, "r");
  try {
    const buffer = Buffer.allocUnsafe(CHUNK);
    while (seen < offset) {
      const { bytesRead } = await file.read(buffer, 0, Math.min(CHUNK, offset - seen), null);
      if (bytesRead === 0) break;
      for (let i = 0; i < bytesRead; i++) if (buffer[i] === LF) line++;
      seen += bytesRead;
    }
  } finally {
    await file.close();
  }
  return line;
}
