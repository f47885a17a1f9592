// Page loader for the landing page (/): every domain of the source registry, each with its
// headline figures (when it has any) and the freshness of each of its sources, all written into
// the page as static HTML at build time, so they show on first paint — the page runs no code of
// its own. The figures are the same cards as the domain's report (site/render.ts); a domain
// appears here as soon as a source of it is registered (data-loaders/sources/index.ts), and
// shows its sources' freshness until it has figures (`headlines` below).
import { ensureWarehouse } from "../data-loaders/pipeline.ts";
import { freshness } from "../data-loaders/publish/site-data.ts";
import { computeAnswers } from "../data-loaders/questions/answers.ts";
import { webFigures, webReportData } from "../data-loaders/publish/web-report.ts";
import { sources } from "../data-loaders/sources/index.ts";
import { crossDomainPages, domainPages, iconLink, type SitePage } from "../site/pages.ts";
import { esc, type Figure, formatInstant, headlineGrid } from "../site/render.ts";

/** Each domain's headline figures, by domain id, and the page whose "#how-…" sections explain them. */
const headlines: Record<string, { page: string; figures: (warehouse: string) => Promise<Figure[]> }> = {
  streaming: { page: "/streaming/report", figures: async (warehouse) => (await computeAnswers(warehouse)).questions },
  web: { page: "/web/report", figures: async (warehouse) => webFigures(await webReportData(warehouse)) },
};

type SourceFreshness = ReturnType<typeof freshness>["sources"][number];

const link = (p: SitePage) => `<a href=".${esc(p.path)}">${esc(p.name)}</a>`;
const deliveries = (n: number) => (n === 1 ? "1 delivery" : `${n} deliveries`);

/** One line per source: its last delivery (the key, for dated sources the delivery's date) and when it was loaded. */
function sourceLine(s: SourceFreshness): string {
  const dated = sources.find((x) => x.id === s.id)?.dated ?? false;
  const attrs = `data-source="${esc(s.id)}" data-last-key="${esc(s.lastKey ?? "")}" data-last-loaded-at="${esc(s.lastLoadedAt ?? "")}"`;
  const what = !s.lastKey
    ? `<span class="muted">no delivery loaded yet</span>`
    : [
        dated ? `delivery of <strong>${esc(s.lastKey)}</strong>, loaded ` : `loaded `,
        dated ? esc(formatInstant(s.lastLoadedAt)) : `<strong>${esc(formatInstant(s.lastLoadedAt))}</strong>`,
        ` <span class="muted">· ${deliveries(s.deliveries)}`,
        dated ? "" : ` · last <code>${esc(s.lastKey)}</code>`,
        `</span>`,
      ].join("");
  return `<dt>${esc(s.title)}</dt><dd ${attrs}>${what}</dd>`;
}

const warehouse = await ensureWarehouse();
const f = freshness(warehouse);
const domainList = [...new Map(sources.map((s) => [s.domain.id, s.domain])).values()];

const sections: string[] = [];
for (const domain of domainList) {
  const pages = domainPages[domain.id] ?? [];
  const headline = headlines[domain.id];
  const figures = headline ? await headline.figures(warehouse) : [];
  const lines = f.sources.filter((s) => s.domain === domain.id);
  sections.push(
    [
      `<section class="domain" id="${esc(domain.id)}" data-domain="${esc(domain.id)}">`,
      `<div class="domain-head"><h2>${esc(domain.title)}</h2>`,
      pages.length ? `<nav class="domain-pages">${pages.map(link).join(`<span class="muted"> · </span>`)}</nav>` : "",
      `</div>`,
      figures.length ? headlineGrid(figures, { base: `.${headline.page}` }) : "",
      `<div class="card freshness domain-sources" data-freshness="sources"><h3>${lines.length === 1 ? "Source" : "Sources"}: last delivery</h3><dl class="freshness-list">`,
      lines.map(sourceLine).join(""),
      `</dl></div>`,
      `</section>`,
    ].join(""),
  );
}

const across = [
  `<section class="domain" id="across-domains" data-domain="">`,
  `<div class="domain-head"><h2>Across domains</h2></div>`,
  `<ul class="page-list">`,
  crossDomainPages.map((p) => `<li>${link(p)}${p.description ? ` <span class="muted">— ${esc(p.description)}</span>` : ""}</li>`).join(""),
  `</ul>`,
  `</section>`,
].join("");

// Bookmarks of the report's sections from when it was the home page ("/#how-q1_…") follow it.
const head = `${iconLink}<script>if (/^#(how|chart)-/.test(location.hash)) location.replace("./streaming/report" + location.hash);</script>`;

process.stdout.write(`---
title: Strata
toc: false
head: ${JSON.stringify(head)}
---

<h1 id="top">Strata</h1>

<p class="lede">Every domain's headline figures, and when each of its sources last delivered. Built from warehouse version ${esc(f.warehouseVersion)}, published ${esc(formatInstant(f.publishedAt))}.</p>

${sections.join("\n\n")}

${across}
`);
