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
import { esc, type Figure, headlineGrid } from "../../site/render.ts";
import { anchorOf, baseName, formatBytes, formatInstant } from "../components/presentation.js";

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
const template = readFileSync(new URL("./report.md.tmpl", import.meta.url), "utf8");
const page = template
  .replace("<!-- headline-figures -->", headlineGrid(answers.questions, { id: "answers" }))
  .replace("<!-- freshness -->", freshnessHtml(freshness(warehouse)))
  .replace("<!-- question-sections -->", answers.questions.map(questionSectionHtml).join("\n"));
for (const placeholder of ["headline-figures", "freshness", "question-sections"]) {
  if (!template.includes(`<!-- ${placeholder} -->`)) throw new Error(`report.md.tmpl lost its <!-- ${placeholder} --> placeholder`);
}
process.stdout.write(page);
