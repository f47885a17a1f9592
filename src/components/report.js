// The streaming report's per-question "how we computed it" sections, from data/answers.json.
// (The headline figures and freshness are static HTML: src/streaming/report.md.ts renders them
// at build time.)
import {formatNumber, h, table} from "./dom.js";
import {presentation} from "./presentation.js";
import {sqlBlock} from "./sql-highlight.js";

/**
 * One question's details: the primary result, the alternative definitions side by side and
 * the SQL. The <section> with the anchor and the title is static HTML (src/streaming/report.md.ts).
 */
export function questionDetails(q) {
  const p = presentation(q);
  const primary = q.value;
  const unitOf = (v) => p.units?.[v.variant] ?? p.unit;
  const rows = q.variants.map((v) => {
    const comparable = unitOf(v) === p.unit && v.value != null && primary != null;
    return {
      ...v,
      unit: unitOf(v),
      diff: comparable && !v.is_primary ? v.value - primary : null,
      rel: comparable && !v.is_primary && primary !== 0 ? (v.value - primary) / Math.abs(primary) : null
    };
  });
  const signed = (n, digits) => (n == null ? "" : `${n > 0 ? "+" : n < 0 ? "−" : "±"}${formatNumber(Math.abs(n), digits)}`);
  // every value rounded as the card rounds it (presentation's digits)
  const figure = (v) => formatNumber(v, p.digits);
  return h("div", {class: "question-details"},
    h("p", {},
      "Answer: ", h("strong", {dataset: {answerText: ""}}, `${figure(q.value)}${p.unit === "%" ? " %" : p.unit ? ` ${p.unit}` : ""}`),
      ` — ${q.definition}.`),
    p.note ? h("p", {class: "question-note"}, p.note) : null,
    h("h4", {}, "Sensitivity: the same question under other reasonable definitions"),
    table(rows, [
      {key: "variant", label: "Variant", format: (v, r) => (r.is_primary ? h("strong", {}, `${v} (reported)`) : v)},
      // the numbers next to the variant's name, the definition last: on a phone the numbers are on screen
      {key: "value", label: "Value", align: "right", format: figure},
      {key: "unit", label: "Unit"},
      {key: "diff", label: "vs reported", align: "right",
        format: (d, r) => (r.is_primary ? "" : d == null ? h("span", {class: "muted"}, "other unit") : `${signed(d, p.digits)} (${signed(r.rel * 100, 1)} %)`)},
      {key: "definition", label: "Definition", className: () => "prose"}
    ], {className: "sensitivity", rowAttrs: (r) => ({class: r.is_primary ? "primary-row" : null, dataset: {variant: r.variant}})}),
    h("details", {class: "sql-details"},
      h("summary", {}, `The SQL (data-loaders/questions/${q.id}.sql, run unchanged by the CLI and this report)`),
      q.sql ? sqlBlock(q.sql) : h("p", {}, "(SQL not published)")),
    h("p", {}, h("a", {href: "#top"}, "↑ Back to the figures"))
  );
}
