// The history explorer's pieces, over data/history.json: every version of every vendor record
// (SCD type 2) and the per-night change counts from the load log. "As of" filtering happens
// here, with the same rule the SQL uses:
//   valid_from <= d AND (valid_to IS NULL OR valid_to > d) AND NOT is_deleted
// (dates are YYYY-MM-DD strings, so string comparison is date comparison).
import * as Plot from "@observablehq/plot";
import {formatInt, h, table} from "./dom.js";

export const ENTITIES = {
  authors: {label: "Authors", one: "author", name: (r) => r.name, shown: ["name", "nationality", "birth_date", "died_at"]},
  books: {label: "Books", one: "book", name: (r) => r.title, shown: ["title", "author_name", "pages", "publisher"]},
  reviews: {label: "Reviews", one: "review", name: (r) => `${r.book_title} → ${r.movie_title}`, shown: ["book_title", "movie_title", "rating", "review_text"]}
};
// Bookkeeping columns, plus the fields versionsOf() adds.
const BOOKKEEPING = new Set(["business_key", "valid_from", "valid_to", "is_current", "is_deleted", "source_dump", "version", "kind", "changed"]);
export const attributesOf = (rows) => Object.keys(rows[0] ?? {}).filter((k) => !BOOKKEEPING.has(k));

export function asOf(rows, date) {
  return rows.filter((r) => r.valid_from <= date && (r.valid_to == null || r.valid_to > date) && !r.is_deleted);
}

/** A labelled control; `input` is the element whose value the page reads through view(). */
export const labelled = (label, input) => h("label", {}, label, input);

/**
 * The "as of" date: from the first night on (no upper bound: a date after the newest night is a
 * fair question, and the page says what the warehouse knows then).
 */
export function dateInput(nights, value = nights.at(-1)) {
  return h("input", {type: "date", name: "as-of", min: nights[0], value, required: true});
}

export function select(options, value) {
  const el = h("select", {}, options.map(([v, label]) => h("option", {value: v, selected: v === value}, label)));
  el.value = value;
  return el;
}

export function searchInput(placeholder) {
  return h("input", {type: "search", placeholder, autocomplete: "off"});
}

const clip = (v) => (typeof v === "string" && v.length > 60 ? h("span", {class: "truncate", title: v}, v) : v ?? "");

/**
 * The catalogue of one entity as of `date`, optionally filtered by a search string. A date after
 * the newest night (`nights`) is answered with the newest night's catalogue, and says so.
 */
export function asOfTable(rows, entity, date, search = "", nights = []) {
  const spec = ENTITIES[entity];
  const needle = search.trim().toLowerCase();
  const live = asOf(rows, date);
  const matching = needle ? live.filter((r) => Object.values(r).some((v) => String(v ?? "").toLowerCase().includes(needle))) : live;
  const newest = nights.at(-1);
  const after = newest && date > newest;
  return h("div", {dataset: {asof: date, entity, rows: String(matching.length)}},
    after ? h("p", {class: "note-after", dataset: {afterNewest: newest}},
      `${date} is after the newest night loaded, ${newest}: the warehouse knows nothing newer, so this is the catalogue as of ${newest}. `,
      `Later nights appear here once the vendor's dumps are loaded.`) : null,
    h("p", {class: "asof-summary"},
      h("strong", {}, formatInt(matching.length)), ` ${matching.length === 1 ? spec.one : spec.label.toLowerCase()} in the catalogue as of ${date}`,
      after ? ` (the newest night, ${newest})` : "",
      needle ? ` matching “${search.trim()}” (of ${formatInt(live.length)})` : ""),
    table(matching, [
      ...spec.shown.map((key) => ({key, label: key.replaceAll("_", " "), align: key === "pages" || key === "rating" ? "right" : null, format: clip})),
      {key: "valid_from", label: "version since"},
      {key: "source_dump", label: "from dump"}
    ], {className: "asof-table", limit: 100})
  );
}

/** For a date before the first night (or none): what there is to see. */
export const pickDateNote = (nights, date) =>
  h("p", {class: "note-before", dataset: {beforeFirst: nights[0]}},
    date ? `${date} is before the first night loaded (${nights[0]}): the warehouse has no catalogue for it. ` : "",
    `Pick a date from ${nights[0]} on; nights loaded run to ${nights.at(-1)}.`);

