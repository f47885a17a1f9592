// Tiny DOM helpers for the report, history and quality pages. Framework's `html` and `Inputs`
// would be fetched from a CDN (see site/offline.ts), so pages build elements with these.
import {plural} from "./presentation.js";

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
 * A plain table that scrolls sideways when it is wider than the page, and shows it: a line above
 * it says so and the edge that hides columns is shaded (phones hide scroll bars). columns: [{key,
 * label, format?(value, row), align?: "right", className?(value, row), title?(value, row)}];
 * rowAttrs?(row) returns attributes for the <tr>. The wrapper has data-overflow="true" while the
 * table is wider than its box, and data-at-start / data-at-end for where it is scrolled.
 */
export function table(rows, columns, {className = "", rowAttrs, caption, limit} = {}) {
  const shown = limit ? rows.slice(0, limit) : rows;
  const scroller = h("div", {class: "table-scroll"},
    h("table", {class: `data-table ${className}`},
      caption ? h("caption", {}, caption) : null,
      h("thead", {}, h("tr", {}, columns.map((c) => h("th", {class: [c.align === "right" ? "num" : null, c.headClass].filter(Boolean).join(" ") || null, scope: "col", title: c.headTitle}, c.label ?? c.key)))),
      h("tbody", {}, shown.map((row) =>
        h("tr", rowAttrs?.(row) ?? {}, columns.map((c) => {
          const value = typeof c.key === "function" ? c.key(row) : row[c.key];
          const content = c.format ? c.format(value, row) : value ?? "";
          const cls = [c.align === "right" ? "num" : null, c.className?.(value, row)].filter(Boolean).join(" ");
          return h("td", {class: cls || null, title: c.title?.(value, row)}, content);
        }))
      ))
    ));
  const wrap = h("div", {class: "table-wrap"},
    h("p", {class: "table-scroll-hint", "aria-hidden": "true"}, `Scroll sideways for all ${columns.length} columns →`),
    h("div", {class: "table-frame"}, scroller),
    limit && rows.length > limit ? h("p", {class: "table-note"}, `Showing ${limit} of ${plural(rows.length, "row")}.`) : null
  );
  watchOverflow(wrap, scroller);
  return wrap;
}

/** Keeps wrap's data-overflow / data-at-start / data-at-end up to date with the scroller's size and position. */
function watchOverflow(wrap, scroller) {
  const update = () => {
    const overflow = scroller.scrollWidth > scroller.clientWidth + 1;
    wrap.dataset.overflow = String(overflow);
    wrap.dataset.atStart = String(scroller.scrollLeft <= 1);
    wrap.dataset.atEnd = String(!overflow || scroller.scrollLeft + scroller.clientWidth >= scroller.scrollWidth - 1);
  };
  if (typeof ResizeObserver !== "undefined") {
    const observer = new ResizeObserver(update);
    observer.observe(scroller);
    observer.observe(scroller.firstElementChild);
  }
  scroller.addEventListener("scroll", update, {passive: true});
  update();
}

const integer = new Intl.NumberFormat("en-US", {maximumFractionDigits: 0});
export const formatInt = (n) => (n == null ? "—" : integer.format(n));
export {baseName, formatBytes, formatInstant, formatNumber, plural} from "./presentation.js";
