// Browser benchmark of the built site (not a test): cold-cache load of the streaming report
// (streaming/report) and of the workbench in headless Chromium, and workbench query latency
// over `streams`.
//
//   node --import tsx bench/browser.ts        → prints the numbers, writes bench/results-browser.json
//
// Serves an existing build: STRATA_BENCH_DIST (default dist/; run `npm run build` first) at
// STRATA_BENCH_BASE (default "/"; Framework's URLs are relative, so any base works).
// The browser is the tests' (findChromium in test/browser/harness.ts: STRATA_CHROMIUM, else the
// bundled @sparticuz/chromium on Linux x64, else /usr/bin/chromium); results name it.
// Every page load uses a fresh Chromium profile (cold HTTP cache, no service worker); the
// harness's server also sends `cache-control: no-store`. Bytes are response bodies as
// served (uncompressed: the harness has no content-encoding) plus, for comparison with a
// real host such as GitHub Pages (gzip), the gzip -6 size of the same files.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { DIST_DIR } from "../test/build-site.ts";
import { findChromium, launchChromium, serveDist, type StaticServer } from "../test/browser/harness.ts";

const RUNS = Number(process.env.STRATA_BENCH_RUNS ?? 3); // cold loads per page (median)
const QUERY_RUNS = 10;
const QUERY =
  "select movie_key, count(*) as sessions, round(sum(size_mb) / 1000, 2) as gb, " +
  "round(avg(date_diff('second', start_utc, end_utc)) / 60, 1) as avg_minutes " +
  "from streams group by movie_key order by sessions desc";

/** ms from navigation start until a headline figure exists and has been painted. */
const FIRST_FIGURE = `(() => {
  const seen = window.__answerSeen;
  const paint = performance.getEntriesByName("first-contentful-paint")[0];
  return seen !== undefined && paint ? Math.max(seen, paint.startTime) : 0;
})()`;

/** The streaming app's report, whose first headline figure the bench times. */
const REPORT_PATH = "streaming/report";

export const TARGETS = {
  report_first_figure_ms: 500,
  report_bytes: 2_000_000,
  workbench_ready_ms: 2_500,
  workbench_query_ms: 100,
};