/** Every record of an entity as [business_key, label], records with the most versions first. */
export function recordOptions(rows, entity) {
  const counts = new Map();
  const latest = new Map();
  for (const r of rows) {
    counts.set(r.business_key, (counts.get(r.business_key) ?? 0) + 1);
    latest.set(r.business_key, r);
  }
  return [...counts]
    .sort((a, b) => b[1] - a[1] || String(ENTITIES[entity].name(latest.get(a[0]))).localeCompare(ENTITIES[entity].name(latest.get(b[0]))))
    .map(([key, n]) => [key, `${ENTITIES[entity].name(latest.get(key))} (${n} version${n === 1 ? "" : "s"})`]);
}

/**
 * The record picker: a search field over the records' names and keys, and the list of the records
 * that match (at most `limit`; the picked one is always listed). Its value is the picked record's
 * key; it fires "input" only when that changes (Generators.input reads it).
 */
export function recordPicker(options, {value, limit = 300} = {}) {
  const search = h("input", {type: "search", placeholder: "name or key…", autocomplete: "off", name: "record-search", dataset: {recordSearch: ""}});
  const list = h("select", {name: "record", dataset: {recordSelect: ""}});
  const count = h("span", {class: "muted small picker-count", dataset: {recordCount: ""}});
  const picker = h("div", {class: "record-picker", dataset: {recordPicker: ""}},
    labelled("Find a record", search), labelled("Record (most versions first)", list), count);
  let current = options.some(([key]) => key === value) ? value : options[0]?.[0] ?? "";
  const fill = () => {
    const needle = search.value.trim().toLowerCase();
    const matching = needle ? options.filter(([key, label]) => label.toLowerCase().includes(needle) || key.toLowerCase().includes(needle)) : options;
    let shown = matching.slice(0, limit);
    const picked = options.find(([key]) => key === current);
    if (needle && matching.length && !matching.some(([key]) => key === current)) current = matching[0][0];
    else if (picked && !shown.some(([key]) => key === current)) shown = [picked, ...shown];
    list.replaceChildren(...shown.map(([key, label]) => h("option", {value: key, selected: key === current}, label)));
    list.value = current;
    count.textContent = needle
      ? matching.length ? `${formatInt(matching.length)} of ${formatInt(options.length)} match${matching.length > limit ? ` (first ${limit} listed)` : ""}` : `no record matches “${search.value.trim()}”`
      : `${formatInt(options.length)} ${options.length === 1 ? "record" : "records"}${options.length > limit ? ` (first ${limit} listed: search for the others)` : ""}`;
    count.dataset.matches = String(matching.length);
  };
  const changed = (key) => {
    if (key === picker.value) return;
    current = key;
    picker.dispatchEvent(new Event("input", {bubbles: true}));
  };
  Object.defineProperty(picker, "value", {get: () => current, configurable: true});
  search.addEventListener("input", (event) => {
    event.stopPropagation(); // the picker's value changes only with the pick
    const before = current;
    fill();
    if (current !== before) {
      const key = current;
      current = before;
      changed(key);
    }
  });
  list.addEventListener("input", (event) => {
    event.stopPropagation();
    changed(list.value);
  });
  list.addEventListener("change", (event) => event.stopPropagation());
  fill();
  return picker;
}

// ---- the page's state in its address (?as-of=…&catalogue=…&record-catalogue=…&record=…) ------
// A link carries it, so a reload or a colleague sees the same; what the address holds is
// checked before use (a date, a catalogue, a record of it), and a value that fails is reported.

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const isDay = (s) => DATE.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().slice(0, 10) === s;

/** The state in `search` (location.search), checked: {asOf, catalogue, recordCatalogue, record, problems}. */
export function readPageState(search, {nights}) {
  const params = new URLSearchParams(search);
  const problems = [];
  const state = {asOf: nights.at(-1), catalogue: "books", recordCatalogue: "authors", record: null, problems};
  const asOf = params.get("as-of");
  if (asOf != null) {
    if (isDay(asOf)) state.asOf = asOf;
    else problems.push(`the link's date “${asOf.slice(0, 40)}” is not a date (YYYY-MM-DD): showing the newest night, ${nights.at(-1)}`);
  }
  for (const [param, key] of [["catalogue", "catalogue"], ["record-catalogue", "recordCatalogue"]]) {
    const value = params.get(param);
    if (value == null) continue;
    if (Object.hasOwn(ENTITIES, value)) state[key] = value;
    else problems.push(`the link's catalogue “${value.slice(0, 40)}” is none of ${Object.keys(ENTITIES).join(", ")}`);
  }
  const record = params.get("record");
  if (record != null) state.record = record.slice(0, 500);
  return state;
}

