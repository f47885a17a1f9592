// The data quality page's pieces, over data/quality.json: the load log (one row per load and
// file), the quarantined records, the records accepted with a warning and the freshness of each
// source.
import * as Plot from "@observablehq/plot";
import {formatBytes, formatInstant, formatInt, formatNumber, h, table} from "./dom.js";

/** A load by its delivery's date ("2022-03-01"), or by its source and load day when it has none ("internal 2026-11-22"). */
export const loadLabel = (l) => l.data_date ?? `${l.source} ${l.loaded_at.slice(0, 10)}`;

const plural = (n, noun) => `${formatInt(n)} ${noun}${n === 1 ? "" : "s"}`;
const sumOf = (rows, k) => rows.reduce((s, r) => s + (r[k] ?? 0), 0);

export function summary(loads, quarantine, warnings) {
  const sum = (k) => sumOf(loads, k);
  const loadIds = new Map();
  for (const l of loads) loadIds.set(l.load_id, l.source);
  const perSource = new Map();
  for (const source of loadIds.values()) perSource.set(source, (perSource.get(source) ?? 0) + 1);
  const cards = [
    ["loads", "Loads", formatInt(loadIds.size), [...perSource].map(([source, n]) => `${source} ${n}`).join(" · ") || "none yet"],
    ["records-in", "Records received", formatInt(sum("records_in")), `${loads.length} files`],
    ["accepted", "Accepted", formatInt(sum("accepted")), `${formatNumber((100 * sum("accepted")) / Math.max(1, sum("records_in")), 2)} % of received`],
    ["warned", "Accepted with a warning", formatInt(sum("warned")), `${plural(new Set(warnings.map((w) => w.warning)).size, "distinct warning")}; loaded as they are`],
    ["quarantined", "Quarantined", formatInt(sum("quarantined")), plural(new Set(quarantine.map((q) => q.reason)).size, "distinct reason")],
    ["kept", "Kept", formatInt(sum("kept")), "quarantined, yet present: the open version stays, not deleted"]
  ];
  return h("div", {class: "grid grid-cols-3 quality-summary"}, cards.map(([id, label, value, note]) =>
    h("div", {class: "card", dataset: {summary: id}},
      h("h2", {}, label), h("p", {class: "headline-figure"}, h("span", {class: "headline-value"}, value)), h("p", {class: "muted small"}, note))));
}

/** Each source's last delivery (as on the landing page), and the warehouse version. */
export function freshnessCard(f) {
  return h("div", {class: "card freshness", id: "freshness"},
    h("h2", {}, "Freshness"),
    h("dl", {class: "freshness-list"},
      f.sources.map((s) => [
        h("dt", {}, s.title),
        h("dd", {dataset: {source: s.id, lastKey: s.lastKey ?? ""}},
          s.lastKey ? `last delivery ${s.lastKey}, loaded ${formatInstant(s.lastLoadedAt)}` : "no delivery loaded yet",
          h("span", {class: "muted"}, ` · ${s.deliveries === 1 ? "1 delivery" : `${s.deliveries} deliveries`}`))
      ]),
      h("dt", {}, "Warehouse"),
      h("dd", {}, `version ${f.warehouseVersion}, published ${formatInstant(f.publishedAt)}`)));
}

/** Per load and entity: accepted and quarantined records, stacked; one row of bars per entity. */
export function loadsChart(loads, {width}) {
  const data = loads.flatMap((l) => [
    {load: loadLabel(l), entity: l.entity, status: "accepted", n: l.accepted},
    {load: loadLabel(l), entity: l.entity, status: "quarantined", n: l.quarantined}
  ]);
  return Plot.plot({
    width: Math.max(width, 280),
    height: 60 + 28 * new Set(data.map((d) => `${d.load}|${d.entity}`)).size,
    marginLeft: 150,
    marginRight: 20,
    x: {grid: true, label: "records", axis: "top"},
    y: {label: null},
    color: {domain: ["accepted", "quarantined"], range: ["#9ab", "#d62728"], legend: true},
    marks: [
      Plot.barX(data, {y: (d) => `${d.load} · ${d.entity}`, x: "n", fill: "status", order: ["accepted", "quarantined"], sort: null, tip: true}),
      // A few quarantined records vanish next to thousands accepted: name them.
      Plot.text(loads.filter((l) => l.quarantined > 0), {y: (l) => `${loadLabel(l)} · ${l.entity}`, x: "records_in", dx: 6, textAnchor: "start",
        text: (l) => `${l.quarantined} quarantined`, fill: "#d62728"}),
      Plot.ruleX([0])
    ]
  });
}

