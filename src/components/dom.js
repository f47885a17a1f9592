// Tiny DOM helpers for the report, history and quality pages. Framework's `html` and `Inputs`
// would be fetched from a CDN (see site/offline.ts), so pages build elements with these.

/** h("div", {class: "x", dataset: {a: 1}}, child, "text", [more]) → HTMLElement */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value == null || value === false) continue;
    if (key === "dataset") Object.assign(el.dataset, value);
    else if (key === "style" && typeof value === "object") Object.assign(el.style, value);
    else if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2), value);
    else if (key in el && typeof value !== "string") el[key] = value;
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child == null || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : String(child));
  }
}

/**
 * A plain, scrollable table. columns: [{key, label, format?(value, row), align?: "right",
 * className?(value, row)}]; rowAttrs?(row) returns attributes for the <tr>.
 */
export function table(rows, columns, {className = "", rowAttrs, caption, limit} = {}) {
  const shown = limit ? rows.slice(0, limit) : rows;
  return h("div", {class: "table-scroll"},
    h("table", {class: `data-table ${className}`},
      caption ? h("caption", {}, caption) : null,
      h("thead", {}, h("tr", {}, columns.map((c) => h("th", {class: c.align === "right" ? "num" : null, scope: "col"}, c.label ?? c.key)))),
      h("tbody", {}, shown.map((row) =>
        h("tr", rowAttrs?.(row) ?? {}, columns.map((c) => {
          const value = typeof c.key === "function" ? c.key(row) : row[c.key];
          const content = c.format ? c.format(value, row) : value ?? "";
          const cls = [c.align === "right" ? "num" : null, c.className?.(value, row)].filter(Boolean).join(" ");
          return h("td", {class: cls || null}, content);
        }))
      ))
    ),
    limit && rows.length > limit ? h("p", {class: "table-note"}, `Showing ${limit} of ${rows.length} rows.`) : null
  );
}

const integer = new Intl.NumberFormat("en-US", {maximumFractionDigits: 0});
export const formatInt = (n) => (n == null ? "—" : integer.format(n));
export {baseName, formatBytes, formatInstant, formatNumber} from "./presentation.js";
