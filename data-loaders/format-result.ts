/**
 * A query result (query.ts) as `strata query` prints it: an aligned text table, a JSON array of
 * row objects, or RFC 4180 CSV. All three show the same values: JSON's, written out as text.
 */
import type { Cell, QueryResult } from "./query.ts";

/** A cell's text (null for NULL): nested values (lists, structs) as JSON. */
function cellText(cell: Cell): string | null {
  if (cell === null) return null;
  if (typeof cell === "string") return cell;
  if (typeof cell === "object") return JSON.stringify(cell);
  return String(cell);
}

/**
 * Header, a rule, the rows, then "N rows". Numbers are right-aligned, NULL is shown as NULL, and
 * line breaks and tabs inside a value as \n, \r, \t so that each row stays on one line.
 */
export function formatTable({ columns, rows }: QueryResult): string {
  const escape = (text: string) => text.replace(/[\n\r\t]/g, (c) => (c === "\n" ? "\\n" : c === "\r" ? "\\r" : "\\t"));
  const header = columns.map((c) => escape(c.name));
  const body = rows.map((row) => row.map((cell) => escape(cellText(cell) ?? "NULL")));
  // widths in code points, so that accented and other non-ASCII letters count once
  const length = (text: string) => [...text].length;
  const widths = header.map((name, j) => Math.max(length(name), ...body.map((row) => length(row[j]))));
  const line = (cells: string[]) =>
    cells
      .map((text, j) => {
        const pad = " ".repeat(widths[j] - length(text));
        return columns[j].numeric ? pad + text : text + pad;
      })
      .join("  ")
      .trimEnd();
  const out = [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...body.map(line)];
  out.push(`${rows.length} ${rows.length === 1 ? "row" : "rows"}`);
  return `${out.join("\n")}\n`;
}

/**
 * One JSON array, a row object per line. Written key by key rather than through objects: a
 * column may be named `__proto__`, and an object would move keys that look like numbers first.
 */
export function formatJson({ columns, rows }: QueryResult): string {
  if (rows.length === 0) return "[]\n";
  const keys = columns.map((c) => JSON.stringify(c.name));
  const objects = rows.map((row) => `{${row.map((cell, j) => `${keys[j]}:${JSON.stringify(cell)}`).join(",")}}`);
  return `[\n${objects.join(",\n")}\n]\n`;
}

/**
 * RFC 4180: a header line, CRLF line ends, a field quoted (its quotes doubled) when it holds a
 * comma, a quote or a line break, or starts or ends with a space (as the workbench's export
 * does). NULL is an empty field and the empty string a quoted one ("") so the two stay apart.
 */
export function formatCsv({ columns, rows }: QueryResult): string {
  const field = (text: string | null) => {
    if (text === null) return "";
    return text === "" || /[",\r\n]/.test(text) || /^\s|\s$/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  const lines = [columns.map((c) => field(c.name)).join(","), ...rows.map((row) => row.map((cell) => field(cellText(cell))).join(","))];
  return `${lines.join("\r\n")}\r\n`;
}
