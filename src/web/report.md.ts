// Page loader for the web analytics report (/web/report): report.md.tmpl beside it, with the
// domain's headline figures and the web feeds' freshness (last users extract, hours loaded, every
// hour missing) written in as static HTML (site/render.ts), so they show on first paint. The
// answers below them are Framework cells over data/report.json (src/web/data/), grouped and
// filtered in the browser; the landing page (src/index.md.ts) shows the same cards.
import { readFileSync } from "node:fs";
import { webFigures, webReportData, type WebReportData } from "../../data-loaders/publish/web-report.ts";
import { ensureWarehouse } from "../../data-loaders/pipeline.ts";
import { readManifest } from "../../data-loaders/warehouse/manifest.ts";
import { esc, formatInstant, headlineGrid } from "../../site/render.ts";

const plural = (n: number, one: string, many = `${one}s`) => `${new Intl.NumberFormat("en-US").format(n)} ${n === 1 ? one : many}`;
const hourLabel = (h: string) => `${h.slice(0, 10)} ${h.slice(11, 13)}:00`;

/** The freshness card: per source its last delivery, then every hour missing, listed. */
export function webFreshnessHtml(f: WebReportData["freshness"], manifest: { version: number; publishedAt: string | null }, builtAt: Date): string {
  const users = f.lastUsersExtract
    ? `extract of <strong>${esc(f.lastUsersExtract)}</strong> <span class="muted">(taken 00:00 UTC)</span>, loaded ${esc(formatInstant(f.usersLoadedAt))} <span class="muted">· ${plural(f.usersExtracts, "extract")}</span>`
    : `<span class="muted">no users extract loaded yet</span>`;
  const views = f.lastHour
    ? `last hour loaded <strong>${esc(hourLabel(f.lastHour))} UTC</strong>, loaded ${esc(formatInstant(f.pageviewsLoadedAt))} <span class="muted">· ${plural(f.hoursLoaded, "hour")} from ${esc(hourLabel(f.firstHour!))}</span>`
    : `<span class="muted">no page views loaded yet</span>`;
  const missing = f.missingHours.length
    ? `<strong>${plural(f.missingHours.length, "hour")}</strong> between the first and the last loaded never arrived; the views of ${f.missingHours.length === 1 ? "that hour are" : "those hours are"} in neither answer until ${f.missingHours.length === 1 ? "it is" : "they are"} delivered:<ul class="missing-hours">${f.missingHours.map((h) => `<li data-missing-hour="${esc(h)}"><code>${esc(h)}</code> <span class="muted">(${esc(hourLabel(h))}–${esc(h.slice(11, 13) === "23" ? "24" : String(Number(h.slice(11, 13)) + 1).padStart(2, "0"))}:00 UTC)</span></li>`).join("")}</ul>`
    : f.lastHour ? `none: every hour from the first to the last loaded has arrived` : `<span class="muted">—</span>`;
  return [
    `<div class="card freshness" id="freshness" data-built-at="${builtAt.toISOString().slice(0, 10)}"><h2>Data as of</h2>`,
    `<dl class="freshness-list">`,
    `<dt>Web users extract</dt><dd data-freshness="users" data-last="${esc(f.lastUsersExtract ?? "")}">${users}</dd>`,
    `<dt>Web page views extract</dt><dd data-freshness="pageviews" data-last="${esc(f.lastHour ?? "")}">${views}</dd>`,
    `<dt id="how-web_missing_hours">Hours missing</dt><dd data-freshness="missing-hours" data-missing="${f.missingHours.length}">${missing}</dd>`,
    `<dt>Warehouse</dt><dd>version ${esc(manifest.version)}, published ${esc(formatInstant(manifest.publishedAt))}</dd>`,
    `<dt>This page</dt><dd>built ${esc(formatInstant(builtAt.toISOString()))}</dd>`,
    `</dl></div>`,
  ].join("");
}

const warehouse = await ensureWarehouse();
const data = await webReportData(warehouse);
const manifest = readManifest(warehouse);
const template = readFileSync(new URL("./report.md.tmpl", import.meta.url), "utf8");
for (const placeholder of ["headline-figures", "freshness"]) {
  if (!template.includes(`<!-- ${placeholder} -->`)) throw new Error(`report.md.tmpl lost its <!-- ${placeholder} --> placeholder`);
}
process.stdout.write(
  template
    .replace("<!-- headline-figures -->", headlineGrid(webFigures(data), { id: "web-figures" }))
    .replace("<!-- freshness -->", webFreshnessHtml(data.freshness, manifest, new Date())),
);
