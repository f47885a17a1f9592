// The web analytics report's pieces, over data/report.json (data-loaders/publish/web-report.ts):
// rows of both answers per period and postcode, baked at three grains (hour: the last 7 days
// loaded, day: the last 92, month: all), and the flows between postcodes caused by users moving.
// Everything here is plain JS over those rows: answer() picks the finest grain that covers the
// chosen range, groups it by the chosen grain and filters it by postcode.
import * as Plot from "@observablehq/plot";
import {formatInt, h, plural, table} from "./dom.js";
import {labelled, select} from "./history.js";

export const GRAINS = [["hour", "Hour"], ["day", "Day"], ["week", "Week (from Monday)"], ["month", "Month"]];
/** The unknown postcode (NULL in the warehouse), as the filter and the tables name it. */
export const UNKNOWN = "unknown";
const key = (pc) => pc ?? UNKNOWN;
const MIN_WIDTH = 280;

const DAY_MS = 86_400_000;
const addDays = (d, n) => new Date(Date.parse(`${d}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
/** The Monday (UTC) of the ISO week holding day `d` (YYYY-MM-DD), as DuckDB's date_trunc('week'). */
export const mondayOf = (d) => addDays(d, -((new Date(`${d}T00:00:00Z`).getUTCDay() + 6) % 7));

/** A baked row's period (t: YYYY-MM-DDTHH, YYYY-MM-DD or YYYY-MM) at `grain`. */
export function periodOf(t, grain) {
  if (grain === "hour") return `${t.slice(0, 10)} ${t.slice(11, 13)}:00`;
  if (grain === "day") return t.slice(0, 10);
  if (grain === "week") return `week of ${mondayOf(t.slice(0, 10))}`;
  return t.slice(0, 7);
}

/** The days the baked rows cover: all of them (month rows), and the first day with day and hour rows. */
export function coverage(data) {
  const first = (g) => data.views.find((r) => r.g === g)?.t ?? null;
  const last = (g) => data.views.findLast((r) => r.g === g)?.t ?? null;
  const lastDay = last("day") ?? (data.freshness.lastHour ?? "").slice(0, 10);
  const firstDay = (data.freshness.firstHour ?? lastDay).slice(0, 10);
  return {firstDay, lastDay, dayFrom: first("day"), hourFrom: first("hour")?.slice(0, 10) ?? null, lastMonth: last("month")};
}

/**
 * The answer for a state {grain, from, to, postcodes}: which baked grain it reads (the finest
 * that covers [from, to]), the rows per period and postcode on each basis, the totals over all
 * postcodes and over the chosen ones, and the flows between postcodes in the range.
 */
export function answer(data, {grain, from, to, postcodes = []}) {
  const cov = coverage(data);
  if (!data.views.length) {
    const none = {a: 0, c: 0};
    return {grain, baked: "none", from, to, notes: ["No page views have been loaded yet: the answers fill in once the web feeds deliver."], rows: [], perPeriod: [], all: none, selected: none, moves: [], netInflow: 0, filtered: false, postcodes: []};
  }
  const notes = [];
  if (from > to) [from, to] = [to, from];
  let g = cov.hourFrom && from >= cov.hourFrom ? "hour" : cov.dayFrom && from >= cov.dayFrom ? "day" : "month";
  if (grain === "hour" && g !== "hour") {
    notes.push(`Hourly figures are kept for the last 7 days loaded: the range starts at ${cov.hourFrom} for the hour grain.`);
    from = cov.hourFrom;
    g = "hour";
  }
  if ((grain === "day" || grain === "week") && g === "month") {
    notes.push(`Daily figures are kept for the last 92 days loaded: the range starts at ${cov.dayFrom} for the ${grain} grain.`);
    from = cov.dayFrom;
    g = "day";
  }
  const inRange = g === "month"
    ? (t) => t >= from.slice(0, 7) && t <= to.slice(0, 7)
    : (t) => t.slice(0, 10) >= from && t.slice(0, 10) <= to;
  if (g === "month") notes.push(`Before ${cov.dayFrom} only monthly figures are kept: the range is read as whole months, ${from.slice(0, 7)} to ${to.slice(0, 7)}.`);
  const chosen = new Set(postcodes);
  const wanted = (pc) => chosen.size === 0 || chosen.has(key(pc));

  const byPeriod = new Map(); // period → postcode → {a, c}
  const all = {a: 0, c: 0};
  const selected = {a: 0, c: 0};
  for (const r of data.views) {
    if (r.g !== g || !inRange(r.t)) continue;
    all.a += r.a;
    all.c += r.c;
    if (!wanted(r.pc)) continue;
    selected.a += r.a;
    selected.c += r.c;
    const period = periodOf(r.t, grain);
    const row = byPeriod.get(period) ?? new Map();
    const cell = row.get(key(r.pc)) ?? {a: 0, c: 0};
    cell.a += r.a;
    cell.c += r.c;
    row.set(key(r.pc), cell);
    byPeriod.set(period, row);
  }
  const order = (x, y) => (x === UNKNOWN ? 1 : y === UNKNOWN ? -1 : x < y ? -1 : x > y ? 1 : 0);
  const rows = [...byPeriod].sort(([x], [y]) => (x < y ? -1 : 1))
    .flatMap(([period, cells]) => [...cells].sort(([x], [y]) => order(x, y)).map(([postcode, {a, c}]) => ({period, postcode, atView: a, current: c})));
  const perPeriod = [...byPeriod].sort(([x], [y]) => (x < y ? -1 : 1))
    .map(([period, cells]) => ({period, atView: [...cells.values()].reduce((s, v) => s + v.a, 0), current: [...cells.values()].reduce((s, v) => s + v.c, 0)}));

  const flows = new Map();
  for (const m of data.moves) {
    if (m.g !== g || !inRange(m.t) || !(wanted(m.from) || wanted(m.to))) continue;
    const k = `${key(m.from)}→${key(m.to)}`;
    const f = flows.get(k) ?? {from: key(m.from), to: key(m.to), views: 0};
    f.views += m.views;
    flows.set(k, f);
  }
  const moves = [...flows.values()].sort((x, y) => y.views - x.views || order(x.from, y.from) || order(x.to, y.to));
  // into the chosen postcodes minus out of them: what turns the at-view total into the current one
  const inSet = (k) => chosen.has(k);
  const netInflow = moves.reduce((s, m) => s + (inSet(m.to) && !inSet(m.from) ? m.views : 0) - (inSet(m.from) && !inSet(m.to) ? m.views : 0), 0);
  return {grain, baked: g, from, to, notes, rows, perPeriod, all, selected, moves, netInflow, filtered: chosen.size > 0, postcodes: [...chosen]};
}

/** The controls: grain, from, to, postcodes. The element's value is the state; it fires "input" when any part changes. */
export function controls(data, initial) {
  const cov = coverage(data);
  const grain = select(GRAINS, initial.grain);
  const from = h("input", {type: "date", name: "from", min: cov.firstDay, max: cov.lastDay, value: initial.from, required: true});
  const to = h("input", {type: "date", name: "to", min: cov.firstDay, max: cov.lastDay, value: initial.to, required: true});
  const options = [...data.postcodes, ...(data.unknown ? [UNKNOWN] : [])];
  const postcodes = h("select", {multiple: true, name: "postcodes", size: Math.min(6, options.length || 1)},
    options.map((p) => h("option", {value: p, selected: initial.postcodes?.includes(p)}, p)));
  const clear = h("button", {type: "button", name: "all-postcodes", onclick: () => {
    for (const o of postcodes.options) o.selected = false;
    form.dispatchEvent(new Event("input", {bubbles: true}));
  }}, "All postcodes");
  const form = h("form", {class: "controls web-controls", id: "web-controls", onsubmit: (e) => e.preventDefault()},
    labelled("Grain", grain),
    labelled("From (UTC day)", from),
    labelled("To (UTC day)", to),
    h("div", {class: "postcode-filter"}, labelled("Postcodes (none chosen: all)", postcodes), clear));
  grain.name = "grain";
  for (const el of [grain, from, to, postcodes]) el.addEventListener("change", () => form.dispatchEvent(new Event("input", {bubbles: true})));
  Object.defineProperty(form, "value", {
    get: () => ({
      grain: grain.value,
      from: from.value || cov.firstDay,
      to: to.value || cov.lastDay,
      postcodes: [...postcodes.selectedOptions].map((o) => o.value),
    }),
  });
  return form;
}

const viewsColumn = (k, label) => ({key: k, label, align: "right", format: formatInt});

/** One basis's answer: period, postcode, views (rows with no views on this basis left out). */
export function answerTable(result, basis) {
  const k = basis === "current" ? "current" : "atView";
  const rows = result.rows.filter((r) => r[k] !== 0);
  const total = basis === "current" ? result.selected.c : result.selected.a;
  return h("div", {class: "web-answer", dataset: {basis, total: String(total), rows: String(rows.length)}},
    h("p", {class: "answer-total"}, h("strong", {}, formatInt(total)), ` views · ${plural(rows.length, "row")}`),
    table(rows, [
      {key: "period", label: result.grain === "week" ? "week" : result.grain},
      {key: "postcode", label: basis === "current" ? "current postcode" : "postcode at view", className: (v) => (v === UNKNOWN ? "muted" : null)},
      viewsColumn(k, "views"),
    ], {className: "web-answer-table", limit: 400}));
}

/** The totals line: both bases over all postcodes (equal: nothing lost), then over the chosen ones. */
export function totalsLine(result, stored, fullRange) {
  const {all, selected} = result;
  const same = all.a === all.c;
  const range = `${result.from} to ${result.to}`;
  return h("div", {class: "card totals", dataset: {allCurrent: String(all.c), allAtView: String(all.a), selectedCurrent: String(selected.c), selectedAtView: String(selected.a), stored: String(stored)}},
    h("p", {class: "totals-all"},
      h("span", {class: same ? "totals-ok" : "totals-bad"}, same ? "✓ " : "✗ "),
      `All postcodes, ${range}: `, h("strong", {}, formatInt(all.c)), " views by current postcode ",
      same ? "= " : "≠ ", h("strong", {}, formatInt(all.a)), " by postcode at view time",
      fullRange ? [same && all.c === stored ? " = " : " ≠ ", h("strong", {}, formatInt(stored)), " page views stored"] : null,
      ". ", same ? "Every view is counted once on each basis: the answers differ only in where." : "The two bases should agree: something is wrong with the counts."),
    result.filtered ? h("p", {class: "totals-selected"},
      `Chosen postcodes (${result.postcodes.join(", ")}): `, h("strong", {}, formatInt(selected.c)), " by current postcode, ",
      h("strong", {}, formatInt(selected.a)), " by postcode at view time; the difference, ",
      h("strong", {}, formatSigned(selected.c - selected.a)), `, is the views of users who moved into these postcodes less those who moved out (net ${formatSigned(result.netInflow)}, the flows below).`) : null);
}

const formatSigned = (n) => (n > 0 ? `+${formatInt(n)}` : n < 0 ? `−${formatInt(-n)}` : "0");

/** The flows between postcodes (from at-view postcode to current postcode) in the chosen range. */
export function flowsTable(result) {
  if (!result.moves.length) return h("p", {class: "muted", dataset: {flows: "0"}}, "No user moved in this range and filter: both answers agree row for row.");
  const total = result.moves.reduce((s, m) => s + m.views, 0);
  return h("div", {dataset: {flows: String(result.moves.length), total: String(total)}},
    h("p", {}, h("strong", {}, formatInt(total)), ` views were made from one postcode by users now in another, in ${plural(result.moves.length, "flow")}.`),
    table(result.moves, [
      {key: "from", label: "postcode at view", className: (v) => (v === UNKNOWN ? "muted" : null)},
      {key: "to", label: "current postcode", className: (v) => (v === UNKNOWN ? "muted" : null)},
      viewsColumn("views", "views"),
    ], {className: "web-flows-table", limit: 200, rowAttrs: (m) => ({dataset: {from: m.from, to: m.to}})}));
}

/** Views per period on each basis (the chosen postcodes): two lines, equal when nothing is filtered. */
export function basesChart(result, {width: w}) {
  const width = Math.max(w ?? MIN_WIDTH, MIN_WIDTH);
  const data = result.perPeriod.flatMap((p) => [
    {period: p.period, basis: "current postcode", views: p.current},
    {period: p.period, basis: "postcode at view", views: p.atView},
  ]);
  const n = result.perPeriod.length;
  const every = Math.max(1, Math.ceil(n / Math.max(2, Math.floor(width / 90))));
  return Plot.plot({
    width,
    height: 220,
    marginLeft: 48,
    x: {label: result.grain, type: "point", tickFormat: (d, i) => (i % every ? "" : d.replace("week of ", ""))},
    y: {grid: true, label: "views", zero: true},
    color: {domain: ["current postcode", "postcode at view"], range: ["var(--theme-foreground-focus)", "#c7792b"], legend: true},
    marks: [
      Plot.lineY(data, {x: "period", y: "views", stroke: "basis", strokeWidth: 1.5}),
      Plot.dot(data, {x: "period", y: "views", fill: "basis", r: n > 48 ? 1 : 2.5, tip: true}),
      Plot.ruleY([0]),
    ],
  });
}

/** Why the range or grain shown is not quite the one asked for (the baked grains' limits). */
export const notesBlock = (result) => h("div", {}, result.notes.map((n) => h("p", {class: "note-after"}, n)));
