/**
 * The header of a CSV extract, read on its own and strictly, and matched BY NAME against the
 * file's contract: columns may come in any order, a column the contract does not know is ignored
 * (the load records a warning), a contract column the header lacks refuses the file, naming it.
 *
 * Why read it ourselves: DuckDB's reader, given `columns`, takes the fields by position and skips
 * the header line unread, so a reordered or extra column silently shifts every value into the
 * wrong column (the bug this fixes). Reading one line costs nothing next to the file.
 */
import { closeSync, openSync, readSync } from "node:fs";
import { StrataError } from "../errors.ts";

/** Longer first lines are not a header (a file with no line end, or not a CSV at all). */
const MAX_HEADER_BYTES = 64 * 1024;
const QUOTE = 0x22;
const COMMA = 0x2c;
const LF = 0x0a;
const CR = 0x0d;

/** The column names of a CSV's first line: fields split at commas, `"`-quoted fields unquoted. */
export function readCsvHeader(path: string): string[] {
  const buffer = Buffer.alloc(MAX_HEADER_BYTES);
  const fd = openSync(path, "r");
  let size: number;
  try {
    size = readSync(fd, buffer, 0, MAX_HEADER_BYTES, 0);
  } finally {
    closeSync(fd);
  }
  if (size === 0) throw new StrataError(`${path}: line 1: empty file: no header line naming the columns`);
  // a UTF-8 byte order mark is not part of the first name
  const start = buffer[0] === 0xef && buffer[1] === 0xbb && buffer[2] === 0xbf ? 3 : 0;
  const names: string[] = [];
  let field: number[] = [];
  let quoted = false;
  let wasQuoted = false;
  for (let i = start; i < size; i++) {
    const c = buffer[i];
    if (quoted) {
      if (c !== QUOTE) field.push(c);
      else if (buffer[i + 1] === QUOTE) (field.push(QUOTE), i++);
      else quoted = false;
      continue;
    }
    if (c === COMMA || c === LF) {
      names.push(Buffer.from(field).toString("utf8"));
      field = [];
      wasQuoted = false;
      if (c === LF) return names;
      continue;
    }
    if (c === CR && buffer[i + 1] === LF) continue;
    if (c === QUOTE && field.length === 0 && !wasQuoted) {
      quoted = wasQuoted = true;
      continue;
    }
    if (wasQuoted) throw new StrataError(`${path}: line 1: text after a closing quote in the header`);
    field.push(c);
  }
  if (quoted) throw new StrataError(`${path}: line 1: a quoted name in the header is never closed`);
  if (size === MAX_HEADER_BYTES) throw new StrataError(`${path}: line 1: no line end in the first ${MAX_HEADER_BYTES} bytes; not a CSV header`);
  // a header with no line end: the whole file is its header
  names.push(Buffer.from(field).toString("utf8"));
  return names;
}

export type CsvLayout = {
  /** for each field of the file, in the file's order: the contract column it holds, or null (ignored) */
  fields: (string | null)[];
  /** the file's columns the contract does not know, in the file's order */
  ignored: string[];
  /** optional contract columns the file does not have (read as NULL) */
  absent: string[];
};

/**
 * Matches a header's names with the contract's columns, exactly (letter case and spaces count).
 * `required`: the columns a file must have (zod's required keys; a nullable column is required,
 * its values may be empty). Refuses a header missing one of them, or naming a column twice.
 */
export function matchHeader(path: string, names: string[], columns: string[], required: Set<string>): CsvLayout {
  const known = new Set(columns);
  const seen = new Set<string>();
  for (const name of names) {
    if (known.has(name) && seen.has(name)) throw new StrataError(`${path}: line 1: column ${name} appears twice in the header`);
    seen.add(name);
  }
  const missing = columns.filter((c) => required.has(c) && !seen.has(c));
  if (missing.length > 0) {
    throw new StrataError(`${path}: line 1: ${missing.length === 1 ? "no column" : "no columns"} ${missing.join(", ")}; ${describeHeader(names, missing)}`);
  }
  return {
    fields: names.map((n) => (known.has(n) ? n : null)),
    ignored: names.filter((n) => !known.has(n)),
    absent: columns.filter((c) => !seen.has(c)),
  };
}

/** What the header holds instead, with the likely cause when there is one. */
function describeHeader(names: string[], missing: string[]): string {
  const shown = names.map((n) => JSON.stringify(n)).join(", ");
  if (names.length === 1) {
    const delimiter = [";", "\t", "|"].find((d) => names[0].includes(d));
    if (delimiter) return `the header is one column, ${shown}: the file is delimited by ${JSON.stringify(delimiter)}, and this CSV by ","`;
  }
  const near = missing.map((m) => names.find((n) => n.trim().toLowerCase() === m.toLowerCase())).filter((n) => n !== undefined);
  const hint = near.length > 0 ? ` (names are matched exactly: ${near.map((n) => JSON.stringify(n)).join(", ")} is not the same name)` : "";
  return `the header names ${shown}${hint}`;
}
