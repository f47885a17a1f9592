// The data quality page's pieces, over data/quality.json: the load log (one row per load and
// file), the quarantined records, the records accepted with a warning and the freshness of each
// source.
import * as Plot from "@observablehq/plot";
import {formatBytes, formatInstant, formatInt, formatNumber, h, plural, table} from "./dom.js";

/**
 * What a load is called on this page: a dated source's loads by their delivery's date (the vendor's
 * night, "2022-03-01"), the others by when they were loaded ("2026-11-22 18:02", UTC). The two are
 * never put on one axis: a night is the data's date, a load time is the warehouse's.
 */
export const loadLabel = (l) => l.data_date ?? formatInstant(l.loaded_at).replace(/ UTC$/, "");
const dated = (loads) => loads.every((l) => l.data_date != null);
/** The axis' name for a source's loads. */
const loadAxis = (loads) => (dated(loads) ? "night delivered" : "loaded at (UTC)");

const sumOf = (rows, k) => rows.reduce((s, r) => s + (r[k] ?? 0), 0);

/** The loads of each source, in the order of `sources` (then any other), each with its title. */
function bySource(loads, sources = []) {
  const titles = new Map(sources.map((s) => [s.id, s.title]));
  const ids = [...new Set([...sources.map((s) => s.id), ...loads.map((l) => l.source)])];
  return ids.map((id) => ({id, title: titles.get(id) ?? id, loads: loads.filter((l) => l.source === id)})).filter((g) => g.loads.length);
}

export function summary(loads, quarantine, warnings) {
  const sum = (k) => sumOf(loads, k);
  const loadIds = new Map();
  for (const l of loads) loadIds.set(l.load_id, l.source);
  const perSource = new Map();
  for (const source of loadIds.values()) perSource.set(source, (perSource.get(source) ?? 0) + 1);
  const cards = [
    ["loads", "Loads", formatInt(loadIds.size), [...perSource].map(([source, n]) => `${source} ${n}`).join(" · ") || "none yet"],
    ["records-in", "Records received", formatInt(sum("records_in")), plural(loads.length, "file")],
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
          h("span", {class: "muted"}, ` · ${plural(s.deliveries, "delivery")}`))
      ]),
      h("dt", {}, "Warehouse"),
      h("dd", {}, `version ${f.warehouseVersion}, published ${formatInstant(f.publishedAt)}`)));
}

/** A chart per source, each under its name and with its own axis of loads (nights, or load times). */
function perSource(loads, sources, chart) {
  return h("div", {class: "per-source"}, bySource(loads, sources).map((g) =>
    h("figure", {class: "source-chart", dataset: {source: g.id, axis: dated(g.loads) ? "night" : "loaded"}},
      h("figcaption", {}, h("strong", {}, g.title), h("span", {class: "muted"}, ` · by ${loadAxis(g.loads)}`)),
      chart(g.loads))));
}

/** Per load and entity: accepted and quarantined records, stacked; one row of bars per entity, a chart per source. */
export function loadsChart(loads, {width, sources}) {
  return perSource(loads, sources, (part) => {
    const data = part.flatMap((l) => [
      {load: loadLabel(l), entity: l.entity, status: "accepted", n: l.accepted},
      {load: loadLabel(l), entity: l.entity, status: "quarantined", n: l.quarantined}
    ]);
    const label = (l) => `${loadLabel(l)} · ${l.entity}`;
    const longest = Math.max(...part.map((l) => label(l).length));
    return Plot.plot({
      width: Math.max(width, 280),
      height: 50 + 22 * new Set(data.map((d) => `${d.load}|${d.entity}`)).size,
      marginLeft: Math.min(12 + 6.2 * longest, 0.45 * Math.max(width, 280)),
      marginRight: 90,
      x: {grid: true, label: "records", axis: "top"},
      y: {label: null},
      color: {domain: ["accepted", "quarantined"], range: ["#9ab", "#d62728"], legend: true},
      marks: [
        Plot.barX(data, {y: (d) => `${d.load} · ${d.entity}`, x: "n", fill: "status", order: ["accepted", "quarantined"], sort: null, tip: true}),
        // A few quarantined records vanish next to thousands accepted: name them.
        Plot.text(part.filter((l) => l.quarantined > 0), {y: label, x: "records_in", dx: 6, textAnchor: "start",
          text: (l) => `${l.quarantined} quarantined`, fill: "#d62728"}),
        Plot.ruleX([0])
      ]
    });
  });
}

