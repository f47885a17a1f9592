// The SQL workbench: a notebook of SQL cells run by the page's own DuckDB-WASM over the
// published tables, with a schema browser, sortable results, quick charts and exports.
//
// Test hooks (see test/browser/workbench.test.ts): the root is [data-workbench]; the
// status line is #wb-status[data-status=loading|ready|error]; each cell is
// [data-cell][data-cell-id][data-state=idle|queued|running|done|error|cancelled]
// [data-runs=<finished runs>] with
// [data-run], [data-cancel], [data-move-up], [data-move-down], [data-remove],
// [data-error], [data-row-count], [data-elapsed][data-ms], [data-result] (a table),
// [data-export-csv], [data-export-parquet]. The schema browser has a
// [data-schema-domain=<id>] section per domain (its title in an <h3>) holding a
// [data-schema-table=<name>] item per table, with [data-schema-rows] and
// [data-schema-description]. <html data-workbench-ready> holds the ms from navigation
// start at which DuckDB had every table loaded. window.strataWorkbench exposes the
// cells' SQL and results as JSON-safe values.
import {openDuckDB, query} from "./duckdb.js";
import {progress, startEngine} from "./engine.js";
import {decodeNotebook, encodeNotebook, loadStoredNotebook, storeNotebook} from "./notebook-state.js";
import {download, formatValue, renderChart, renderTable, resultFromArrow, toCsv} from "./results.js";
import {createSqlEditor, insertAtCursor, setDoc} from "./sql-editor.js";

const h = (tag, props = {}, ...children) => {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key.startsWith("data-") || key.startsWith("aria-") || key === "role") element.setAttribute(key, value);
    else element[key] = value;
  }
  element.append(...children.filter((c) => c != null));
  return element;
};

const button = (label, props = {}) => h("button", {type: "button", ...props}, label);

const isPlainIdentifier = (name) => /^[a-z_][a-z0-9_]*$/.test(name);
const sqlIdentifier = (name) => (isPlainIdentifier(name) ? name : `"${name.replaceAll('"', '""')}"`);

/**
 * @param {HTMLElement} root
 * @param {{questions: {id: string, number: number, title: string, sql: string}[],
 *          schema: {table: string, domain: string, description: string, rows: number, columns: {name: string, type: string}[]}[],
 *          tableUrls: Record<string, string>, domains?: {id: string, title: string}[]}} options
 */