const median = (xs: number[]) => {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** gzip size of each served file, cached by path. */
function gzipBytes(root: string, base: string) {
  const cache = new Map<string, number>();
  return (urlPath: string, bytes: number) => {
    const path = decodeURIComponent(new URL(urlPath, "http://x").pathname).slice(base.length);
    if (!cache.has(path)) {
      let file = join(root, path);
      if (path === "" || path.endsWith("/")) file = join(file, "index.html");
      else if (!existsSync(file) && existsSync(`${file}.html`)) file = `${file}.html`;
      cache.set(path, existsSync(file) ? gzipSync(readFileSync(file), { level: 6 }).length : bytes);
    }
    return cache.get(path)!;
  };
}

interface Load {
  /** ms from navigation start until the page's marker */
  ms: number;
  bytes: number;
  gzipBytes: number;
  requests: number;
}

/** One cold load of `path`: a fresh profile; `marker` returns the in-page time (ms since navigation start) to wait for. */
async function coldLoad(
  server: StaticServer,
  gz: (path: string, bytes: number) => number,
  path: string,
  marker: string,
  after?: (page: import("playwright-core").Page) => Promise<void>,
): Promise<Load> {
  const browser = await launchChromium();
  try {
    const page = await browser.context.newPage();
    // Records when a [data-answer] element first exists (checked on every DOM mutation and
    // every frame), for the report's "first figure": the later of that and first paint.
    // (A string, not a function: tsx's keepNames would wrap named functions in __name(),
    // which doesn't exist in the page.)
    await page.addInitScript(`{
      const check = () => {
        if (window.__answerSeen === undefined && document.querySelector("[data-answer]")) window.__answerSeen = performance.now();
        return window.__answerSeen !== undefined;
      };
      new MutationObserver(check).observe(document, { childList: true, subtree: true });
      const frame = () => check() || requestAnimationFrame(frame);
      requestAnimationFrame(frame);
    }`);
    server.requests.length = 0;
    await page.goto(server.url + path);
    let ms = NaN;
    try {
      ms = (await (await page.waitForFunction(marker, null, { timeout: 30_000 })).jsonValue()) as number;
    } catch (error) {
      console.warn(`${path || "/"}: marker ${marker} never came (${(error as Error).message.split("\n")[0]})`);
    }
    await page.waitForLoadState("networkidle");
    if (after) await after(page);
    const bytes = server.requests.reduce((s, r) => s + r.bytes, 0);
    const gzipped = server.requests.reduce((s, r) => s + (r.status === 200 ? gz(r.path, r.bytes) : 0), 0);
    return { ms, bytes, gzipBytes: gzipped, requests: server.requests.length };
  } finally {
    await browser.close();
  }
}

export async function runBrowserBench(): Promise<Record<string, number>> {
  const dist = process.env.STRATA_BENCH_DIST ?? DIST_DIR;
  const base = process.env.STRATA_BENCH_BASE ?? "/";
  if (!existsSync(join(dist, "workbench.html"))) throw new Error(`${dist}: no built site; run \`npm run build\` first`);
  const server = await serveDist(dist, { base });
  const gz = gzipBytes(dist, base);
  try {
    const report: Load[] = [];
    for (let i = 0; i < RUNS; ++i) {
      report.push(await coldLoad(server, gz, REPORT_PATH, FIRST_FIGURE));
    }
    const workbench: Load[] = [];
    const queryMs: number[] = [];
    const queryUiMs: number[] = [];
    let firstQueryMs = NaN;
    for (let i = 0; i < RUNS; ++i) {
      workbench.push(
        await coldLoad(server, gz, "workbench", "Number(document.documentElement.dataset.workbenchReady)", async (page) => {
          if (i > 0) return; // query latency from the first load only
          const times = (await page.evaluate(
            async ({ sql, runs }) => {
              const api = (window as any).strataWorkbench;
              await api.ready;
              api.setCells([sql]);
              const out: { ms: number; ui: number }[] = [];
              for (let k = 0; k < runs + 1; ++k) {
                const t0 = performance.now();
                await api.run(0);
                const ui = performance.now() - t0;
                const ms = Number(document.querySelector<HTMLElement>("[data-cell] [data-elapsed]")!.dataset.ms);
                out.push({ ms, ui });
              }
              return out;
            },
            { sql: QUERY, runs: QUERY_RUNS },
          )) as { ms: number; ui: number }[];
          firstQueryMs = times[0].ms;
          for (const t of times.slice(1)) queryMs.push(t.ms), queryUiMs.push(t.ui);
        }),
      );
    }
    return {
      report_first_figure_ms: median(report.map((r) => r.ms)),
      report_bytes: median(report.map((r) => r.bytes)),
      report_bytes_gzip: median(report.map((r) => r.gzipBytes)),
      report_requests: median(report.map((r) => r.requests)),
      workbench_ready_ms: median(workbench.map((r) => r.ms)),
      workbench_bytes: median(workbench.map((r) => r.bytes)),
      workbench_bytes_gzip: median(workbench.map((r) => r.gzipBytes)),
      workbench_requests: median(workbench.map((r) => r.requests)),
      workbench_first_query_ms: firstQueryMs,
      workbench_query_ms: median(queryMs),
      workbench_query_ui_ms: median(queryUiMs),
    };
  } finally {
    await server.close();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const results = await runBrowserBench();
  // Which Chromium (findChromium: STRATA_CHROMIUM, else the bundled @sparticuz/chromium, …).
  const browser = (await findChromium()).source;
  const out = fileURLToPath(new URL("./results-browser.json", import.meta.url));
  writeFileSync(out, `${JSON.stringify({ measuredAt: new Date().toISOString(), browser, runs: RUNS, queryRuns: QUERY_RUNS, query: QUERY, targets: TARGETS, results }, null, 2)}\n`);
  for (const [key, value] of Object.entries(results)) {
    const target = TARGETS[key as keyof typeof TARGETS];
    const verdict = target === undefined ? "" : value <= target ? `  ≤ ${target} ✓` : `  > ${target} ✗`;
    console.log(`${key.padEnd(28)} ${Number.isFinite(value) ? Math.round(value * 10) / 10 : value}${verdict}`);
  }
  console.log(`→ ${out}`);
}
