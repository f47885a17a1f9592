// End to end: the built site, served under a base path like GitHub Pages, runs DuckDB
// from its own files in headless Chromium without touching any other host.
import assert from "node:assert/strict";
import { mkdir } from "node:fs/promises";
import { after, before, test } from "node:test";
import { buildSite } from "../build-site.ts";
import { launchChromium, serveDist, watchContext, type Browser, type StaticServer } from "./harness.ts";

const BASE = "/strata/";
let server: StaticServer;
let browser: Browser;
let warehouse: string;

before(async () => {
  const { dir, ms, warehouse: built } = buildSite({ base: BASE });
  warehouse = built;
  if (ms !== null) console.log(`observable build: ${(ms / 1000).toFixed(1)} s`);
  server = await serveDist(dir, { base: BASE });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test("the browser is the bundled Chromium unless STRATA_CHROMIUM names another", async () => {
  const page = await browser.context.newPage();
  const version = (await page.evaluate(() => navigator.userAgent)).match(/Chrome\/([\d.]+)/)?.[1];
  await page.close();
  const { source, path } = browser.chromium;
  if (process.env.STRATA_CHROMIUM || process.env.CHROMIUM_PATH) assert.match(source, /^(STRATA_CHROMIUM|CHROMIUM_PATH)$/);
  else if (process.platform === "linux" && process.arch === "x64") assert.match(source, /^bundled @sparticuz\/chromium /);
  console.log(`chromium ${version}: ${source} (${path})`);
});

test("workbench runs a DuckDB query under a base path, fully offline", async () => {
  const watch = await watchContext(browser.context);
  const page = await browser.context.newPage();
  const start = performance.now();
  await page.goto(`${server.url}workbench`);
  await page.waitForFunction(() => document.documentElement.dataset.workbenchReady, null, { timeout: 30_000 });
  const n = await page.evaluate(async () => {
    const href = document.querySelector<HTMLLinkElement>('link[rel=modulepreload][href*="components/duckdb."]')!.href;
    const { openDuckDB, query } = await import(href);
    const { conn } = await openDuckDB();
    return (await query(conn, "select count(*)::integer as n from movies")).table.get(0).n as number;
  });
  const firstQueryMs = performance.now() - start;

  assert.ok(n > 0, `movies has ${n} rows`);
  assert.deepEqual(watch.offOrigin, [], "requests to hosts other than the site");
  assert.deepEqual(watch.errors, [], "console errors / failed requests");
  const wasm = server.requests.find((r) => r.path.endsWith(".wasm"));
  assert.ok(wasm && wasm.status === 200 && wasm.path.startsWith(BASE), "duckdb wasm served from the site");

  await mkdir("test-artifacts", { recursive: true });
  await page.screenshot({ path: "test-artifacts/smoke-workbench.png", fullPage: true });
  console.log(
    `navigation → first query: ${firstQueryMs.toFixed(0)} ms; ` +
      `${server.requests.length} requests, ${(server.totalBytes() / 1e6).toFixed(1)} MB`,
  );
  await page.close();
});

test("the workbench has the sources' marts as views, answering as strata query does", async () => {
  const page = await browser.context.newPage();
  await page.goto(`${server.url}workbench`);
  await page.waitForFunction(() => document.documentElement.dataset.workbenchReady, null, { timeout: 30_000 });
  const sql = "select basis, count(*)::integer as n, sum(views)::integer as views from pageviews_by_postcode group by basis order by basis";
  const inBrowser = await page.evaluate(async (sql) => {
    const href = document.querySelector<HTMLLinkElement>('link[rel=modulepreload][href*="components/duckdb."]')!.href;
    const { openDuckDB, query } = await import(href);
    const { conn } = await openDuckDB();
    return (await query(conn, sql)).table.toArray().map((r: { basis: string; n: number; views: number }) => [r.basis, r.n, r.views]);
  }, sql);
  const { queryWarehouse } = await import("../../data-loaders/query.ts");
  const inNode = (await queryWarehouse(warehouse, sql)).rows;
  assert.deepEqual(inBrowser, inNode);
  assert.equal(inBrowser.length, 2, "both bases");
  assert.ok((inBrowser[0][2] as number) > 0);
  assert.equal(await page.locator('[data-schema-table="pageview_moves"]').count(), 1, "the schema browser lists the marts");
  await page.close();
});

test("query() cancels a long-running query and the connection stays usable", async () => {
  const watch = await watchContext(browser.context);
  const page = await browser.context.newPage();
  await page.goto(`${server.url}workbench`);
  await page.waitForFunction(() => document.documentElement.dataset.workbenchReady, null, { timeout: 30_000 });
  const outcome = await page.evaluate(async () => {
    // Same module instance as the page's (same URL), hence the same DuckDB.
    const href = document.querySelector<HTMLLinkElement>('link[rel=modulepreload][href*="components/duckdb."]')!.href;
    const { openDuckDB, query } = await import(href);
    const { conn } = await openDuckDB();
    const controller = new AbortController();
    const start = performance.now();
    setTimeout(() => controller.abort(), 300);
    let error = "none";
    try {
      await query(conn, "select sum(a.range * b.range) from range(1000000) a, range(100000) b", {
        signal: controller.signal,
      });
    } catch (e) {
      error = (e as Error).name;
    }
    const cancelledAfter = performance.now() - start;
    const after = await query(conn, "select count(*)::integer as n from movies");
    return { error, cancelledAfter, n: after.table.get(0).n };
  });
  assert.equal(outcome.error, "AbortError");
  assert.ok(outcome.cancelledAfter < 5_000, `cancel took ${outcome.cancelledAfter} ms`);
  assert.ok(outcome.n > 0);
  assert.deepEqual(watch.offOrigin, []);
  assert.deepEqual(watch.errors, []);
  console.log(`cancelled after ${outcome.cancelledAfter.toFixed(0)} ms`);
  await page.close();
});

test("every page renders under the base path without errors", async () => {
  const watch = await watchContext(browser.context);
  const page = await browser.context.newPage();
  for (const path of ["", "streaming/report", "streaming/history", "web/report", "workbench", "quality"]) {
    await page.goto(`${server.url}${path}`);
    await page.locator("#observablehq-main h1").first().waitFor();
    // Sidebar links must stay under the base path (Framework makes them relative).
    for (const href of await page.locator("#observablehq-sidebar a[href]").evaluateAll((as) =>
      as.map((a) => (a as HTMLAnchorElement).href),
    )) {
      assert.ok(href.startsWith(server.url), `sidebar link outside base: ${href}`);
    }
  }
  assert.deepEqual(watch.offOrigin, []);
  assert.deepEqual(watch.errors, []);
  await page.close();
});

test("every page declares its icon, served from under the base path; nothing 404s", async () => {
  // Headless Chromium never fetches icons itself, so the test asks for what a desktop browser
  // would: the icon the page declares, or, without one, /favicon.ico at the host's root (404).
  const watch = await watchContext(browser.context);
  const page = await browser.context.newPage();
  const firstRequest = server.requests.length;
  const icons = new Set<string>();
  for (const path of ["", "workbench", "history", "web/report", "quality"]) {
    await page.goto(`${server.url}${path}`);
    await page.locator("#observablehq-main h1").first().waitFor();
    const declared = await page.evaluate(() =>
      [...document.querySelectorAll<HTMLLinkElement>("link[rel~=icon]")].map((l) => ({ href: l.href, type: l.type })),
    );
    assert.equal(declared.length, 1, `/${path}: one <link rel=icon>, found ${JSON.stringify(declared)}`);
    assert.ok(declared[0]!.href.startsWith(server.url), `/${path}: icon outside the base path: ${declared[0]!.href}`);
    assert.equal(declared[0]!.type, "image/svg+xml");
    icons.add(declared[0]!.href);
  }
  for (const href of icons) {
    const icon = await page.evaluate(async (href) => {
      const response = await fetch(href);
      const img = new Image();
      img.src = href;
      await img.decode();
      return { status: response.status, type: response.headers.get("content-type"), width: img.naturalWidth };
    }, href);
    assert.equal(icon.status, 200, href);
    assert.equal(icon.type, "image/svg+xml", href);
    assert.ok(icon.width > 0, `${href} does not render as an image`);
  }
  const served = server.requests.slice(firstRequest);
  const iconPath = new URL([...icons][0]!).pathname;
  assert.ok(served.some((r) => r.path === iconPath && r.status === 200), `${iconPath} served (200)`);
  assert.deepEqual(served.filter((r) => r.status >= 400), [], "requests the site answered with an error");
  assert.ok(!served.some((r) => r.path.endsWith("/favicon.ico")), "no request for favicon.ico");
  assert.deepEqual(watch.offOrigin, []);
  assert.deepEqual(watch.errors, []);
  await page.close();
});