export function mountWorkbench(root, {questions, schema, tableUrls, domains = []}) {
  const defaults = questions.map((q) => q.sql.trim());
  const titleBySql = new Map(questions.map((q) => [q.sql.trim(), `Q${q.number}. ${q.title}`]));
  const completionSchema = Object.fromEntries(schema.map((t) => [t.table, t.columns.map((c) => c.name)]));
  /** @type {{id: number, sql: string, element: HTMLElement, view: any, controller: AbortController | null, result: any, ran: string | null}[]} */
  let cells = [];
  let nextId = 1;
  let lastFocused = null;
  let queue = Promise.resolve();

  // ---- layout -------------------------------------------------------------------
  const status = h("span", {id: "wb-status", "data-status": "loading", role: "status"}, "Loading DuckDB…");
  const runAllButton = button("Run all", {"data-run-all": "", title: "Run every cell, top to bottom"});
  const addButton = button("+ Add cell", {"data-add-cell": ""});
  const resetButton = button("Reset to Phase 2 queries", {"data-reset": ""});
  const linkButton = button("Copy link", {"data-copy-link": "", title: "The notebook is in the URL: share it"});
  const toolbar = h("div", {className: "wb-toolbar"}, status, h("span", {className: "wb-spacer"}), runAllButton, addButton, linkButton, resetButton);
  const cellList = h("div", {className: "wb-cells", "data-cells": ""});
  const addBottom = button("+ Add cell", {className: "wb-add-bottom", "data-add-cell-bottom": ""});
  const schemaPanel = renderSchema(schema, domains);
  root.replaceChildren(
    h("div", {className: "wb-layout"}, schemaPanel, h("div", {className: "wb-main"}, toolbar, cellList, addBottom))
  );

  // ---- DuckDB: opened and loaded as soon as the page runs --------------------------
  const names = Object.keys(tableUrls);
  const showProgress = () => {
    if (progress.opened && status.dataset.status === "loading") status.textContent = `Loading tables (${progress.loaded}/${names.length})…`;
  };
  progress.addEventListener("change", showProgress);
  showProgress();
  const engine = startEngine(tableUrls).then(({conn, openMs, bytes}) => {
    const ms = performance.now();
    status.textContent = `DuckDB ready (${Math.round(ms)} ms; ${names.length} tables, ${(bytes / 1e6).toFixed(1)} MB)`;
    status.dataset.status = "ready";
    status.dataset.openMs = String(Math.round(openMs));
    status.dataset.ms = String(Math.round(ms));
    document.documentElement.dataset.workbenchReady = String(Math.round(ms));
    return conn;
  });
  engine.catch((error) => {
    status.textContent = `DuckDB failed to start: ${error.message}`;
    status.dataset.status = "error";
  });

  // ---- cells --------------------------------------------------------------------
  function createCell(sql) {
    const id = nextId++;
    const label = h("span", {className: "wb-cell-label"});
    const run = button("Run", {"data-run": "", className: "wb-run", title: "Run (Ctrl/Cmd+Enter)"});
    const cancelButton = button("Cancel", {"data-cancel": "", hidden: true});
    const state = h("span", {className: "wb-cell-state", "data-cell-status": ""});
    const up = button("↑", {"data-move-up": "", title: "Move up", "aria-label": "Move cell up"});
    const down = button("↓", {"data-move-down": "", title: "Move down", "aria-label": "Move cell down"});
    const remove = button("✕", {"data-remove": "", title: "Remove cell", "aria-label": "Remove cell"});
    const editorHost = h("div", {className: "wb-editor", "data-cell-editor": ""});
    const error = h("pre", {className: "wb-error", "data-error": "", role: "alert", hidden: true});
    const rowCount = h("span", {"data-row-count": ""});
    const elapsed = h("span", {"data-elapsed": ""});
    const csv = button("CSV", {"data-export-csv": "", title: "Download the result as CSV"});
    const parquet = button("Parquet", {"data-export-parquet": "", title: "Download the result as Parquet (re-runs the query)"});
    const meta = h("div", {className: "wb-meta", hidden: true}, rowCount, elapsed, h("span", {className: "wb-spacer"}), h("span", {className: "wb-export"}, "Export ", csv, " ", parquet));
    const resultHost = h("div", {"data-result": ""});
    const chartHost = h("div", {className: "wb-chart", "data-chart": ""});
    const element = h(
      "section",
      {className: "wb-cell", "data-cell": "", "data-cell-id": String(id), "data-state": "idle"},
      h("header", {className: "wb-cell-head"}, label, run, cancelButton, state, h("span", {className: "wb-spacer"}), up, down, remove),
      editorHost,
      error,
      meta,
      resultHost,
      chartHost
    );
    const cell = {id, sql, element, view: null, controller: null, result: null, ran: null, runs: 0, label, parts: {run, cancelButton, state, error, meta, rowCount, elapsed, resultHost, chartHost, parquet}};
    cell.view = createSqlEditor(editorHost, {
      doc: sql,
      schema: completionSchema,
      onRun: () => runCell(cell),
      onChange: (doc) => {
        cell.sql = doc;
        updateLabels();
        scheduleSave(250);
      },
      onFocus: () => (lastFocused = cell)
    });
    run.addEventListener("click", () => runCell(cell));
    cancelButton.addEventListener("click", () => cell.controller?.abort());
    up.addEventListener("click", () => moveCell(cell, -1));
    down.addEventListener("click", () => moveCell(cell, +1));
    remove.addEventListener("click", () => removeCell(cell));
    csv.addEventListener("click", () => {
      if (cell.result) download(`strata-cell-${cellIndex(cell) + 1}.csv`, new Blob([toCsv(cell.result)], {type: "text/csv"}));
    });
    parquet.addEventListener("click", () => exportParquet(cell));
    return cell;
  }

  const cellIndex = (cell) => cells.indexOf(cell);

  function updateLabels() {
    cells.forEach((cell, i) => {
      const title = titleBySql.get(cell.sql.trim());
      cell.label.textContent = title ? `[${i + 1}] ${title}` : `[${i + 1}]`;
      cell.element.dataset.cellIndex = String(i);
      cell.element.querySelector("[data-move-up]").disabled = i === 0;
      cell.element.querySelector("[data-move-down]").disabled = i === cells.length - 1;
    });
  }

  function setCells(sqls, {save = true} = {}) {
    for (const cell of cells) {
      cell.controller?.abort();
      cell.view.destroy();
    }
    lastFocused = null;
    cells = sqls.map(createCell);
    cellList.replaceChildren(...cells.map((c) => c.element));
    updateLabels();
    if (save) scheduleSave();
  }

  function addCell(sql = "", {after = cells.length - 1} = {}) {
    const cell = createCell(sql);
    cells.splice(after + 1, 0, cell);
    cellList.insertBefore(cell.element, cells[after + 2]?.element ?? null);
    updateLabels();
    scheduleSave();
    cell.view.focus();
    return cell;
  }

  function removeCell(cell) {
    const i = cellIndex(cell);
    if (i < 0) return;
    cell.controller?.abort();
    cell.view.destroy();
    cell.element.remove();
    cells.splice(i, 1);
    if (lastFocused === cell) lastFocused = null;
    updateLabels();
    scheduleSave();
  }

  function moveCell(cell, delta) {
    const i = cellIndex(cell);
    const j = i + delta;
    if (i < 0 || j < 0 || j >= cells.length) return;
    [cells[i], cells[j]] = [cells[j], cells[i]];
    cellList.insertBefore(cells[Math.min(i, j)].element, cells[Math.max(i, j)].element);
    updateLabels();
    scheduleSave();
    cell.element.querySelector(delta < 0 ? "[data-move-up]" : "[data-move-down]").focus();
  }

  function setState(cell, state, text = "") {
    cell.element.dataset.state = state;
    cell.parts.state.textContent = text;
    const busy = state === "queued" || state === "running";
    cell.parts.run.disabled = busy;
    cell.parts.cancelButton.hidden = !busy;
  }

  /** Run on the page's single connection, one query at a time. */
  function enqueue(task) {
    const next = queue.then(task, task);
    queue = next.catch(() => {});
    return next;
  }

  function runCell(cell) {
    if (cell.controller) return cell.done; // already queued or running
    const sql = cell.sql;
    const controller = (cell.controller = new AbortController());
    setState(cell, "queued", status.dataset.status === "ready" ? "" : "waiting for DuckDB…");
    cell.done = enqueue(async () => {
      const {error, meta} = cell.parts;
      try {
        const conn = await engine;
        controller.signal.throwIfAborted();
        setState(cell, "running", "running…");
        if (!sql.trim()) throw new Error("Nothing to run: the cell is empty.");
        const {table, ms} = await query(conn, sql, {signal: controller.signal});
        const result = resultFromArrow(table);
        cell.result = result;
        cell.ran = sql;
        error.hidden = true;
        error.textContent = "";
        showResult(cell, result, ms);
        setState(cell, "done");
      } catch (e) {
        const aborted = e?.name === "AbortError";
        setState(cell, aborted ? "cancelled" : "error", aborted ? "cancelled" : "");
        if (!aborted) {
          error.textContent = e?.message ?? String(e);
          error.hidden = false;
          meta.hidden = true;
          cell.parts.resultHost.replaceChildren();
          cell.parts.chartHost.replaceChildren();
          cell.result = null;
        }
      } finally {
        cell.controller = null;
        cell.element.dataset.runs = String(++cell.runs);
      }
    });
    return cell.done;
  }

  function showResult(cell, result, ms) {
    const {meta, rowCount, elapsed, resultHost, chartHost} = cell.parts;
    const n = result.rows.length;
    rowCount.textContent = `${n.toLocaleString("en-US")} row${n === 1 ? "" : "s"}`;
    rowCount.dataset.rows = String(n);
    elapsed.textContent = `${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms`;
    elapsed.dataset.ms = ms.toFixed(2);
    meta.hidden = false;
    resultHost.replaceChildren(renderTable(result));
    chartHost.replaceChildren();
    const width = Math.max(280, Math.min(900, resultHost.clientWidth || 640));
    renderChart(result, width)
      .then((chart) => {
        if (chart && cell.result === result) chartHost.replaceChildren(h("details", {open: true}, h("summary", {}, "Chart"), chart));
      })
      .catch((e) => console.warn("workbench chart:", e));
  }

  async function exportParquet(cell) {
    const sql = cell.ran;
    if (sql == null) return;
    const {parquet, error} = cell.parts;
    parquet.disabled = true;
    const label = parquet.textContent;
    parquet.textContent = "Parquet…";
    try {
      // Re-run the query for its Arrow IPC bytes (DuckDB's own serialisation, which
      // keeps exact types), then write those with parquet-wasm.
      const [{db, conn}, {arrowIpcToParquet}] = await Promise.all([
        enqueue(async () => (await engine, openDuckDB())),
        import("./parquet-export.js")
      ]);
      const ipc = await enqueue(() => db.runQuery(conn._conn, sql));
      const bytes = await arrowIpcToParquet(ipc);
      download(`strata-cell-${cellIndex(cell) + 1}.parquet`, new Blob([bytes], {type: "application/vnd.apache.parquet"}));
    } catch (e) {
      error.textContent = `Parquet export failed: ${e?.message ?? e}`;
      error.hidden = false;
    } finally {
      parquet.disabled = false;
      parquet.textContent = label;
    }
  }

  // ---- notebook state: URL hash + localStorage ---------------------------------------
  let saveTimer = null;
  let lastHash = null;
  /** Typing is saved 250 ms after the last keystroke; structural changes at once. */
  function scheduleSave(delay = 0) {
    clearTimeout(saveTimer);
    saveTimer = setTimeout(saveNow, delay);
  }
  async function saveNow() {
    clearTimeout(saveTimer);
    const sqls = cells.map((c) => c.sql);
    storeNotebook(sqls);
    const fragment = await encodeNotebook(sqls);
    lastHash = `#${fragment}`;
    if (location.hash !== lastHash) history.replaceState(history.state, "", lastHash);
    root.dataset.savedCells = String(sqls.length);
  }

  window.addEventListener("hashchange", async () => {
    if (location.hash === lastHash) return;
    const sqls = await decodeNotebook(location.hash);
    if (!sqls) return;
    setCells(sqls);
    root.dataset.notebookSource = "url";
  });

  // ---- toolbar and schema ----------------------------------------------------------
  runAllButton.addEventListener("click", () => {
    for (const cell of cells) runCell(cell);
  });
  addButton.addEventListener("click", () => addCell("", {after: lastFocused ? cellIndex(lastFocused) : cells.length - 1}));
  addBottom.addEventListener("click", () => addCell(""));
  let resetArmed = null;
  resetButton.addEventListener("click", () => {
    if (!resetArmed) {
      resetButton.textContent = "Click again to replace every cell";
      resetButton.classList.add("wb-armed");
      resetArmed = setTimeout(disarm, 4000);
      return;
    }
    disarm();
    setCells(defaults);
  });
  function disarm() {
    clearTimeout(resetArmed);
    resetArmed = null;
    resetButton.textContent = "Reset to Phase 2 queries";
    resetButton.classList.remove("wb-armed");
  }
  linkButton.addEventListener("click", async () => {
    await saveNow();
    try {
      await navigator.clipboard.writeText(location.href);
      linkButton.textContent = "Link copied";
    } catch {
      linkButton.textContent = "Copy the address bar";
    }
    setTimeout(() => (linkButton.textContent = "Copy link"), 2000);
  });
  // mousedown's default would move focus off the editor, losing its cursor.
  schemaPanel.addEventListener("mousedown", (event) => {
    if (event.target.closest("[data-insert]")) event.preventDefault();
  });
  schemaPanel.addEventListener("click", (event) => {
    const target = event.target.closest("[data-insert]");
    if (!target) return;
    const cell = lastFocused && cells.includes(lastFocused) ? lastFocused : cells[0] ?? addCell("");
    insertAtCursor(cell.view, target.dataset.insert);
  });

  // ---- start -------------------------------------------------------------------------
  const ready = (async () => {
    const fromHash = await decodeNotebook(location.hash);
    const initial = fromHash ?? loadStoredNotebook() ?? defaults;
    setCells(initial, {save: false});
    await saveNow();
    root.dataset.notebookSource = fromHash ? "url" : initial === defaults ? "default" : "storage";
  })();

  const api = {
    ready,
    engine,
    cells: () => cells.map((c) => c.sql),
    run: (index) => runCell(cells[index]),
    /** Results as JSON-safe values: numbers stay numbers, times become DuckDB-style text. */
    results: () =>
      cells.map((c) =>
        c.result
          ? {
              columns: c.result.columns.map((col) => ({name: col.name, kind: col.kind, type: col.type})),
              rows: c.result.rows.map((row) =>
                row.map((v, j) =>
                  v === null ? null : typeof v === "number" || typeof v === "boolean" || typeof v === "string" ? v : formatValue(v, c.result.columns[j].kind)
                )
              )
            }
          : null
      ),
    setCells
  };
  window.strataWorkbench = api;
  return api;
}