/** Writes the state into the address (replacing the entry: no history step per click); undefined leaves a value as it is. */
export function writePageState({asOf, catalogue, recordCatalogue, record}) {
  const url = new URL(location.href);
  for (const [param, value] of [["as-of", asOf], ["catalogue", catalogue], ["record-catalogue", recordCatalogue], ["record", record]]) {
    if (value === undefined) continue; // not known yet (a date being typed): as it was
    if (value === null || value === "") url.searchParams.delete(param);
    else url.searchParams.set(param, value);
  }
  if (url.href !== location.href) history.replaceState(history.state, "", url.href);
}

/** What the address asked for that the page could not show, or nothing. */
export function stateNote(problems) {
  if (!problems.length) return h("span", {});
  return h("p", {class: "note-link", role: "status", dataset: {linkProblems: String(problems.length)}},
    `This page's address asked for something it cannot show: ${problems.join("; ")}.`);
}

/** A record's versions, oldest first, each with the attributes that changed since the one before. */
export function versionsOf(rows, key) {
  const versions = rows.filter((r) => r.business_key === key).sort((a, b) => a.valid_from.localeCompare(b.valid_from));
  const attributes = attributesOf(versions);
  return versions.map((v, i) => {
    const previous = versions[i - 1];
    const changed = previous && !v.is_deleted && !previous.is_deleted
      ? attributes.filter((a) => JSON.stringify(v[a]) !== JSON.stringify(previous[a]))
      : [];
    const kind = v.is_deleted ? "deleted" : !previous ? "added" : previous.is_deleted ? "reappeared" : "updated";
    return {...v, version: i + 1, kind, changed: new Set(changed)};
  });
}

/** The versions as a table: changed fields highlighted, tombstones struck through. */
export function versionTable(versions) {
  const attributes = attributesOf(versions);
  return table(versions, [
    {key: "version", label: "#", align: "right"},
    {key: "kind", label: "change", className: () => "version-kind",
      format: (k, r) => (k === "updated" ? `updated (${[...r.changed].join(", ") || "no attribute"})` : k === "deleted" ? "deleted (tombstone)" : k)},
    {key: "valid_from", label: "valid from"},
    {key: "valid_to", label: "valid to", format: (v) => v ?? "open"},
    ...attributes.map((key) => ({key, label: key.replaceAll("_", " "), format: clip, className: (_, r) => (r.changed.has(key) ? "changed" : null)})),
    {key: "source_dump", label: "from dump"}
  ], {className: "version-table", rowAttrs: (r) => ({class: r.is_deleted ? "tombstone" : null, dataset: {version: String(r.version), kind: r.kind}})});
}

/** The picked record: its versions on a timeline and in a table. */
export function recordCard(key, versions, timeline) {
  return h("div", {class: "card", id: "record-versions", dataset: {key, versions: String(versions.length)}},
    timeline,
    versionTable(versions),
    h("p", {class: "muted small"},
      "Highlighted cells changed since the version before. A deletion is recorded as a tombstone version (struck through) ",
      "from the night the record vanished; if the record comes back, the tombstone is closed and a new version opens."));
}

const KIND_COLORS = {domain: ["added", "updated", "deleted", "reappeared"], range: ["#2ca02c", "#1f77b4", "#d62728", "#ff7f0e"]};

