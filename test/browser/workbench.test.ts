// The workbench, end to end: the built site served under a base path, driven in headless
// Chromium like an analyst would (typing into CodeMirror, Ctrl+Enter, buttons), with every
// result checked against DuckDB over the warehouse on the server side, and each Phase 2
// query checked against what `strata answers --json --all` prints.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdir, readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { deflateRawSync } from "node:zlib";
import { after, before, test } from "node:test";
import type { Page } from "playwright-core";
import { publishedTables, sources } from "../../data-loaders/sources/index.ts";
import { domains } from "../../data-loaders/sources/source.ts";
import { readManifest } from "../../data-loaders/warehouse/manifest.ts";
import { martsIn, martViews } from "../../data-loaders/warehouse/marts.ts";
import { openWarehouse } from "../../data-loaders/warehouse/open.ts";
import { buildSite, PROJECT_DIR } from "../build-site.ts";
import { launchChromium, serveDist, watchContext, type Browser, type PageWatch, type StaticServer } from "./harness.ts";

const BASE = "/strata/";
let WAREHOUSE: string;
const ARTIFACTS = resolve(PROJECT_DIR, "test-artifacts");

let server: StaticServer;
let browser: Browser;
let watch: PageWatch;
let page: Page;

/** Server-side truth: DuckDB (node) over the warehouse's published Parquet files. */
async function serverRows(sql: string): Promise<Record<string, unknown>[]> {
  const { db } = await openWarehouse(WAREHOUSE, [], { views: martViews });
  try {
    return await db.all<Record<string, unknown>>(sql);
  } finally {
    db.close();
  }
}

const norm = (v: unknown) => (typeof v === "bigint" ? Number(v) : v);

before(async () => {
  // STRATA_TEST_DIST=<dir>: test a site already built (with STRATA_BASE=/strata/) elsewhere.
  const { dir, ms, warehouse } = process.env.STRATA_TEST_DIST
    ? { dir: resolve(process.env.STRATA_TEST_DIST), ms: null, warehouse: resolve(PROJECT_DIR, process.env.STRATA_WAREHOUSE ?? "warehouse") }
    : buildSite({ base: BASE });
  WAREHOUSE = warehouse;
  if (ms !== null) console.log(`observable build: ${(ms / 1000).toFixed(1)} s`);
  server = await serveDist(dir, { base: BASE });
  browser = await launchChromium();
  watch = await watchContext(browser.context);
  page = await browser.context.newPage();
  await page.goto(`${server.url}workbench`);
  await waitReady(page);
  // The page stores its notebook on load; the test starts from no stored state.
  await page.evaluate(() => localStorage.clear());
  await page.goto(`${server.url}workbench`);
  await waitReady(page);
});

after(async () => {
  await browser?.close();
  await server?.close();
});

async function waitReady(p: Page) {
  await p.waitForFunction(() => document.documentElement.dataset.workbenchReady, null, { timeout: 60_000 });
  await p.waitForFunction(() => (window as any).strataWorkbench, null, { timeout: 10_000 });
  await p.evaluate(() => (window as any).strataWorkbench.ready);
}

const cells = (p: Page = page) => p.locator("[data-cell]");
const cellSqls = (p: Page = page) => p.evaluate(() => (window as any).strataWorkbench.cells() as string[]);

/** Replaces the SQL of cell `index` by typing, as a person would; returns the cell. */
async function replaceSql(index: number, sql: string, p: Page = page) {
  const cell = cells(p).nth(index);
  await cell.locator(".cm-content").click();
  await p.keyboard.press("Control+a");
  await p.keyboard.press("Delete");
  await p.keyboard.insertText(sql);
  return cell;
}

/** Replaces the SQL of cell `index` by typing, then runs it with Ctrl+Enter; resolves when the run finished. */
async function typeAndRun(index: number, sql: string, p: Page = page) {
  const cell = await replaceSql(index, sql, p);
  await runWith(cell, () => p.keyboard.press("Control+Enter"));
  return cell;
}

async function runWith(cell: ReturnType<typeof cells>, trigger: () => Promise<void>) {
  const before = Number((await cell.getAttribute("data-runs")) ?? 0);
  await trigger();
  await cell.page().waitForFunction(
    ([el, n]) => Number((el as HTMLElement).dataset.runs ?? 0) > (n as number),
    [await cell.elementHandle(), before] as const,
    { timeout: 30_000 },
  );
}

async function tableText(cell: ReturnType<typeof cells>) {
  return cell.locator("[data-result] table").evaluate((table: HTMLTableElement) => ({
    head: [...table.tHead!.rows[0].cells].map((c) => c.textContent),
    body: [...table.tBodies[0].rows].map((r) => [...r.cells].map((c) => c.textContent)),
  }));
}

