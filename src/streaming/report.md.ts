// Page loader for the streaming app's report (/streaming/report): the page's markdown is
// report.md.tmpl beside it, with the six headline figures and the data's freshness written in as
// static HTML (site/render.ts), so they show on first paint — before any script, DuckDB or chart
// code runs. The charts and the per-question sections below them are ordinary Framework cells
// over data/answers.json and data/report.json (src/streaming/data/). The numbers come from the
// same computeAnswers() as `strata answers` and data/answers.json; the landing page
// (src/index.md.ts) shows the same cards.
import { readFileSync } from "node:fs";
import { ensureWarehouse } from "../../data-loaders/pipeline.ts";
import { freshness } from "../../data-loaders/publish/site-data.ts";
import { computeAnswers } from "../../data-loaders/questions/answers.ts";
import { openWarehouse } from "../../data-loaders/warehouse/open.ts";
import { ageAt, days, esc, type Figure, headlineGrid, STALE_AFTER_DAYS } from "../../site/render.ts";
import { anchorOf, baseName, formatBytes, formatInstant } from "../components/presentation.js";

/** The days the internal extract's streams started on (their local date): the period it covers. */
async function extractPeriod(warehouse: string): Promise<{ first: string; last: string; streams: number } | null> {
  const { db, manifest } = await openWarehouse(warehouse);
  try {
    if (!manifest.tables.streams?.length) return null;
    const [row] = await db.all<{ first: string | null; last: string | null; n: number }>(
      `SELECT strftime(min(start_local), '%Y-%m-%d') AS first, strftime(max(start_local), '%Y-%m-%d') AS last, CAST(count(*) AS INTEGER) AS n FROM streams`,
    );
    return row?.first && row.last ? { first: row.first, last: row.last, streams: row.n } : null;
  } finally {
    db.close();
  }
}

/**
 * What the figures are as of: the vendor night and the internal extract (the period its streams
 * cover, and when it was loaded), with a warning when either is old for a build made now.
 */
type Period = Awaited<ReturnType<typeof extractPeriod>>;

/** How old the vendor night and the extract's newest stream are for a build at `builtAt`. */
function staleness(f: ReturnType<typeof freshness>, period: Period, builtAt: Date) {
  return {
    night: ageAt(f.vendorNight, builtAt, STALE_AFTER_DAYS.vendorNight),
    extract: ageAt(period?.last ?? null, builtAt, STALE_AFTER_DAYS.extract),
  };
}

/** Above the figures, when the data is old: one line, the details in the freshness card. */
function staleBannerHtml(f: ReturnType<typeof freshness>, period: Period, builtAt: Date): string {
  const { night, extract } = staleness(f, period, builtAt);
  const parts = [
    night?.stale ? `the vendor's newest night (${esc(f.vendorNight)}) is ${days(night.days)} old` : "",
    extract?.stale ? `the extract's newest stream (${esc(period!.last)}) is ${days(extract.days)} old` : "",
  ].filter(Boolean);
  if (!parts.length) return "";
  return `<p class="stale-banner" data-stale-banner=""><strong>Old data:</strong> at this build (${builtAt.toISOString().slice(0, 10)}), ${parts.join(" and ")}. <a href="#freshness">What the figures are as of ↓</a></p>`;
}

function freshnessHtml(f: ReturnType<typeof freshness>, period: Period, builtAt: Date): string {
  const built = builtAt.toISOString().slice(0, 10);
  const vendor = [
    f.vendorNight ? `night of <strong>${esc(f.vendorNight)}</strong>` : "no vendor night loaded",
    f.vendorNightMergedAt ? `, merged ${esc(formatInstant(f.vendorNightMergedAt))}` : "",
    f.vendorNightSource ? ` <span class="muted">(from ${esc(baseName(f.vendorNightSource))})</span>` : "",
    f.vendorNights.length > 1
      ? ` <span class="muted">· ${f.vendorNights.length} nights merged since ${esc(f.vendorNights[0])}</span>`
      : "",
  ].join("");
  const files = f.internalExtractFiles
    .map((x) => `${esc(x.name)} (${esc(formatBytes(x.bytes))}, sha256 ${esc(x.sha256.slice(0, 10))}…)`)
    .join(", ");
  const covers = period
    ? `streams started <strong>${esc(period.first)}</strong> to <strong>${esc(period.last)}</strong> <span class="muted">(local time)</span>; `
    : "";
  const internal = f.internalExtractLoadedAt
    ? `${covers}loaded ${esc(formatInstant(f.internalExtractLoadedAt))}${files ? ` <span class="muted">· ${files}</span>` : ""}`
    : "not loaded";
  const { night, extract } = staleness(f, period, builtAt);
  const warnings = [
    night?.stale
      ? `<p class="stale-warning" data-stale="vendor-night" data-age-days="${night.days}">The newest vendor night, ${esc(f.vendorNight)}, is ${days(night.days)} older than this build (${built}): the catalogue figures are as of that night, not today. The vendor delivers every night; check the nightly run.</p>`
      : "",
    extract?.stale
      ? `<p class="stale-warning" data-stale="extract" data-age-days="${extract.days}">The internal extract's newest stream started ${esc(period!.last)}, ${days(extract.days)} before this build (${built}): the streaming figures cover ${esc(period!.first)} to ${esc(period!.last)} only.</p>`
      : "",
  ].join("");
  return [
    `<div class="card freshness" id="freshness" data-built-at="${built}"><h2>Data as of</h2>`,
    warnings,
    `<dl class="freshness-list">`,
    `<dt>Vendor catalogue</dt><dd data-freshness="vendor-night" data-night="${esc(f.vendorNight ?? "")}">${vendor}</dd>`,
    `<dt>Internal extract</dt><dd data-freshness="internal-extract" data-first="${esc(period?.first ?? "")}" data-last="${esc(period?.last ?? "")}">${internal}</dd>`,
    `<dt>Warehouse</dt><dd>version ${esc(f.warehouseVersion)}, published ${esc(formatInstant(f.publishedAt))}</dd>`,
    `<dt>This page</dt><dd>built ${esc(formatInstant(builtAt.toISOString()))}</dd>`,
    `</dl></div>`,
  ].join("");
}

/** A static section per question (so "#how-…" links resolve on load); the browser fills in the details. */
function questionSectionHtml(q: Figure): string {
  return [
    `<section class="question" id="${esc(anchorOf(q))}" data-question="${esc(q.id)}">`,
    `<h3>${esc(q.title)}</h3>`,
    `\${questionDetails(answers.questions.find((d) => d.id === ${JSON.stringify(q.id)}))}`,
    `</section>`,
  ].join("");
}

const warehouse = await ensureWarehouse();
const answers = await computeAnswers(warehouse);
const f = freshness(warehouse);
const period = await extractPeriod(warehouse);
const builtAt = new Date();
const template = readFileSync(new URL("./report.md.tmpl", import.meta.url), "utf8");
const page = template
  .replace("<!-- headline-figures -->", staleBannerHtml(f, period, builtAt) + headlineGrid(answers.questions, { id: "answers" }))
  .replace("<!-- freshness -->", freshnessHtml(f, period, builtAt))
  .replace("<!-- question-sections -->", answers.questions.map(questionSectionHtml).join("\n"));
for (const placeholder of ["headline-figures", "freshness", "question-sections"]) {
  if (!template.includes(`<!-- ${placeholder} -->`)) throw new Error(`report.md.tmpl lost its <!-- ${placeholder} --> placeholder`);
}
process.stdout.write(page);