/** The schema browser: every published table, grouped by domain (in `domains` order), with its description, row count and columns. */
function renderSchema(schema, domains = []) {
  const titles = new Map(domains.map((d) => [d.id, d.title]));
  const order = [...new Set([...domains.map((d) => d.id), ...schema.map((t) => t.domain)])];
  const groups = order
    .map((id) => ({id, title: titles.get(id) ?? id ?? "Other tables", tables: schema.filter((t) => t.domain === id)}))
    .filter((g) => g.tables.length);
  const tableItem = (table) => {
    const columns = h(
      "ul",
      {className: "wb-schema-columns"},
      ...table.columns.map((column) =>
        h(
          "li",
          {},
          button(column.name, {className: "wb-ident", "data-insert": sqlIdentifier(column.name), "data-schema-column": `${table.table}.${column.name}`, title: `Insert ${column.name}`}),
          h("span", {className: "wb-type"}, column.type)
        )
      )
    );
    return h(
      "li",
      {"data-schema-table": table.table},
      h(
        "details",
        {open: table.table === "streams"},
        h(
          "summary",
          {},
          button(table.table, {className: "wb-ident wb-table-name", "data-insert": sqlIdentifier(table.table), title: `Insert ${table.table}`}),
          h("span", {className: "wb-rows", "data-schema-rows": String(table.rows)}, `${table.rows.toLocaleString("en-US")} rows`),
          table.description ? h("span", {className: "wb-table-desc", "data-schema-description": ""}, table.description) : null
        ),
        columns
      )
    );
  };
  return h(
    "aside",
    {className: "wb-schema", "data-schema": "", "aria-label": "Tables"},
    h("h2", {}, "Tables"),
    h("p", {className: "wb-hint"}, "Click a name to insert it at the cursor."),
    ...groups.map((g) =>
      h(
        "section",
        {className: "wb-schema-domain", "data-schema-domain": g.id ?? ""},
        h("h3", {}, g.title),
        h("ul", {className: "wb-schema-tables"}, ...g.tables.map(tableItem))
      )
    )
  );
}