function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; ++i) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), ++i;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") row.push(field), (field = "");
    else if (c === "\n") row.push(field), rows.push(row), (row = []), (field = "");
    else if (c !== "\r") field += c;
  }
  if (field || row.length) row.push(field), rows.push(row);
  return rows;
}

test("opens with the six Phase 2 queries and the schema browser, every published table grouped by domain", async () => {
  const questions = JSON.parse(
    spawnSync(process.execPath, ["--import", "tsx", "src/data/questions.json.ts"], { cwd: PROJECT_DIR, encoding: "utf8" }).stdout,
  ) as { sql: string }[];
  assert.equal(questions.length, 6);
  assert.deepEqual(await cellSqls(), questions.map((q) => q.sql.trim()));
  assert.equal(await page.locator("[data-workbench]").getAttribute("data-notebook-source"), "default");
  const schema = await page.locator("[data-schema-table]").evaluateAll((els) =>
    els.map((el) => [el.getAttribute("data-schema-table"), Number(el.querySelector("[data-schema-rows]")!.getAttribute("data-schema-rows"))]),
  );
  // Every table the registry publishes and the warehouse holds, in the registry's order (which
  // groups them by domain), each with its row count and description.
  // Then, in their source's domain after its tables, the marts (views) the warehouse can have.
  const manifest = readManifest(WAREHOUSE);
  const tables = publishedTables().filter((t) => manifest.tables[t.name]?.length);
  assert.ok(tables.some((t) => t.name === "warnings"), "the warnings table is published");
  const marts = martsIn(manifest).map((m) => ({ name: m.name, domain: m.domain, description: `view: ${m.description}` }));
  assert.ok(marts.some((m) => m.name === "pageviews_by_postcode"), "the web marts are listed");
  const domainOrder = [...new Set(tables.map((t) => t.domain))];
  const published = domainOrder.flatMap((d) => [...tables, ...marts].filter((t) => t.domain === d));
  assert.deepEqual(schema.map(([t]) => t), published.map((t) => t.name));
  for (const [table, rows] of schema) {
    const [{ n }] = await serverRows(`select count(*)::bigint as n from ${table}`);
    assert.equal(rows, Number(n), `${table} row count`);
  }
  const groups = await page.locator("[data-schema-domain]").evaluateAll((els) =>
    els.map((el) => ({
      domain: el.getAttribute("data-schema-domain"),
      title: el.querySelector("h3")?.textContent,
      tables: [...el.querySelectorAll("[data-schema-table]")].map((t) => [t.getAttribute("data-schema-table"), t.querySelector("[data-schema-description]")?.textContent]),
    })),
  );
  const titles = new Map<string, string>([...sources.map((s) => [s.domain.id, s.domain.title] as const), [domains.operations.id, domains.operations.title]]);
  const expectedGroups = [...new Set(published.map((t) => t.domain))].map((domain) => ({
    domain,
    title: titles.get(domain),
    tables: published.filter((t) => t.domain === domain).map((t) => [t.name, t.description]),
  }));
  assert.deepEqual(groups, expectedGroups, "one group per domain, titled, each table with its description");
  for (const title of ["Streaming app", "Data quality"]) assert.ok(groups.some((g) => g.title === title), `a group titled ${title}`);
  // DuckDB has every table loaded, the empty ones too, and every mart as a view (the page's own DuckDB, as in smoke.test.ts).
  const loaded = await page.evaluate(async () => {
    const href = document.querySelector<HTMLLinkElement>('link[rel=modulepreload][href*="components/duckdb."]')!.href;
    const { openDuckDB, query } = await import(href);
    const { conn } = await openDuckDB();
    // (no function declared in here: the page runs this as it is, without the test's build helpers)
    const tables = (await query(conn, "select table_name as name from duckdb_tables() order by name")).table.toArray();
    const views = (await query(conn, "select view_name as name from duckdb_views() where not internal order by name")).table.toArray();
    return { tables: tables.map((r: { name: string }) => r.name) as string[], views: views.map((r: { name: string }) => r.name) as string[] };
  });
  assert.deepEqual(loaded.tables, tables.map((t) => t.name).sort());
  assert.deepEqual(loaded.views, marts.map((m) => m.name).sort());
  assert.equal(await page.locator("#wb-status").getAttribute("data-status"), "ready");
  assert.match((await page.locator("#wb-status").textContent()) ?? "", /ready \(\d+ ms/);
});

test("every Phase 2 query in the page returns exactly what the CLI returns", async () => {
  const cli = spawnSync(process.execPath, ["bin/strata.js", "answers", "--json", "--all", "--warehouse", WAREHOUSE], {
    cwd: PROJECT_DIR,
    encoding: "utf8",
  });
  assert.equal(cli.status, 0, cli.stderr);
  const expected = JSON.parse(cli.stdout) as { questions: { id: string; variants: { variant: string; is_primary: boolean; definition: string; value: number | null }[] }[] };
  await page.locator("[data-run-all]").click();
  await page.waitForFunction(
    () => [...document.querySelectorAll<HTMLElement>("[data-cell]")].every((c) => Number(c.dataset.runs ?? 0) >= 1),
    null,
    { timeout: 60_000 },
  );
  const results = (await page.evaluate(() => (window as any).strataWorkbench.results())) as {
    columns: { name: string }[];
    rows: unknown[][];
  }[];
  assert.equal(results.length, expected.questions.length);
  expected.questions.forEach((q, i) => {
    const r = results[i];
    assert.ok(r, `${q.id}: no result (error: ${i})`);
    assert.deepEqual(r.columns.map((c) => c.name), ["variant", "is_primary", "definition", "value"], q.id);
    const got = r.rows.map(([variant, is_primary, definition, value]) => ({ variant, is_primary, definition, value }));
    assert.deepEqual(got, q.variants, q.id);
  });
  // The displayed value column shows the same numbers.
  const first = await tableText(cells().nth(0));
  assert.deepEqual(first.body.map((r) => Number(r[3])), expected.questions[0].variants.map((v) => v.value));
});

test("a typed query runs with Ctrl+Enter and matches DuckDB on the warehouse", async () => {
  await page.locator("[data-add-cell-bottom]").click();
  const index = (await cells().count()) - 1;
  const cell = await typeAndRun(index, "select count(*) as n from streams");
  assert.equal(await cell.getAttribute("data-state"), "done");
  const [{ n }] = await serverRows("select count(*) as n from streams");
  assert.deepEqual(await tableText(cell), { head: ["n"], body: [[String(n)]] });
  assert.equal(await cell.locator("[data-row-count]").getAttribute("data-rows"), "1");
  assert.ok(Number(await cell.locator("[data-elapsed]").getAttribute("data-ms")) >= 0);

  // Many rows, several types, sorted by a header click.
  const sql =
    "select movie_key, count(*) as sessions, round(sum(size_mb), 3) as mb, min(start_utc) as first_start from streams group by movie_key order by movie_key";
  await typeAndRun(index, sql);
  const expected = (await serverRows(sql)).map((r) => [r.movie_key, Number(r.sessions), Number(r.mb), String(r.first_start)]);
  const got = (await page.evaluate((i) => (window as any).strataWorkbench.results()[i], index)) as { rows: unknown[][] };
  assert.deepEqual(
    got.rows.map((r) => [r[0], r[1], r[2], String(r[3])]),
    expected.map((r) => [r[0], r[1], r[2], String(r[3])]),
  );
  assert.equal(await cell.locator("[data-row-count]").getAttribute("data-rows"), String(expected.length));
  await cell.locator('th[data-column="sessions"] button').click();
  await cell.locator('th[data-column="sessions"] button').click(); // descending
  const sorted = await tableText(cell);
  const sessions = sorted.body.map((r) => Number(r[1]));
  assert.deepEqual(sessions, [...expected.map((r) => r[1] as number)].sort((a, b) => b - a));
  assert.equal(await cell.locator('th[data-column="sessions"]').getAttribute("aria-sort"), "descending");
  assert.equal(await cell.locator("[data-chart] svg").count(), 1, "a category × number result gets a chart");
});

test("a bad query shows DuckDB's error and the next query still runs", async () => {
  const index = (await cells().count()) - 1;
  const cell = await typeAndRun(index, "select nope from streams");
  assert.equal(await cell.getAttribute("data-state"), "error");
  const message = (await cell.locator("[data-error]").textContent()) ?? "";
  assert.match(message, /Binder Error/i);
  assert.match(message, /nope/);
  assert.equal(await cell.locator("[data-result] table").count(), 0);
  await typeAndRun(index, "select count(distinct user_key) as users from streams");
  assert.equal(await cell.getAttribute("data-state"), "done");
  assert.ok(await cell.locator("[data-error]").isHidden());
  const [{ users }] = await serverRows("select count(distinct user_key) as users from streams");
  assert.deepEqual((await tableText(cell)).body, [[String(users)]]);
});

test("a long query can be cancelled and the page stays usable", async () => {
  const index = (await cells().count()) - 1;
  const cell = await replaceSql(index, "select sum(a.range * b.range) from range(1000000) a, range(100000) b");
  const start = performance.now();
  await runWith(cell, async () => {
    await page.keyboard.press("Control+Enter");
    await cell.locator("[data-cancel]").waitFor({ state: "visible" });
    await page.waitForTimeout(300);
    await cell.locator("[data-cancel]").click();
  });
  assert.equal(await cell.getAttribute("data-state"), "cancelled");
  assert.ok(performance.now() - start < 10_000);
  assert.ok(await cell.locator("[data-cancel]").isHidden());
  await typeAndRun(index, "select 41 + 1 as answer");
  assert.deepEqual((await tableText(cell)).body, [["42"]]);
});

test("clicking a schema name inserts it at the cursor", async () => {
  await replaceSql((await cells().count()) - 1, "select count(*) from ");
  await page.locator('[data-schema-table="movies"] summary button').click();
  await page.keyboard.insertText(" where ");
  await page.locator('[data-schema-table="movies"] summary').click({ position: { x: 2, y: 5 } }); // expand
  await page.locator('[data-schema-column="movies.duration_mins"]').click();
  await page.keyboard.insertText(" > 100");
  assert.equal((await cellSqls()).at(-1), "select count(*) from movies where duration_mins > 100");
});

test("CSV and Parquet exports download the result's rows", async () => {
  const index = (await cells().count()) - 1;
  const sql = "select user_key, count(*) as n, max(end_local) as last_end from streams group by user_key order by user_key";
  const cell = await typeAndRun(index, sql);
  const expected = await serverRows(sql);

  const [csvDownload] = await Promise.all([page.waitForEvent("download"), cell.locator("[data-export-csv]").click()]);
  const csv = parseCsv(await readFile((await csvDownload.path())!, "utf8"));
  assert.deepEqual(csv[0], ["user_key", "n", "last_end"]);
  assert.deepEqual(
    csv.slice(1),
    expected.map((r) => [String(r.user_key), String(r.n), String(r.last_end)]),
  );

  const [pqDownload] = await Promise.all([
    page.waitForEvent("download", { timeout: 30_000 }),
    cell.locator("[data-export-parquet]").click(),
  ]);
  await mkdir(ARTIFACTS, { recursive: true });
  const pqPath = resolve(ARTIFACTS, "workbench-export.parquet");
  await pqDownload.saveAs(pqPath);
  const fromParquet = await serverRows(`select * from read_parquet('${pqPath}') order by user_key`);
  assert.deepEqual(
    fromParquet.map((r) => [r.user_key, norm(r.n), String(r.last_end)]),
    expected.map((r) => [r.user_key, norm(r.n), String(r.last_end)]),
  );
});

test("cells can be added, removed and reordered; the notebook survives a reload and round-trips through the URL", async () => {
  await page.locator("[data-add-cell-bottom]").click();
  const last = (await cells().count()) - 1;
  await typeAndRun(last, "select 'second' as which");
  await page.locator("[data-add-cell-bottom]").click();
  await typeAndRun(last + 1, "select 'third' as which");
  let sqls = await cellSqls();
  assert.deepEqual(sqls.slice(-2), ["select 'second' as which", "select 'third' as which"]);

  await cells().nth(last + 1).locator("[data-move-up]").click();
  sqls = await cellSqls();
  assert.deepEqual(sqls.slice(-2), ["select 'third' as which", "select 'second' as which"]);
  assert.deepEqual(
    await cells().evaluateAll((els) => els.map((el) => el.getAttribute("data-cell-index"))),
    sqls.map((_, i) => String(i)),
  );
  await cells().nth(0).locator("[data-move-down]").click(); // Q1 below Q2
  await cells().nth(last).locator("[data-remove]").click(); // the 'third' cell
  const expected = await cellSqls();
  assert.equal(expected.length, sqls.length - 1);
  assert.ok(!expected.includes("select 'third' as which"));
  assert.match(expected[1], /^-- Q1\./);
  assert.match(expected[0], /^-- Q2\./);

  // The URL and storage are written shortly after a change.
  await page.waitForFunction(
    (n) => document.querySelector<HTMLElement>("[data-workbench]")!.dataset.savedCells === String(n) && location.hash.startsWith("#nb="),
    expected.length,
  );
  await page.waitForTimeout(400);
  const url = page.url();
  assert.ok(url.startsWith(`${server.url}workbench#nb=`), url);

  await page.reload();
  await waitReady(page);
  assert.deepEqual(await cellSqls(), expected, "reload keeps the notebook");

  // A shared link: another tab with no storage opens the same notebook from the URL alone.
  const other = await browser.context.newPage();
  await other.goto(`${server.url}workbench`);
  await other.evaluate(() => localStorage.clear());
  // a full load, as a link opened in a new tab has: from /workbench, going to /workbench#nb=… would
  // only change the fragment of the page already open, racing with its start-up
  await other.goto("about:blank");
  await other.goto(url);
  await waitReady(other);
  assert.equal(await other.locator("[data-workbench]").getAttribute("data-notebook-source"), "url");
  assert.deepEqual(await cellSqls(other), expected, "URL round-trip");
  await other.close();

  // Reset asks for a second click, then restores the Phase 2 queries.
  await page.locator("[data-reset]").click();
  assert.deepEqual(await cellSqls(), expected, "one click does not reset");
  await page.locator("[data-reset]").click();
  const reset = await cellSqls();
  assert.equal(reset.length, 6);
  assert.match(reset[0], /^-- Q1\./);
  await page.waitForFunction(() => document.querySelector<HTMLElement>("[data-workbench]")!.dataset.savedCells === "6");
  await page.reload();
  await waitReady(page);
  assert.deepEqual(await cellSqls(), reset);
});

/** A `#nb=` link made here, independently of the page's code: base64url(deflate-raw(JSON)). */
const notebookLink = (value: unknown) => `${server.url}workbench#nb=${deflateRawSync(Buffer.from(JSON.stringify(value))).toString("base64url")}`;

/** The notebook list as the page shows it: [name, selected] per option. */
const notebookList = (p: Page) =>
  p.locator("[data-notebook-select] option").evaluateAll((options) => options.map((o) => [o.textContent, (o as HTMLOptionElement).selected]));

/** Opens `url` as a link opened in a new tab is: a full load; resolves once the notebook is shown (DuckDB may still be loading). */
async function openFresh(p: Page, url: string) {
  await p.goto("about:blank");
  await p.goto(url);
  await p.waitForFunction(() => (window as any).strataWorkbench, null, { timeout: 30_000 });
  await p.evaluate(() => (window as any).strataWorkbench.ready);
}

test("a shared link opens beside your notebooks, never over them; the list switches between them; a broken link says so", async () => {
  // A browser of its own: its storage is this test's alone.
  const second = await launchChromium();
  const watch2 = await watchContext(second.context);
  try {
    const p = await second.context.newPage();
    await openFresh(p, `${server.url}workbench`);
    assert.equal(await p.locator("[data-workbench]").getAttribute("data-notebook-source"), "default");
    assert.deepEqual(await notebookList(p), [["My notebook", true]]);

    // My own work.
    await replaceSql(0, "select 'mine' as who", p);
    await p.waitForFunction(() => (window as any).strataWorkbench.notebooks()[0]?.cells[0] === "select 'mine' as who");
    const mine = await cellSqls(p);

    // A colleague's link (with a name that is markup: it must stay text).
    const theirs = ["select 'theirs' as who", "select count(*) as n from movies"];
    const evil = '<img src=x onerror="window.pwned=1">Outage check';
    await openFresh(p, notebookLink({ v: 1, cells: theirs, name: evil }));
    assert.deepEqual(await cellSqls(p), theirs, "the link's cells are open");
    assert.equal(await p.locator("[data-workbench]").getAttribute("data-notebook-source"), "url");
    assert.deepEqual(await notebookList(p), [["My notebook", false], [`Shared: ${evil}`, true]], "beside mine, named as shared");
    assert.equal(await p.locator("[data-notebooks] img").count(), 0, "the name is text, not markup");
    assert.equal(await p.evaluate(() => (window as any).pwned), undefined);
    const info = p.locator("[data-notebook-message]");
    assert.ok(await info.isVisible(), "the page says what the link did");
    assert.equal(await info.getAttribute("data-kind"), "info");
    assert.match((await info.textContent()) ?? "", /beside your notebook, which is as before/);
    const stored = (await p.evaluate(() => (window as any).strataWorkbench.notebooks())) as { name: string; cells: string[] }[];
    assert.deepEqual(stored.find((nb) => nb.name === "My notebook")?.cells, mine, "my notebook is saved as it was");

    // Switching back shows my cells; the address follows the open notebook.
    await p.locator("[data-notebook-select]").selectOption({ label: "My notebook" });
    await p.waitForFunction((sql) => (window as any).strataWorkbench.cells()[0] === sql, mine[0]);
    assert.deepEqual(await cellSqls(p), mine);
    await p.waitForFunction(() => (document.querySelector("[data-workbench]") as HTMLElement).dataset.notebookId === (window as any).strataWorkbench.notebook().id);
    const myUrl = p.url();
    await p.reload();
    await p.waitForFunction(() => (window as any).strataWorkbench, null, { timeout: 30_000 });
    await p.evaluate(() => (window as any).strataWorkbench.ready);
    assert.deepEqual(await cellSqls(p), mine, "a reload keeps the open notebook");
    assert.ok(await p.locator("[data-notebook-message]").isHidden(), "a reload of my own notebook says nothing");
    assert.equal((await notebookList(p)).length, 2, "a reload of my own link adds no notebook");
    assert.equal(p.url(), myUrl);

    // The same shared link again opens the notebook it made, not a copy.
    await openFresh(p, notebookLink({ v: 1, cells: theirs, name: evil }));
    assert.deepEqual(await cellSqls(p), theirs);
    assert.equal((await notebookList(p)).length, 2, "no duplicate");

    // Links that cannot be read: the page says so, and shows your open notebook, not the default.
    const good = notebookLink({ v: 1, cells: ["select 'cut' as x"] });
    for (const [url, why] of [
      [`${server.url}workbench#nb=not*a*notebook`, /damaged/],
      [good.slice(0, good.length - 12), /damaged/],
      [notebookLink({ v: 1, cells: "select 1" }), /cells/],
      [`${server.url}workbench#nb=`, /no notebook/],
    ] as const) {
      await openFresh(p, url);
      const error = p.locator("[data-notebook-message]");
      assert.ok(await error.isVisible(), `${url}: a visible message`);
      assert.equal(await error.getAttribute("data-kind"), "error");
      assert.equal(await error.getAttribute("role"), "alert");
      assert.match((await error.textContent()) ?? "", /could not be opened/);
      assert.match((await error.textContent()) ?? "", why);
      assert.deepEqual(await cellSqls(p), theirs, `${url}: the notebook open before is shown`);
      assert.equal((await notebookList(p)).length, 2, `${url}: no notebook added`);
    }

    // Rename, then delete the shared one: mine stays.
    await p.locator("[data-rename-notebook]").click();
    await p.locator("[data-notebook-name]").fill("From Ana");
    await p.keyboard.press("Enter");
    await p.waitForFunction(() => (window as any).strataWorkbench.notebooks().some((nb: { name: string }) => nb.name === "From Ana"));
    assert.deepEqual(await notebookList(p), [["My notebook", false], ["From Ana", true]]);
    await p.locator("[data-delete-notebook]").click();
    assert.equal((await notebookList(p)).length, 2, "one click does not delete");
    await p.locator("[data-delete-notebook]").click();
    await p.waitForFunction(() => (window as any).strataWorkbench.notebooks().length === 1);
    assert.deepEqual(await notebookList(p), [["My notebook", true]]);
    assert.deepEqual(await cellSqls(p), mine);
    await p.close();
    assert.deepEqual(watch2.offOrigin, []);
    assert.deepEqual(watch2.errors, []);
  } finally {
    await second.close();
  }
});

test("a SQL error shows DuckDB's message as text and marks its position in the editor", async () => {
  await page.locator("[data-add-cell-bottom]").click();
  const index = (await cells().count()) - 1;
  const cell = await typeAndRun(index, "selec 1");
  assert.equal(await cell.getAttribute("data-state"), "error");
  const error = cell.locator("[data-error]");
  const text = (await error.textContent()) ?? "";
  assert.match(text, /^Parser Error: syntax error at or near "selec"/);
  assert.doesNotMatch(text, /exception_type|[{}]|\\n/, "no raw JSON, no escaped newlines");
  assert.equal(await error.getAttribute("data-position"), "0");
  assert.equal(await cell.locator(".cm-sql-error").textContent(), "selec");

  // A syntax error at the end of the text marks the last token.
  await typeAndRun(index, "select 1 +");
  assert.match((await error.textContent()) ?? "", /^Parser Error: syntax error at end of input/);
  assert.equal(await cell.locator(".cm-sql-error").textContent(), "+");

  // Errors that DuckDB reports as text carry their position as "LINE n: … ^": found too, on line 3.
  await typeAndRun(index, "select\n  1,\n  foo(2) as x");
  assert.match((await error.textContent()) ?? "", /^Catalog Error: Scalar Function with name foo does not exist/);
  assert.equal(await cell.locator(".cm-sql-error").textContent(), "foo");
  assert.match((await cell.locator(".cm-sql-error-line").textContent()) ?? "", /foo\(2\)/);
  await typeAndRun(index, "select 'é' as e, nope from streams");
  assert.match((await error.textContent()) ?? "", /^Binder Error: Referenced column "nope" not found/);
  assert.equal(await cell.locator(".cm-sql-error").textContent(), "nope", "a position past a non-ASCII character");

  // The mark goes with the next edit, and with a query that runs.
  await page.keyboard.type(" ");
  assert.equal(await cell.locator(".cm-sql-error").count(), 0);
  await typeAndRun(index, "selec 2");
  assert.equal(await cell.locator(".cm-sql-error").count(), 1);
  await typeAndRun(index, "select 2 as two");
  assert.equal(await cell.getAttribute("data-state"), "done");
  assert.equal(await cell.locator(".cm-sql-error").count(), 0);
  assert.ok(await error.isHidden());
});

test("the completion popup shows its icons as letters and closes when the query runs", async () => {
  const index = (await cells().count()) - 1;
  const cell = await replaceSql(index, "select count(*) as n from ");
  await page.keyboard.type("stre");
  const popup = page.locator(".cm-tooltip-autocomplete");
  await popup.waitFor({ timeout: 5_000 });
  const icons = await popup.locator(".cm-completionIcon").evaluateAll((els) =>
    els.map((el) => ({
      label: el.parentElement!.querySelector(".cm-completionLabel")!.textContent,
      content: getComputedStyle(el, "::after").content,
      width: el.getBoundingClientRect().width,
    })),
  );
  assert.ok(icons.some((i) => i.label === "streams"), `streams offered: ${JSON.stringify(icons)}`);
  for (const icon of icons) {
    // Plain letters every font has (CodeMirror's own are 𝑥, 🔑, □…: an empty box without a font that has them).
    assert.match(icon.content, /^"[A-Za-z]{1,3}"$/, `${icon.label}: icon ${icon.content}`);
    assert.ok(icon.width >= 10, `${icon.label}: icon ${icon.width} px wide`);
  }
  assert.equal(icons.find((i) => i.label === "streams")!.content, '"T"', "a table");
  await page.keyboard.press("Enter"); // accept: "streams"
  await popup.waitFor({ state: "detached" });
  await page.keyboard.type(" where stre");
  await popup.waitFor();
  await runWith(cell, () => page.keyboard.press("Control+Enter"));
  assert.equal(await popup.count(), 0, "the popup closed when the query ran");
  assert.equal(await cell.getAttribute("data-state"), "error", "stre is not a column");
});

test("CSV export follows the table's sort", async () => {
  const index = (await cells().count()) - 1;
  const cell = await typeAndRun(index, "select movie_key, count(*) as sessions, round(sum(size_mb), 1) as mb from streams group by movie_key order by movie_key");
  await cell.locator('th[data-column="mb"] button').click();
  await cell.locator('th[data-column="mb"] button').click(); // descending
  const shown = await tableText(cell);
  const [download] = await Promise.all([page.waitForEvent("download"), cell.locator("[data-export-csv]").click()]);
  const csv = parseCsv(await readFile((await download.path())!, "utf8"));
  assert.deepEqual(csv[0], shown.head);
  assert.deepEqual(csv.slice(1), shown.body, "the CSV's rows in the table's order");
  const mb = csv.slice(1).map((r) => Number(r[2]));
  assert.deepEqual(mb, [...mb].sort((a, b) => b - a), "largest first");
  assert.notDeepEqual(csv.slice(1).map((r) => r[0]), csv.slice(1).map((r) => r[0]).sort(), "not the query's order");
});

test("a removed cell can be brought back, with its result", async () => {
  await page.locator("[data-add-cell-bottom]").click();
  const index = (await cells().count()) - 1;
  await typeAndRun(index, "select 'keep me' as x");
  await page.locator("[data-add-cell-bottom]").click();
  await replaceSql(index + 1, "select 'after' as y");
  const before = await cellSqls();
  await cells().nth(index).locator("[data-remove]").click();
  assert.equal(await cells().count(), before.length - 1);
  assert.ok(!(await cellSqls()).includes("select 'keep me' as x"));
  const undo = page.locator("[data-undo-bar]");
  assert.ok(await undo.isVisible(), "an undo offer");
  assert.match((await undo.textContent()) ?? "", new RegExp(`Removed cell ${index + 1}`));
  await page.locator("[data-undo-remove]").click();
  assert.deepEqual(await cellSqls(), before, "back where it was");
  assert.deepEqual((await tableText(cells().nth(index))).body, [["keep me"]], "with its result");
  assert.ok(await undo.isHidden());
  await page.waitForFunction((n) => (document.querySelector("[data-workbench]") as HTMLElement).dataset.savedCells === String(n), before.length);
  await cells().nth(index + 1).locator("[data-remove]").click();
  await cells().nth(index).locator("[data-remove]").click();
});

test("the quick chart never measures an id or a row index; long labels fit, whole on hover", async () => {
  const index = (await cells().count()) - 1;
  const chartOf = async (sql: string) => {
    const cell = await typeAndRun(index, sql);
    assert.equal(await cell.getAttribute("data-state"), "done", sql);
    await cell.locator('[data-chart]:not([data-chart-state="pending"])').waitFor({ state: "attached" }); // Plot loads on first use
    assert.notEqual(await cell.locator("[data-chart]").getAttribute("data-chart-state"), "failed");
    const svg = cell.locator("[data-chart] svg[data-measure]");
    return (await svg.count()) ? { measure: await svg.getAttribute("data-measure"), by: await svg.getAttribute("data-by"), svg } : null;
  };
  let chart = await chartOf("select stream_id, movie_title, size_mb from streams order by stream_id limit 25");
  assert.deepEqual([chart?.measure, chart?.by], ["size_mb", "movie_title"], "stream_id is an id");
  chart = await chartOf("select range as i, 'item ' || range as label, (range * 37) % 11 + 1 as score from range(12)");
  assert.deepEqual([chart?.measure, chart?.by], ["score", "label"], "i is a row index");
  chart = await chartOf("select row_number() over (order by title) as n, title, duration_mins from movies order by title limit 20");
  assert.equal(chart?.measure, "duration_mins", "a row number");
  assert.equal(await chartOf("select stream_id, movie_title from streams order by stream_id limit 10"), null, "ids only: no chart");

  const long = "A remarkably long category label that goes on and on, number ";
  chart = await chartOf(`select '${long}' || range as label, (range * 7) % 5 + 3 as n from range(8)`);
  assert.equal(chart?.measure, "n");
  const ticks = await chart!.svg.evaluate((svg) => {
    const box = svg.getBoundingClientRect();
    return [...svg.querySelectorAll('[aria-label="y-axis tick label"] text')].map((t) => ({
      text: t.textContent!.replace(t.querySelector("title")?.textContent ?? "", ""),
      title: t.querySelector("title")?.textContent ?? null,
      inside: t.getBoundingClientRect().left >= box.left - 0.5,
    }));
  });
  assert.equal(ticks.length, 8);
  for (const tick of ticks) {
    assert.ok(tick.inside, `"${tick.text}" is cut by the chart's left edge`);
    assert.match(tick.text, /…$/, "shortened with an ellipsis");
    assert.ok(tick.title?.startsWith(long), `the whole label on hover: ${tick.title}`);
  }
});

test("screenshots (laptop, phone), no console errors, nothing off-origin", async () => {
  await mkdir(ARTIFACTS, { recursive: true });
  const runs = await cells().evaluateAll((els) => els.map((el) => Number((el as HTMLElement).dataset.runs ?? 0)));
  await page.locator("[data-run-all]").click();
  await page.waitForFunction((before) => [...document.querySelectorAll<HTMLElement>("[data-cell]")].every((c, i) => Number(c.dataset.runs ?? 0) > before[i]), runs, {
    timeout: 60_000,
  });
  await page.waitForFunction(() => document.querySelectorAll("[data-chart] svg").length > 0);
  await page.setViewportSize({ width: 1366, height: 768 });
  await page.screenshot({ path: resolve(ARTIFACTS, "workbench-laptop.png") });
  await page.screenshot({ path: resolve(ARTIFACTS, "workbench-laptop-full.png"), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 900 });
  // The phone in a page of its own: Framework keeps the sidebar open (as an overlay) when a
  // laptop-sized page shrinks, which a phone visitor never sees.
  const phone = await browser.context.newPage();
  await phone.setViewportSize({ width: 390, height: 844 });
  await phone.goto(page.url());
  await waitReady(phone);
  await phone.locator("[data-cell]").first().locator("[data-run]").click();
  await phone.locator("[data-cell]").first().locator("[data-result] table").waitFor();
  await phone.screenshot({ path: resolve(ARTIFACTS, "workbench-phone.png") });
  await phone.screenshot({ path: resolve(ARTIFACTS, "workbench-phone-full.png"), fullPage: true });
  const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `the page scrolls sideways on a phone by ${overflow}px`);
  // A question's title wraps on a phone rather than being cut off.
  const labels = await phone.locator(".wb-cell-label").evaluateAll((els) => els.map((el) => [el.textContent, el.scrollWidth - el.clientWidth, el.getBoundingClientRect().height]));
  assert.ok(labels.length >= 6);
  for (const [text, cut] of labels) assert.ok((cut as number) <= 1, `"${text}" is cut by ${cut}px`);
  assert.ok(labels.some(([, , height]) => (height as number) > 20), "a long title takes two lines");
  await phone.close();

  assert.deepEqual(watch.offOrigin, [], "requests to hosts other than the site");
  assert.deepEqual(watch.errors, [], "console errors / failed requests");
  for (const r of server.requests) assert.ok(r.path.startsWith(BASE), `request outside the base path: ${r.path}`);
});