/** The versions on a time axis, one bar per version, up to the day after the last night. */
export function versionTimeline(versions, {width, nights}) {
  const end = nextDay(nights.at(-1));
  const day = (s) => new Date(`${s}T00:00:00Z`);
  return Plot.plot({
    width: Math.max(width, 280),
    height: 90,
    marginLeft: 18,
    marginRight: 18,
    x: {type: "utc", domain: [day(nights[0]), day(end)], label: null, ticks: Math.min(nights.length, width < 500 ? 4 : 8), tickFormat: (d) => d.toISOString().slice(5, 10)},
    y: {axis: null},
    color: {...KIND_COLORS, legend: true},
    marks: [
      Plot.barX(versions, {x1: (d) => day(d.valid_from), x2: (d) => day(d.valid_to ?? end), y: () => "v", fill: "kind", insetLeft: 1, insetRight: 1,
        tip: true, title: (d) => `version ${d.version}: ${d.kind}\n${d.valid_from} → ${d.valid_to ?? "open"}`}),
      Plot.text(versions, {x: (d) => day(d.valid_from), y: () => "v", text: (d) => `v${d.version}`, dx: 4, textAnchor: "start", fill: "white"})
    ]
  });
}

function nextDay(date) {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/**
 * What each night changed, one small chart per entity (stacked: added, updated, deleted,
 * reappeared). The first night loads the whole catalogue, which would flatten every later
 * night, so the chart starts at the second night (the table below has the first).
 */
export function changesChart(changes, {width}) {
  const kinds = ["added", "updated", "deleted", "reappeared"];
  const first = changes.reduce((min, c) => (c.night < min ? c.night : min), changes[0]?.night ?? "");
  const later = changes.filter((c) => c.night !== first);
  // "MM-DD" labels: full ISO dates as ordinal strings make Plot warn (they look like dates).
  const data = later.flatMap((c) => kinds.map((kind) => ({night: c.night.slice(5), entity: c.entity, kind, n: c[kind] ?? 0})));
  if (!data.length) return h("p", {class: "muted"}, "Only one night loaded so far: nothing has changed yet.");
  const nights = new Set(data.map((d) => d.night)).size;
  const w = Math.max(width, 280);
  // "MM-DD" needs about 40 px a night; fewer, the days of one month alone ("02"), else turned labels
  const months = new Set(data.map((d) => d.night.slice(0, 2)));
  const room = (w - 114) / nights;
  const dayOnly = room < 40 && months.size === 1;
  return Plot.plot({
    width: w,
    height: 420,
    marginLeft: 44,
    marginRight: 70,
    marginBottom: room < 40 && !dayOnly ? 50 : 30,
    x: {label: dayOnly ? `night of ${first.slice(0, 4)}-${[...months][0]} (after the first, ${first})` : `night (after the first, ${first})`,
      tickFormat: dayOnly ? (d) => d.slice(3) : undefined, tickRotate: room < 40 && !dayOnly ? -45 : 0},
    y: {grid: true, label: "records changed"},
    fy: {label: null},
    color: {...KIND_COLORS, legend: true},
    marks: [
      Plot.barY(data, {x: "night", y: "n", fill: "kind", fy: "entity", order: kinds, tip: true}),
      Plot.ruleY([0])
    ]
  });
}

/**
 * Per night and entity, every record received counted once: records in = added + updated +
 * reappeared + unchanged + quarantined. Deleted records are the ones absent that night, so they are
 * not among them; kept (quarantined, open version kept) and warned (accepted, in the first four)
 * are parts of other columns.
 */
export function changesTable(changes) {
  // (a sign stays with its word when a header wraps)
  const count = (key, label, extra = {}) => ({key, label, align: "right", format: formatInt, ...extra});
  return h("div", {},
    table(changes, [
      {key: "night", label: "night"},
      {key: "entity", label: "entity"},
      count("records_in", "records in"),
      count("added", "=\u00A0added"),
      count("updated", "+\u00A0updated"),
      count("reappeared", "+\u00A0reappeared"),
      count("unchanged", "+\u00A0unchanged"),
      count("quarantined", "+\u00A0quarantined", {className: (v) => (v > 0 ? "bad-count" : null)}),
      count("kept", "of which kept", {className: () => "aside"}),
      count("warned", "warned", {className: () => "aside"}),
      count("deleted", "deleted (absent)")
    ], {className: "changes-table", rowAttrs: (r) => ({dataset: {night: r.night, entity: r.entity}})}),
    h("p", {class: "muted small"},
      "Each record received is counted once: records in = added + updated + reappeared + unchanged + quarantined. ",
      "Quarantined records were refused; those whose key could be read are present, so their open version was kept as it was (kept), not deleted. ",
      "Warned records were accepted (they are among the first four) but broke a warning rule. ",
      "Deleted records are those absent that night, so they are not among the records received."));
}