/** Quarantined records per load (next to thousands accepted, they vanish): a chart per source, or a line when it has none. */
export function quarantineChart(loads, {width, sources}) {
  return perSource(loads, sources, (part) => {
    const data = part.map((l) => ({load: loadLabel(l), entity: l.entity, n: l.quarantined}));
    const perLoad = new Map();
    for (const d of data) perLoad.set(d.load, (perLoad.get(d.load) ?? 0) + d.n);
    const max = Math.max(0, ...perLoad.values());
    if (max === 0) return h("p", {class: "muted small none"}, `No record quarantined in ${perLoad.size === 1 ? "its load" : `any of its ${plural(perLoad.size, "load")}`}.`);
    const keys = [...perLoad.keys()];
    // nights as "MM-DD" under their year; load times whole
    const years = [...new Set(keys.map((k) => k.slice(0, 4)))];
    const short = dated(part) && years.length === 1;
    const rotate = (Math.max(280, width) - 60) / keys.length < (short ? 40 : 110);
    return Plot.plot({
      width: Math.max(width, 280),
      height: 200,
      marginLeft: 40,
      marginBottom: rotate ? 70 : 40,
      x: {label: short ? `${loadAxis(part)}, ${years[0]}` : loadAxis(part), domain: keys, tickRotate: rotate ? -45 : 0, tickFormat: (d) => (short ? d.slice(5) : d)},
      y: {grid: true, label: "quarantined records", domain: [0, max], ticks: Math.min(max, 5), tickFormat: "d"},
      color: {legend: true, domain: [...new Set(data.filter((d) => d.n > 0).map((d) => d.entity))]},
      marks: [Plot.barY(data.filter((d) => d.n > 0), {x: "load", y: "n", fill: "entity", tip: true}), Plot.ruleY([0])]
    });
  });
}

/** Two lines in one cell: the main text, and a muted second line. */
const twoLines = (first, second, title) => h("span", {class: "two-lines", title}, h("span", {}, first), h("span", {class: "muted"}, second));

/**
 * One row per load and file, narrow enough for a laptop (1366 px): the load as source and key, the
 * file with its format and size (its entity and whole sha256 on hover), the counts, the load time
 * over the start of the file's sha256.
 */
const loadKey = (key) => (key.includes("@") ? `${key.split("@")[0]} again` : key);

export function loadsTable(loads) {
  const count = (key, label, headTitle, className) => ({key, label, headTitle, align: "right", format: formatInt, headClass: "count", className});
  return table(loads, [
    // a re-delivered hour's load is "<hour>@<load time>": the hour, said again (the whole id in the title)
    {key: "load_id", label: "load", format: (v, r) => twoLines(r.source, loadKey(v.slice(r.source.length + 1) || v), v), className: () => "load-key"},
    // the entity is in the file's name (said when it is not)
    {key: "file", label: "file", format: (v, r) => twoLines(v, `${v.startsWith(r.entity) ? "" : `${r.entity} · `}${r.format} · ${formatBytes(r.bytes)}`, `${r.entity}: ${v}, sha256 ${r.sha256}`), className: () => "load-file"},
    count("records_in", "records in", "records in the file"),
    count("accepted", "accepted", "loaded (with the warned ones)"),
    count("warned", "warned", "accepted, with a warning", (v) => (v > 0 ? "warn-count" : null)),
    count("quarantined", "quarantined", "refused, set aside with the reason", (v) => (v > 0 ? "bad-count" : null)),
    count("kept", "kept", "quarantined, yet present: the open version stays"),
    count("inserted", "inserted", "history merge: new records"),
    count("updated", "updated", "history merge: changed records"),
    count("deleted", "deleted", "history merge: records absent from the delivery"),
    count("reappeared", "reappeared", "history merge: records back after a deletion"),
    count("unchanged", "unchanged", "history merge: records as they were"),
    {key: "loaded_at", label: "loaded (UTC) · sha256", format: (v, r) => twoLines(formatInstant(v).replace(/ UTC$/, ""), h("code", {title: r.sha256}, r.sha256.slice(0, 10)), v)}
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
