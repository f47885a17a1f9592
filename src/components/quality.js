// The data quality page's pieces, over data/quality.json: the load log (one row per load and
// file), the quarantined records and the freshness of the warehouse.
import * as Plot from "@observablehq/plot";
import {baseName, formatBytes, formatInstant, formatInt, formatNumber, h, table} from "./dom.js";

/** "vendor/2022-03-01" → "2022-03-01"; internal loads by their load time. */
export const loadLabel = (l) => (l.source === "vendor" ? l.data_date : `internal ${l.loaded_at.slice(0, 10)}`);

export function summary(loads, quarantine) {
  const sum = (k) => loads.reduce((s, l) => s + (l[k] ?? 0), 0);
  const vendorNights = new Set(loads.filter((l) => l.source === "vendor").map((l) => l.data_date)).size;
  const cards = [
    ["loads", "Loads", formatInt(new Set(loads.map((l) => l.load_id)).size), `${vendorNights} vendor nights + internal extracts`],
    ["records-in", "Records received", formatInt(sum("records_in")), `${loads.length} files`],
    ["accepted", "Accepted", formatInt(sum("accepted")), `${formatNumber((100 * sum("accepted")) / Math.max(1, sum("records_in")), 2)} % of received`],
    ["quarantined", "Quarantined", formatInt(sum("quarantined")), `${new Set(quarantine.map((q) => q.reason)).size} distinct reasons`]
  ];
  return h("div", {class: "grid grid-cols-4"}, cards.map(([id, label, value, note]) =>
    h("div", {class: "card", dataset: {summary: id}},
      h("h2", {}, label), h("p", {class: "headline-figure"}, h("span", {class: "headline-value"}, value)), h("p", {class: "muted small"}, note))));
}

export function freshnessCard(f) {
  return h("div", {class: "card freshness", id: "freshness"},
    h("h2", {}, "Freshness"),
    h("dl", {class: "freshness-list"},
      h("dt", {}, "Last vendor night"),
      h("dd", {dataset: {freshness: "vendor-night"}}, f.vendorNight ?? "none",
        f.vendorNightMergedAt ? `, merged ${formatInstant(f.vendorNightMergedAt)}` : "",
        f.vendorNightSource ? h("span", {class: "muted"}, ` (from ${baseName(f.vendorNightSource)})`) : ""),
      h("dt", {}, "Vendor nights"),
      h("dd", {}, f.vendorNights.join(", ") || "none"),
      h("dt", {}, "Internal extract"),
      h("dd", {dataset: {freshness: "internal-extract"}}, f.internalExtractLoadedAt ? `loaded ${formatInstant(f.internalExtractLoadedAt)}` : "not loaded",
        f.internalExtractFiles.length ? h("span", {class: "muted"}, ` · ${f.internalExtractFiles.map((x) => `${x.name} (${formatBytes(x.bytes)})`).join(", ")}`) : ""),
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
    ...["records_in", "accepted", "quarantined", "inserted", "updated", "deleted", "reappeared", "unchanged"]
      .map((key) => ({key, label: key.replace("_", " "), align: "right", format: formatInt,
        className: key === "quarantined" ? (v) => (v > 0 ? "bad-count" : null) : undefined})),
    {key: "loaded_at", label: "loaded", format: formatInstant},
    {key: "sha256", label: "sha256", format: (v) => h("code", {title: v}, v.slice(0, 12))}
  ], {className: "loads-table", rowAttrs: (r) => ({dataset: {load: r.load_id, entity: r.entity}})});
}

export function reasonsTable(quarantine) {
  const counts = new Map();
  for (const q of quarantine) {
    const key = `${q.entity}\u0000${q.reason}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const rows = [...counts].map(([k, n]) => ({entity: k.split("\u0000")[0], reason: k.split("\u0000")[1], n})).sort((a, b) => b.n - a.n);
  return table(rows, [{key: "entity", label: "entity"}, {key: "reason", label: "reason"}, {key: "n", label: "records", align: "right", format: formatInt}], {className: "reasons-table"});
}

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
