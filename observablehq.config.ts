// Strata site config. Everything here is chosen so that `observable build` and the
// built site never contact a host other than the one serving dist/ (see
// test/offline-build.test.ts and the notes in src/components/duckdb.js).

import { blockNetwork, seedNpmVersionCache } from "./site/offline.ts";
import { iconLink, sidebarPages } from "./site/pages.ts";

// Framework's telemetry POSTs to events.observablehq.com during build. The config is
// evaluated before the first Telemetry.record(), so setting the env var here is enough.
process.env.OBSERVABLE_TELEMETRY_DISABLE ??= "1";
seedNpmVersionCache("src");
if (!process.env.STRATA_ALLOW_NETWORK) blockNetwork();

const base = process.env.STRATA_BASE ?? "/";

export default {
  root: "src",
  output: "dist",
  title: "Strata",
  // GitHub Pages serves the site under /<repo>/; Framework mostly emits relative URLs,
  // but base is still used for absolute links (404 page, etc).
  base: base.endsWith("/") ? base : `${base}/`,
  // A section per domain (its pages), then the cross-domain pages: site/pages.ts. The landing
  // page (/index) is the sidebar's title link; the pager calls it by the same title.
  pages: sidebarPages(),
  // The default is a Google Fonts stylesheet (Source Serif 4) plus a preconnect to
  // fonts.gstatic.com; style.css uses system font stacks instead.
  globalStylesheets: [],
  style: "style.css",
  // The default footer links to observablehq.com; keep pages free of off-origin URLs.
  footer: "",
  // Without an icon link every browser asks for /favicon.ico, which 404s (and under a base path
  // like /strata/ is not even our site's). Framework treats a local path in head as a file of
  // src/: it copies favicon.svg to _file/favicon.<hash>.svg and writes a relative href on each
  // page, so it resolves under any base path and stays on the site's own origin.
  head: iconLink,
  // Framework's search is fully local (minisearch is bundled, the index is a file in
  // dist/_observablehq), so it stays on.
  search: true,
  // We don't use Framework's DuckDB client (sql blocks, DuckDBClient; see duckdb.js).
  // Should a page use it anyway, null (not false: false still installs) stops Framework
  // from downloading the json/parquet extensions from extensions.duckdb.org.
  duckdb: {extensions: {json: null, parquet: null}}
};
