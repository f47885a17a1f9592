/**
 * Recognises which vendor format a file is in from its first record, before DuckDB reads it all.
 * Costs one read of the file's head (up to 4 MB), whatever the file's size.
 */
import { closeSync, openSync, readSync } from "node:fs";
import { basename } from "node:path";
import { z } from "zod";
import { StrataError } from "../../errors.ts";
import { type Entity, type VendorFormat, vendorFormats } from "./contract.ts";

const HEAD_BYTES = 4 * 1024 * 1024;

/** The first element of a JSON array file, parsed; null for an empty array. */
export function firstRecord(path: string): unknown {
  const fd = openSync(path, "r");
  const buffer = Buffer.alloc(HEAD_BYTES);
  const length = readSync(fd, buffer, 0, HEAD_BYTES, 0);
  closeSync(fd);
  const head = buffer.subarray(0, length).toString("utf8");
  const start = head.search(/\S/);
  if (start < 0 || head[start] !== "[") {
    throw new StrataError(`${path}: not valid JSON for a vendor dump: expected an array at byte ${Math.max(start, 0)}`);
  }
  const afterBracket = head.slice(start + 1).search(/\S/);
  if (afterBracket >= 0 && head[start + 1 + afterBracket] === "]") return null;
  const end = endOfFirstValue(head, start + 1);
  if (end < 0) throw new StrataError(`${path}: not valid JSON: first record unterminated within ${HEAD_BYTES} bytes`);
  const text = head.slice(start + 1, end);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new StrataError(`${path}: not valid JSON: record 0: ${(error as Error).message}`);
  }
}

/** Index just past the first complete JSON value after `from`, or -1; tracks strings so braces in text don't count. */
function endOfFirstValue(text: string, from: number): number {
  let depth = 0;
  let inString = false;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === "{" || c === "[") depth++;
    else if (c === "}" || c === "]") {
      depth--;
      if (depth === 0) return i + 1;
    } else if (c === "," && depth === 0) return i;
  }
  return -1;
}

/** The entity a dump file holds, from its name (authors.json, books.json, reviews.json). */
export function entityOf(path: string): Entity {
  const name = basename(path).replace(/\.json$/, "");
  if (name === "authors" || name === "books" || name === "reviews") return name;
  throw new StrataError(`${path}: not a vendor file (expected authors.json, books.json or reviews.json)`);
}

/**
 * The format of a vendor file, decided by the key set of its first record against each zod schema.
 * A file in no known format fails with the first offending path of the closest format.
 */
export function detectFormat(path: string): VendorFormat {
  const entity = entityOf(path);
  const record = firstRecord(path);
  if (record === null) throw new StrataError(`${path}: no records; an empty dump would read as "everything deleted", so it is refused`);
  if (typeof record !== "object" || Array.isArray(record)) throw new StrataError(`${path}: record 0: expected an object`);
  const keys = new Set(Object.keys(record));
  const candidates = vendorFormats.filter((f) => f.entity === entity);
  const exact = candidates.find((f) => sameKeys(keys, Object.keys(f.schema.shape)));
  if (exact) return exact;
  const closest = candidates
    .map((f) => ({ f, overlap: Object.keys(f.schema.shape).filter((k) => keys.has(k)).length }))
    .sort((a, b) => b.overlap - a.overlap)[0].f;
  const result = z.strictObject(closest.schema.shape).safeParse(record);
  const issue = result.success ? undefined : result.error.issues[0];
  const where = issue ? `${["record 0", ...issue.path.map(String)].join(".")}: ${issue.message}` : "record 0: unexpected keys";
  throw new StrataError(`${path}: no known ${entity} format (closest is ${closest.format}); ${where}`);
}

function sameKeys(a: Set<string>, b: string[]): boolean {
  return a.size === b.length && b.every((k) => a.has(k));
}
