// Build-time HTML shared by the page loaders that write figures into their page (src/index.md.ts,
// the landing page, and src/streaming/report.md.ts): what is rendered here is in the HTML at first
// paint, before any script runs. Each block is one line: a blank line would end Framework's
// (CommonMark) HTML block.
import {
  anchorOf,
  formatInstant,
  formatNumber,
  presentation,
  sentence,
} from "../src/components/presentation.js";

/** HTML-escaped text, with "$" as an entity so Framework never reads "${" as an interpolation. */
export const esc = (value: unknown) =>
  String(value ?? "").replace(/[&<>"'$]/g, (c) => `&#${c.charCodeAt(0)};`);

export type Figure = { id: string; title: string; value: number | null; definition: string };

/**
 * One headline card: label, figure (data-answer / data-value for tests and the bench), definition,
 * and a link to how it was computed (`base` is the page holding the "#how-…" sections: "" on the
 * report itself, the report's path on the landing page).
 */
export function headlineCard(q: Figure, { base = "" }: { base?: string } = {}): string {
  const p = presentation(q);
  const unit = p.unit ? `<span class="headline-unit">${p.unit === "%" ? "%" : ` ${esc(p.unit)}`}</span>` : "";
  return [
    `<div class="card headline" data-answer="${esc(q.id)}" data-value="${esc(String(q.value))}">`,
    `<h2>${esc(p.label)}</h2>`,
    `<p class="headline-figure"><span class="headline-value">${esc(formatNumber(q.value, p.digits))}</span>${unit}</p>`,
    `<p class="headline-definition">${esc(sentence(q.definition))}</p>`,
    // the short form where the card is a glance (the landing page on a phone)
    p.note ? `<p class="headline-note"><span class="note-long">${esc(p.note)}</span><span class="note-short">${esc(p.shortNote ?? p.note)}</span></p>` : "",
    `<a class="headline-link" href="${esc(base)}#${esc(anchorOf(q))}">${base ? "The method →" : "How we computed it ↓"}</a>`,
    `</div>`,
  ].join("");
}

/** The cards of a set of figures, in a grid. */
export const headlineGrid = (figures: Figure[], opts: { base?: string; id?: string } = {}) =>
  `<div${opts.id ? ` id="${esc(opts.id)}"` : ""} class="grid grid-cols-3 headline-grid">${figures.map((q) => headlineCard(q, opts)).join("")}</div>`;

export { formatInstant };

/**
 * How old the data is at build time: whole days from `date` (YYYY-MM-DD, or an ISO instant) to
 * `builtAt`, and whether that is more than `maxDays`.
 */
export function ageAt(date: string | null, builtAt: Date, maxDays: number): { days: number; stale: boolean } | null {
  if (!date) return null;
  const day = Date.parse(`${date.slice(0, 10)}T00:00:00Z`);
  if (Number.isNaN(day)) return null;
  const built = Date.parse(`${builtAt.toISOString().slice(0, 10)}T00:00:00Z`);
  const days = Math.round((built - day) / 86_400_000);
  return { days, stale: days > maxDays };
}

/** When data is old enough for the report to warn, in days after its date: the vendor delivers every night; extracts come at least weekly. */
export const STALE_AFTER_DAYS = { vendorNight: 2, extract: 7 } as const;

/** "1 day", "1,727 days" */
export const days = (n: number) => `${new Intl.NumberFormat("en-US").format(n)} ${Math.abs(n) === 1 ? "day" : "days"}`;
