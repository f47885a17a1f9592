// The site's map: each domain's own pages, and the pages over every domain. The sidebar
// (observablehq.config.ts) has a section per domain with pages; the landing page (src/index.md.ts)
// links each domain's pages under its figures. A page's name here is its name in the sidebar and
// in the pager (and its front-matter title), so all three agree. Domains come from the source
// registry (data-loaders/sources/source.ts); only this file imports nothing heavier than that.
import { type Domain, domains } from "../data-loaders/sources/source.ts";

export type SitePage = { name: string; path: string; /** a line for the landing page */ description?: string };

/** Each domain's own pages, by domain id. A domain with sources but no pages yet has no section: the landing page shows its freshness. */
export const domainPages: Record<string, SitePage[]> = {
  [domains.streaming.id]: [
    { name: "Streaming report", path: "/streaming/report", description: "the six questions, their charts and how each was computed" },
    { name: "Catalogue history", path: "/streaming/history", description: "the vendor's catalogue as of any night, record by record" },
  ],
  [domains.web.id]: [
    { name: "Web analytics report", path: "/web/report", description: "page views per postcode, by current postcode and by postcode at view time" },
  ],
};

/** Pages over every domain's tables. */
export const crossDomainPages: SitePage[] = [
  { name: "Workbench", path: "/workbench", description: "SQL over every published table, run in your browser" },
  { name: "Data quality", path: "/quality", description: "every load, quarantined record and warning, for every source" },
];

/**
 * Framework's `pages`: a section per domain that has pages, in the registry's order, then the
 * cross-domain pages. The home page (/index, the landing page) is not listed: Framework links it
 * as the site's title at the top of the sidebar and calls it by that title in the pager.
 */
export function sidebarPages(list: readonly Domain[] = Object.values(domains)) {
  return [
    ...list
      .filter((d) => domainPages[d.id]?.length)
      .map((d) => ({ name: d.title, collapsible: true, open: true, pages: domainPages[d.id].map(({ name, path }) => ({ name, path })) })),
    ...crossDomainPages.map(({ name, path }) => ({ name, path })),
  ];
}

/**
 * The site's icon link. Every page's head is the config's unless its front matter sets one, which
 * replaces it: a page with a head of its own must repeat this line (Framework copies favicon.svg
 * to _file/favicon.<hash>.svg and writes a relative href, so it resolves under any base path).
 */
export const iconLink = '<link rel="icon" href="/favicon.svg" type="image/svg+xml">';
