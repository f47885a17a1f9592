// Turning a DuckDB-WASM result (an apache-arrow 17 Table, see duckdb.js) into plain
// columns and rows, and rendering those: a sortable table, a quick Plot chart, CSV.
//
// Arrow type ids are the format's enum (Schema.fbs), identical in every apache-arrow
// version, so they are compared as numbers rather than through the page's arrow copy.
const ArrowType = {Int: 2, Float: 3, Utf8: 5, Bool: 6, Decimal: 7, Date: 8, Time: 9, Timestamp: 10, LargeUtf8: 20, Dictionary: -1};

export const MAX_RENDERED_ROWS = 1000;

/**
 * @typedef {{name: string, kind: "number"|"bigint"|"time"|"date"|"string"|"boolean"|"other", type: string}} Column
 * @typedef {{columns: Column[], rows: unknown[][]}} Result
 */

/** @returns {Result} */
export function resultFromArrow(table) {
  const fields = table.schema.fields;
  const columns = fields.map((field) => ({name: field.name, kind: kindOf(field.type), type: String(field.type)}));
  const n = table.numRows;
  const rows = Array.from({length: n}, () => new Array(fields.length));
  fields.forEach((field, j) => {
    const vector = table.getChildAt(j);
    const convert = converter(field.type);
    let i = 0;
    for (const value of vector) rows[i++][j] = value == null ? null : convert(value);
  });
  // A BIGINT column whose values all fit in a double is shown and charted as numbers.
  columns.forEach((column, j) => {
    if (column.kind === "bigint" && rows.every((r) => r[j] === null || (r[j] >= -Number.MAX_SAFE_INTEGER && r[j] <= Number.MAX_SAFE_INTEGER))) {
      column.kind = "number";
      for (const r of rows) if (r[j] !== null) r[j] = Number(r[j]);
    }
  });
  return {columns, rows};
}

function kindOf(type) {
  switch (type.typeId) {
    case ArrowType.Int:
      return type.bitWidth === 64 ? "bigint" : "number";
    case ArrowType.Float:
    case ArrowType.Decimal:
      return "number";
    case ArrowType.Timestamp:
      return "time";
    case ArrowType.Date:
      return "date";
    case ArrowType.Utf8:
    case ArrowType.LargeUtf8:
    case ArrowType.Dictionary:
      return "string";
    case ArrowType.Bool:
      return "boolean";
    default:
      return "other";
  }
}

function converter(type) {
  switch (type.typeId) {
    case ArrowType.Int:
      return type.bitWidth === 64 ? (v) => BigInt(v) : (v) => Number(v);
    case ArrowType.Float:
      return Number;
    case ArrowType.Decimal: {
      // apache-arrow 17 returns the unscaled integer (a BigNum whose toString() is its
      // decimal digits); dividing by 10^scale (exact in a double up to 10^22) gives the
      // same double as parsing the decimal text.
      const divisor = 10 ** (type.scale ?? 0);
      return (v) => Number(typeof v === "object" ? String(v) : v) / divisor;
    }
    case ArrowType.Timestamp:
    case ArrowType.Date:
      return (v) => new Date(typeof v === "bigint" ? Number(v) : v);
    case ArrowType.Dictionary:
    case ArrowType.Utf8:
    case ArrowType.LargeUtf8:
      return String;
    case ArrowType.Bool:
      return Boolean;
    default:
      return (v) => (typeof v?.toJSON === "function" ? JSON.stringify(v.toJSON(), jsonBigInt) : String(v));
  }
}

const jsonBigInt = (_key, value) => (typeof value === "bigint" ? String(value) : value);

/** The text a value is shown and exported as (full precision; times naive, as DuckDB prints them). */
export function formatValue(value, kind) {
  if (value === null || value === undefined) return "";
  // As DuckDB prints a TIMESTAMP: trailing zeros of the fraction dropped. (apache-arrow
  // 17 hands timestamps over as epoch milliseconds, so digits below 1 ms are not shown.)
  if (kind === "time") return value.toISOString().replace("T", " ").replace("Z", "").replace(/\.?0+$/, "");
  if (kind === "date") return value.toISOString().slice(0, 10);
  return String(value);
}

