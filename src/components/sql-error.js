// DuckDB's error for a query, as the workbench shows it: the message as text and where in the
// SQL it points. DuckDB-WASM reports a parser error as JSON ({"exception_type": "Parser",
// "exception_message": "syntax error at or near …", "position": "0", …}) and the others as text
// ("Binder Error: … LINE 3:   foo(2)\n          ^"); either way the position is found, as a
// character offset into the SQL.

/**
 * @param {string} raw the error's message
 * @param {string} sql the query that failed
 * @returns {{type: string | null, message: string, position: number | null}}
 */
export function describeSqlError(raw, sql) {
  const text = String(raw ?? "");
  let type = null;
  let message = text;
  let position = null;
  const json = parseJsonObject(text);
  if (json && typeof json.exception_message === "string") {
    type = typeof json.exception_type === "string" ? json.exception_type : null;
    message = `${type ? `${type} Error: ` : ""}${json.exception_message}`;
    const p = Number(json.position);
    if (json.position != null && json.position !== "" && Number.isInteger(p) && p >= 0) position = charOffset(sql, p);
  } else {
    type = /^([A-Z][A-Za-z ]*?) Error: /.exec(text)?.[1] ?? null;
  }
  if (position == null) position = caretPosition(message, sql);
  return {type, message: message.trimEnd(), position};
}

function parseJsonObject(text) {
  if (!text.trimStart().startsWith("{")) return null;
  try {
    const value = JSON.parse(text);
    return value && typeof value === "object" ? value : null;
  } catch {
    return null;
  }
}

/** DuckDB counts a position in bytes of UTF-8; the editor in characters (UTF-16 code units). */
function charOffset(sql, bytes) {
  const encoder = new TextEncoder();
  let total = 0;
  let i = 0;
  for (const ch of sql) {
    if (total >= bytes) return i;
    total += encoder.encode(ch).length;
    i += ch.length;
  }
  return sql.length;
}

/**
 * The position of DuckDB's "LINE n: <the line, or part of it>\n<spaces>^" pointer, as a character
 * offset into `sql`; null when the message has none or it does not match the SQL.
 */
function caretPosition(message, sql) {
  const m = /LINE (\d+): ([^\n]*)\n( *)\^/.exec(message);
  if (!m) return null;
  const lineNumber = Number(m[1]);
  const prefix = `LINE ${m[1]}: `.length;
  let excerpt = m[2];
  let column = m[3].length - prefix;
  if (excerpt.startsWith("...")) (excerpt = excerpt.slice(3)), (column -= 3);
  if (excerpt.endsWith("...")) excerpt = excerpt.slice(0, -3);
  const lines = sql.split("\n");
  if (lineNumber < 1 || lineNumber > lines.length || column < 0) return null;
  const line = lines[lineNumber - 1];
  const at = line.indexOf(excerpt.trimEnd());
  if (at < 0) return null;
  const start = lines.slice(0, lineNumber - 1).reduce((n, l) => n + l.length + 1, 0);
  return Math.min(start + at + column, start + line.length);
}