/** Quarantined records per load: the chart that shows them at all (next to thousands accepted, they vanish). */
export function quarantineChart(loads, {width}) {
  const data = loads.map((l) => ({load: loadLabel(l), entity: l.entity, n: l.quarantined}));
  const perLoad = new Map();
  for (const d of data) perLoad.set(d.load, (perLoad.get(d.load) ?? 0) + d.n);
  const max = Math.max(1, ...perLoad.values());
  return Plot.plot({
    width: Math.max(width, 280),
    height: 240,
    marginLeft: 40,
    marginBottom: width < 500 ? 70 : 30,
    x: {label: null, domain: [...perLoad.keys()], tickRotate: width < 500 ? -45 : 0},
    y: {grid: true, label: "quarantined records", domain: [0, max], ticks: Math.min(max, 5), tickFormat: "d"},
    color: {legend: true, domain: [...new Set(data.filter((d) => d.n > 0).map((d) => d.entity))]},
    marks: [Plot.barY(data.filter((d) => d.n > 0), {x: "load", y: "n", fill: "entity", tip: true}), Plot.ruleY([0])]
  });
}

export function loadsTable(loads) {
  return table(loads, [
    {key: "load_id", label: "load"},
    {key: "entity", label: "entity"},
    {key: "format", label: "format"},
    {key: "file", label: "file"},
    {key: "bytes", label: "size", align: "right", format: formatBytes},
    ...["records_in", "accepted", "warned", "quarantined", "kept", "inserted", "updated", "deleted", "reappeared", "unchanged"]
      .map((key) => ({key, label: key.replace("_", " "), align: "right", format: formatInt,
        className: key === "quarantined" ? (v) => (v > 0 ? "bad-count" : null) : key === "warned" ? (v) => (v > 0 ? "warn-count" : null) : undefined})),
    {key: "loaded_at", label: "loaded", format: formatInstant},
    {key: "sha256", label: "sha256", format: (v) => h("code", {title: v}, v.slice(0, 12))}
  ], {className: "loads-table", rowAttrs: (r) => ({dataset: {load: r.load_id, entity: r.entity}})});
}

/** Records per entity and `key` (the reason, or the warning), most frequent first. */
function countBy(records, key) {
  const counts = new Map();
  for (const r of records) {
    const k = `${r.entity}\u0000${r[key]}`;
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return [...counts].map(([k, n]) => ({entity: k.split("\u0000")[0], [key]: k.split("\u0000")[1], n})).sort((a, b) => b.n - a.n);
}

export function reasonsTable(quarantine) {
  if (!quarantine.length) return h("p", {class: "muted"}, "No record was quarantined.");
  return table(countBy(quarantine, "reason"), [{key: "entity", label: "entity"}, {key: "reason", label: "reason", className: () => "prose"}, {key: "n", label: "records", align: "right", format: formatInt}], {className: "reasons-table"});
}

export function warningRulesTable(warnings) {
  if (!warnings.length) return h("p", {class: "muted"}, "No accepted record broke a warning rule.");
  return table(countBy(warnings, "warning"), [{key: "entity", label: "entity"}, {key: "warning", label: "warning", className: () => "prose"}, {key: "n", label: "records", align: "right", format: formatInt}], {className: "warning-rules-table", limit: 50});
}

/** The count of a set of records, as a card's heading figure. */
export const countCard = (id, label, records, note) =>
  h("div", {class: "card", id, dataset: {count: String(records.length)}},
    h("h2", {}, label),
    h("p", {class: "headline-figure"}, h("span", {class: "headline-value"}, formatInt(records.length)), h("span", {class: "headline-unit"}, records.length === 1 ? " record" : " records")),
    h("p", {class: "muted small"}, note));

export function quarantineTable(quarantine) {
  if (!quarantine.length) return h("p", {}, "No record was quarantined.");
  return table(quarantine, [
    {key: "load_id", label: "load"},
    {key: "entity", label: "entity"},
    {key: "file", label: "file"},
    {key: "record_index", label: "record #", align: "right"},
    {key: "reason", label: "reason", className: () => "prose"},
    {key: "record", label: "record as received", className: () => "record"}
  ], {className: "quarantine-table", limit: 500, rowAttrs: (r) => ({dataset: {load: r.load_id, entity: r.entity}})});
}

export function warningsTable(warnings) {
  if (!warnings.length) return h("p", {}, "No record was accepted with a warning.");
  return table(warnings, [
    {key: "load_id", label: "load"},
    {key: "entity", label: "entity"},
    {key: "file", label: "file"},
    {key: "record_index", label: "record #", align: "right"},
    {key: "warning", label: "warning", className: () => "prose"},
    {key: "record", label: "record as received", className: () => "record"}
  ], {className: "warnings-table", limit: 500, rowAttrs: (r) => ({dataset: {load: r.load_id, entity: r.entity}})});
}