function compareValues(a, b) {
  if (a === b) return 0;
  if (a === null) return 1; // nulls last in either direction (handled by caller)
  if (b === null) return -1;
  if (a instanceof Date) return a - b;
  if (typeof a === "string") return a.localeCompare(b);
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * A scrollable table whose headers sort on click (asc, desc). Renders at most
 * MAX_RENDERED_ROWS rows; sorting applies to all rows. `onSort(rows)` hears the rows in their
 * new order (what an export of the table should follow).
 */
export function renderTable({columns, rows}, {onSort} = {}) {
  const wrapper = document.createElement("div");
  wrapper.className = "wb-table-wrap";
  wrapper.dataset.resultTable = "";
  const table = document.createElement("table");
  table.className = "wb-table";
  const thead = table.createTHead();
  const headRow = thead.insertRow();
  const tbody = table.createTBody();
  let order = rows.map((_, i) => i);
  let sort = null; // {column, dir}

  const draw = () => {
    tbody.replaceChildren();
    const limit = Math.min(order.length, MAX_RENDERED_ROWS);
    const fragment = document.createDocumentFragment();
    for (let k = 0; k < limit; ++k) {
      const row = rows[order[k]];
      const tr = document.createElement("tr");
      columns.forEach((column, j) => {
        const td = document.createElement("td");
        const value = row[j];
        const text = formatValue(value, column.kind);
        td.textContent = text;
        // cells are cut at 32rem with an ellipsis: the whole value on hover
        if (text.length > 40) td.title = text;
        if (value === null) td.className = "wb-null";
        else if (column.kind === "number" || column.kind === "bigint") td.className = "wb-num";
        tr.append(td);
      });
      fragment.append(tr);
    }
    tbody.append(fragment);
    headRow.querySelectorAll("th").forEach((th, j) => {
      const dir = sort?.column === j ? sort.dir : null;
      th.setAttribute("aria-sort", dir === 1 ? "ascending" : dir === -1 ? "descending" : "none");
      th.dataset.sorted = dir === 1 ? "asc" : dir === -1 ? "desc" : "";
    });
  };

  columns.forEach((column, j) => {
    const th = document.createElement("th");
    th.scope = "col";
    th.title = `${column.type} — click to sort`;
    th.dataset.column = column.name;
    if (column.kind === "number" || column.kind === "bigint") th.className = "wb-num";
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = column.name;
    button.addEventListener("click", () => {
      const dir = sort?.column === j && sort.dir === 1 ? -1 : 1;
      sort = {column: j, dir};
      order = rows
        .map((_, i) => i)
        .sort((a, b) => {
          const x = rows[a][j];
          const y = rows[b][j];
          if (x === null || y === null) return x === y ? a - b : x === null ? 1 : -1;
          return dir * compareValues(x, y) || a - b;
        });
      draw();
      onSort?.(order.map((i) => rows[i]));
    });
    th.append(button);
    headRow.append(th);
  });
  draw();
  wrapper.append(table);
  if (rows.length > MAX_RENDERED_ROWS) {
    const note = document.createElement("p");
    note.className = "wb-note";
    note.textContent = `Showing the first ${MAX_RENDERED_ROWS.toLocaleString("en-US")} rows (sorting uses all ${rows.length.toLocaleString("en-US")}); export for the rest.`;
    wrapper.append(note);
  }
  return wrapper;
}

/** A column name that names rows rather than measures them: id, key, index, row number… */
const ID_NAME = /(^|_)(id|ids|key|keys|pk|idx|index|row|rownum|row_number|rowid|ordinal|seq|serial|uuid|hash|sha256|zip|postcode|code|year|month|day|hour)$/i;

/** Whether a numeric column is a row index: its values are 0, 1, 2, … or 1, 2, 3, … in row order. */
function isRowIndex(rows, j) {
  if (rows.length < 2) return false;
  const first = rows[0][j];
  if (first !== 0 && first !== 1) return false;
  return rows.every((r, i) => r[j] === first + i);
}

/** Whether column j of a result can be charted as a measure: a number that is neither an id nor a row index. */
export function isMeasure({columns, rows}, j) {
  const column = columns[j];
  if (column.kind !== "number") return false;
  if (ID_NAME.test(column.name)) return false;
  return !isRowIndex(rows, j);
}

/** Which columns a quick chart would use, or null when the result doesn't suit one. */
export function chartSpec(result) {
  const {columns, rows} = result;
  if (rows.length < 2 && !(rows.length === 1 && columns.some((c) => c.kind === "string"))) return null;
  const y = columns.findIndex((_, j) => isMeasure(result, j));
  if (y < 0) return null;
  const time = columns.findIndex((c) => c.kind === "time" || c.kind === "date");
  if (time >= 0) return {type: "time", x: time, y};
  const category = columns.findIndex((c) => c.kind === "string" || c.kind === "boolean");
  if (category >= 0) return {type: "category", x: category, y};
  return null;
}

/** `text` cut to at most `max` characters, with an ellipsis when cut. */
export const truncateLabel = (text, max) => (text.length > max ? `${text.slice(0, Math.max(1, max - 1))}…` : text);

/** A Plot chart for `result` (Plot is loaded on first use), or null. */
export async function renderChart(result, width) {
  const spec = chartSpec(result);
  if (!spec) return null;
  const Plot = await import("@observablehq/plot");
  const {columns, rows} = result;
  const xName = columns[spec.x].name;
  const yName = columns[spec.y].name;
  const data = rows.filter((r) => r[spec.x] !== null && r[spec.y] !== null).map((r) => ({x: r[spec.x], y: r[spec.y]}));
  let chart;
  if (spec.type === "time") {
    data.sort((a, b) => a.x - b.x);
    chart = Plot.plot({
      width,
      height: 240,
      marginLeft: 60,
      x: {label: xName, type: "utc"},
      y: {label: yName, grid: true},
      marks: [
        Plot.lineY(data, {x: "x", y: "y"}),
        data.length <= 200 ? Plot.dot(data, {x: "x", y: "y", r: 2, fill: "currentColor"}) : null,
        Plot.ruleY([0])
      ]
    });
  } else {
    const categories = new Set(data.map((d) => String(d.x))).size;
    const shown = Math.min(categories, 30);
    // Labels get at most 40 % of the width (7 px a character at Plot's 10 px); longer ones are
    // cut with an ellipsis and shown whole on hover, never clipped by the chart's edge.
    const maxChars = Math.max(6, Math.floor((0.4 * width - 14) / 7));
    const longest = Math.max(4, ...data.map((d) => String(d.x).length));
    const chars = Math.min(longest, maxChars);
    chart = Plot.plot({
      width,
      height: Math.max(80, shown * 20 + 40),
      marginLeft: 14 + 7 * chars,
      x: {label: categories > shown ? `${yName} (sum; top ${shown} of ${categories} ${xName})` : `${yName}${data.length > categories ? " (sum)" : ""}`, grid: true},
      y: {label: null, axis: null},
      marks: [
        Plot.barX(data, Plot.groupY({x: "sum"}, {y: (d) => String(d.x), x: "y", sort: {y: "-x", limit: shown}, fill: "var(--theme-foreground-focus, steelblue)"})),
        Plot.axisY({tickFormat: (t) => truncateLabel(t, chars), title: (t) => t, tickSize: 0}),
        Plot.ruleX([0])
      ]
    });
  }
  chart.dataset.measure = yName;
  chart.dataset.by = xName;
  return chart;
}

/** RFC 4180 CSV of the whole result, values formatted as in the table. */
export function toCsv({columns, rows}) {
  const cell = (text) => (/[",\r\n]/.test(text) || /^\s|\s$/.test(text) ? `"${text.replaceAll('"', '""')}"` : text);
  const lines = [columns.map((c) => cell(c.name)).join(",")];
  for (const row of rows) lines.push(row.map((v, j) => cell(formatValue(v, columns[j].kind))).join(","));
  return lines.join("\r\n") + "\r\n";
}

export function download(filename, blob) {
  const url = URL.createObjectURL(blob);
  const a = Object.assign(document.createElement("a"), {href: url, download: filename});
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
