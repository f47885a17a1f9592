// Page loader for the report (/index): the page's markdown is src/report.md.tmpl with the six
// headline figures and the data's freshness written in as static HTML, so they show on first
// paint — before any script, DuckDB or chart code runs. The charts and the per-question
// sections below them are ordinary Framework cells over data/answers.json and data/report.json.
// The numbers come from the same computeAnswers() as `strata answers` and data/answers.json.
import { readFileSync } from "node:fs";
import { ensureWarehouse } from "../data-loaders/pipeline.ts";
import { freshness } from "../data-loaders/publish/site-data.ts";
import { computeAnswers } from "../data-loaders/questions/answers.ts";
import {
  anchorOf,
  baseName,
  formatBytes,
  formatInstant,
  formatNumber,
  presentation,
  sentence,
} from "./components/presentation.js";

/** HTML-escaped text, with "$" as an entity so Framework never reads "${" as an interpolation. */
const esc = (value: unknown) =>
  String(value ?? "").replace(/[&<>"'$]/g, (c) => `&#${c.charCodeAt(0)};`);

type Question = { id: string; title: string; value: number | null; definition: string };

function headline(q: Question): string {
  const p = presentation(q);
  const unit = p.unit ? `<span class="headline-unit">${p.unit === "%" ? "%" : ` ${esc(p.unit)}`}</span>` : "";
  // One line per card: a blank line would end Framework's (CommonMark) HTML block.
  return [
    `<div class="card headline" data-answer="${esc(q.id)}" data-value="${esc(String(q.value))}">`,
    `<h2>${esc(p.label)}</h2>`,
    `<p class="headline-figure"><span class="headline-value">${esc(formatNumber(q.value, p.digits))}</span>${unit}</p>`,
    `<p class="headline-definition">${esc(sentence(q.definition))}</p>`,
    `<a class="headline-link" href="#${esc(anchorOf(q))}">How we computed it ↓</a>`,
    `</div>`,
  ].join("");
}

function freshnessHtml(f: ReturnType<typeof freshness>): string {
  const vendor = [
    f.vendorNight ? `night of ${esc(f.vendorNight)}` : "no vendor night loaded",
    f.vendorNightMergedAt ? `, merged ${esc(formatInstant(f.vendorNightMergedAt))}` : "",
    f.vendorNightSource ? ` <span class="muted">(from ${esc(baseName(f.vendorNightSource))})</span>` : "",
    f.vendorNights.length > 1
      ? ` <span class="muted">· ${f.vendorNights.length} nights merged since ${esc(f.vendorNights[0])}</span>`
      : "",
  ].join("");
  const files = f.internalExtractFiles
    .map((x) => `${esc(x.name)} (${esc(formatBytes(x.bytes))}, sha256 ${esc(x.sha256.slice(0, 10))}…)`)
    .join(", ");
  const internal = f.internalExtractLoadedAt
    ? `loaded ${esc(formatInstant(f.internalExtractLoadedAt))}${files ? ` <span class="muted">· ${files}</span>` : ""}`
    : "not loaded";
  return [
    `<div class="card freshness" id="freshness"><h2>Data as of</h2><dl class="freshness-list">`,
    `<dt>Vendor catalogue</dt><dd data-freshness="vendor-night" data-night="${esc(f.vendorNight ?? "")}">${vendor}</dd>`,
    `<dt>Internal extract</dt><dd data-freshness="internal-extract">${internal}</dd>`,
    `<dt>Warehouse</dt><dd>version ${esc(f.warehouseVersion)}, published ${esc(formatInstant(f.publishedAt))}</dd>`,
    `</dl></div>`,
  ].join("");
}

/** A static section per question (so "#how-…" links resolve on load); the browser fills in the details. */
function questionSectionHtml(q: Question): string {
  return [
    `<section class="question" id="${esc(anchorOf(q))}" data-question="${esc(q.id)}">`,
    `<h3>${esc(q.title)}</h3>`,
    `\${questionDetails(answers.questions.find((d) => d.id === ${JSON.stringify(q.id)}))}`,
    `</section>`,
  ].join("");
}

const warehouse = await ensureWarehouse();
const answers = await computeAnswers(warehouse);
const template = readFileSync(new URL("./report.md.tmpl", import.meta.url), "utf8");
const page = template
  .replace("<!-- headline-figures -->", `<div id="answers" class="grid grid-cols-3 headline-grid">${answers.questions.map(headline).join("")}</div>`)
  .replace("<!-- freshness -->", freshnessHtml(freshness(warehouse)))
  .replace("<!-- question-sections -->", answers.questions.map(questionSectionHtml).join("\n"));
for (const placeholder of ["headline-figures", "freshness", "question-sections"]) {
  if (!template.includes(`<!-- ${placeholder} -->`)) throw new Error(`report.md.tmpl lost its <!-- ${placeholder} --> placeholder`);
}
process.stdout.write(page);
