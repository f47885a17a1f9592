// How each question's number reads as a headline figure. Shared by the page loaders that render
// the figures into static HTML at build time (site/render.ts, for the streaming report and the
// landing page) and the browser (src/components/report.js). Keyed by question number (the id's
// "qN_" prefix), so renaming a .sql file keeps its presentation. `units` names the unit of the
// variants that are not in the primary's unit (the sensitivity table shows no difference for those);
// `note` says what the figure does not measure, on its card and in its section. A figure is rounded
// to `digits` everywhere it is shown: the card, the answer and the sensitivity table agree.
const PRESENTATION = {
  1: {label: "Streamed movies based on books", unit: "%", digits: 2},
  2: {label: "Users hit by the Dec 25 outage while watching Unforgiven", unit: "users", digits: 0, units: {sessions: "sessions"}},
  3: {label: "Movies from Singaporean authors' books streamed in December", unit: "movies", digits: 0, units: {sessions: "sessions"}},
  // end − start of a session: how long it stayed open, which is not how long anyone watched
  4: {label: "Average session length", unit: "minutes", digits: 1, units: {hours: "hours"},
    note: "How long sessions stayed open, not time spent watching: a paused or idle session counts in full.",
    shortNote: "How long sessions stayed open, not watch time."},
  5: {label: "Median stream size", unit: "GB", digits: 3, units: {gibibytes: "GiB"}},
  6: {label: "Users who watched at least half a movie in the last week of December", unit: "users", digits: 0, units: {sessions: "sessions"}}
};

export function presentation(question) {
  const n = Number(/^q(\d+)_/.exec(question.id)?.[1]);
  return PRESENTATION[n] ?? {label: question.title, unit: "", digits: 2};
}

/** The in-page anchor of a question's "how we computed it" section. */
export const anchorOf = (question) => `how-${question.id}`;

export const formatNumber = (n, digits = 2) =>
  n == null ? "—" : new Intl.NumberFormat("en-US", {maximumFractionDigits: digits}).format(n);

/** "2026-11-22T18:02:36.827Z" → "2026-11-22 18:02 UTC" (a fixed zone: every reader sees the same). */
export function formatInstant(iso) {
  if (!iso) return "—";
  const d = new Date(iso);
  if (Number.isNaN(+d)) return String(iso);
  return `${d.toISOString().slice(0, 10)} ${d.toISOString().slice(11, 16)} UTC`;
}

export function formatBytes(n) {
  if (n == null) return "—";
  const units = ["B", "KB", "MB", "GB"];
  let i = 0;
  while (n >= 1000 && i < units.length - 1) (n /= 1000), i++;
  return `${formatNumber(n, i === 0 ? 0 : 1)} ${units[i]}`;
}

/** The last path segment of a file or folder path ("/x/vendor_v2_2022-02-26" → "vendor_v2_2022-02-26"). */
export const baseName = (path) => (path ? String(path).split(/[\\/]/).filter(Boolean).at(-1) : "—");

/** A definition as a sentence: capitalised, with a final full stop. */
export const sentence = (text) => (text ? text[0].toUpperCase() + text.slice(1) + (/[.!?]$/.test(text) ? "" : ".") : "");

/** "1 record", "2 records", "1 delivery", "3 deliveries": a count with its noun agreeing (en-US digits). */
export function plural(n, one, many = /[^aeiou]y$/.test(one) ? `${one.slice(0, -1)}ies` : `${one}s`) {
  return `${new Intl.NumberFormat("en-US", {maximumFractionDigits: 0}).format(n)} ${n === 1 ? one : many}`;
}
