// The SQL workbench: a notebook of SQL cells run by the page's own DuckDB-WASM over the
// published tables, with a schema browser, sortable results, quick charts and exports, and this
// browser's list of saved notebooks.
//
// Test hooks (see test/browser/workbench.test.ts): the root is [data-workbench] with
// [data-notebook-source=url|storage|default] and [data-notebook-id]; the status line is
// #wb-status[data-status=loading|ready|error]; the notebook list is [data-notebook-select] (an
// <option> per saved notebook, value = its id) with [data-new-notebook], [data-rename-notebook]
// (then [data-notebook-name]) and [data-delete-notebook]; [data-notebook-message][data-kind=
// error|info] says what a link did or why it could not be read. Each cell is
// [data-cell][data-cell-id][data-state=idle|queued|running|done|error|cancelled]
// [data-runs=<finished runs>] with
// [data-run], [data-cancel], [data-move-up], [data-move-down], [data-remove],
// [data-error][data-position], [data-row-count], [data-elapsed][data-ms], [data-result] (a table),
// [data-chart][data-chart-state=pending|shown|none|failed] (its svg has data-measure and data-by), [data-export-csv], [data-export-parquet];
// the editor marks an error's position with .cm-sql-error. A removed cell can be brought back
// with [data-undo-remove] (in [data-undo-bar]). The schema browser has a
// [data-schema-domain=<id>] section per domain (its title in an <h3>) holding a
// [data-schema-table=<name>] item per table, with [data-schema-rows] and
// [data-schema-description]. <html data-workbench-ready> holds the ms from navigation
// start at which DuckDB had every table loaded. window.strataWorkbench exposes the
// cells' SQL and results as JSON-safe values.
import {openDuckDB, query} from "./duckdb.js";
import {progress, startEngine} from "./engine.js";
import {
  cleanName,
  encodeNotebook,
  isNotebookHash,
  loadStore,
  newNotebook,
  readNotebookLink,
  removeStoredNotebook,
  sameCells,
  storeNotebook,
  uniqueName
} from "./notebook-state.js";
import {download, formatValue, renderChart, renderTable, resultFromArrow, toCsv} from "./results.js";
import {closeCompletion, createSqlEditor, insertAtCursor, markError} from "./sql-editor.js";
import {describeSqlError} from "./sql-error.js";

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

const DEFAULT_NAME = "My notebook";

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
  /** @type {{id: number, sql: string, element: HTMLElement, view: any, controller: AbortController | null, result: any, shownRows: any[] | null, ran: string | null}[]} */
  let cells = [];
  let nextId = 1;
  let lastFocused = null;
  let queue = Promise.resolve();
  /** The open notebook: its id in this browser's list and its name. */
  let notebook = {id: "", name: DEFAULT_NAME};
  /** Removed cells, most recent last, until undone or the notebook changes. */
  let removed = [];

  // ---- layout -------------------------------------------------------------------
  const status = h("span", {id: "wb-status", "data-status": "loading", role: "status"}, "Loading DuckDB…");
  const runAllButton = button("Run all", {"data-run-all": "", title: "Run every cell, top to bottom"});
  const addButton = button("+ Add cell", {"data-add-cell": ""});
  const resetButton = button("Reset to Phase 2 queries", {"data-reset": ""});
  const linkButton = button("Copy link", {"data-copy-link": "", title: "The notebook is in the URL: share it"});
  const toolbar = h("div", {className: "wb-toolbar"}, status, h("span", {className: "wb-spacer"}), runAllButton, addButton, linkButton);

  const notebookSelect = h("select", {"data-notebook-select": "", id: "wb-notebook", title: "Your notebooks, saved in this browser"});
  const nameInput = h("input", {type: "text", "data-notebook-name": "", hidden: true, maxLength: 80, "aria-label": "Notebook name"});
  const newButton = button("New", {"data-new-notebook": "", title: "A new notebook beside the others"});
  const renameButton = button("Rename", {"data-rename-notebook": ""});
  const deleteButton = button("Delete", {"data-delete-notebook": "", title: "Delete this notebook from this browser"});
  const notebookBar = h(
    "div",
    {className: "wb-notebooks", "data-notebooks": ""},
    h("label", {htmlFor: "wb-notebook", className: "wb-notebooks-label"}, "Notebook"),
    notebookSelect,
    nameInput,
    renameButton,
    newButton,
    deleteButton,
    resetButton
  );
  const messageText = h("span", {"data-notebook-message-text": ""});
  const messageClose = button("✕", {"aria-label": "Dismiss", title: "Dismiss", className: "wb-message-close"});
  const message = h("div", {className: "wb-message", "data-notebook-message": "", hidden: true}, messageText, messageClose);
  const undoText = h("span", {});
  const undoButton = button("Undo", {"data-undo-remove": "", title: "Bring the cell back where it was"});
  const undoClose = button("✕", {"aria-label": "Dismiss", title: "Dismiss", className: "wb-message-close"});
  const undoBar = h("div", {className: "wb-undo", "data-undo-bar": "", role: "status", hidden: true}, undoText, undoButton, undoClose);

  const cellList = h("div", {className: "wb-cells", "data-cells": ""});
  const addBottom = button("+ Add cell", {className: "wb-add-bottom", "data-add-cell-bottom": ""});
  const schemaPanel = renderSchema(schema, domains);
  root.replaceChildren(
    h("div", {className: "wb-layout"}, schemaPanel, h("div", {className: "wb-main"}, notebookBar, message, toolbar, undoBar, cellList, addBottom))
  );

  function showMessage(kind, text) {
    message.dataset.kind = kind;
    message.setAttribute("role", kind === "error" ? "alert" : "status");
    messageText.textContent = text;
    message.hidden = false;
  }
  messageClose.addEventListener("click", () => (message.hidden = true));

  // ---- DuckDB: opened and loaded as soon as the page runs --------------------------
  const names = Object.keys(tableUrls);
  const showProgress = () => {
    if (progress.opened && status.dataset.status === "loading") status.textContent = `Loading tables (${progress.loaded}/${names.length})…`;
  };
  progress.addEventListener("change", showProgress);
  showProgress();
  const engine = startEngine(tableUrls).then(({conn, openMs, bytes}) => {
    const ms = performance.now();
    status.textContent = `DuckDB ready (${Math.round(ms)} ms; ${names.length} table${names.length === 1 ? "" : "s"}, ${(bytes / 1e6).toFixed(1)} MB)`;
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
    const remove = button("✕", {"data-remove": "", title: "Remove cell (it can be undone)", "aria-label": "Remove cell"});
    const editorHost = h("div", {className: "wb-editor", "data-cell-editor": ""});
    const error = h("pre", {className: "wb-error", "data-error": "", role: "alert", hidden: true});
    const rowCount = h("span", {"data-row-count": ""});
    const elapsed = h("span", {"data-elapsed": ""});
    const csv = button("CSV", {"data-export-csv": "", title: "Download the result as CSV, in the table's order"});
    const parquet = button("Parquet", {"data-export-parquet": "", title: "Download the result as Parquet (re-runs the query; rows in the query's order)"});
    const meta = h("div", {className: "wb-meta", hidden: true}, rowCount, elapsed, h("span", {className: "wb-spacer"}), h("span", {className: "wb-export"}, "Export ", csv, " ", parquet));
    const resultHost = h("div", {"data-result": ""});
    const chartHost = h("div", {className: "wb-chart", "data-chart": ""});
    const element = h(
      "section",
      {className: "wb-cell", "data-cell": "", "data-cell-id": String(id), "data-state": "idle"},
      h("header", {className: "wb-cell-head"}, label, h("span", {className: "wb-cell-actions"}, run, cancelButton, state, h("span", {className: "wb-spacer"}), up, down, remove)),
      editorHost,
      error,
      meta,
      resultHost,
      chartHost
    );
    const cell = {id, sql, element, view: null, controller: null, result: null, shownRows: null, ran: null, runs: 0, label, parts: {run, cancelButton, state, error, meta, rowCount, elapsed, resultHost, chartHost, parquet}};
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
      // the rows as the table shows them: sorted by a header click, if there was one
      if (cell.result) download(`strata-cell-${cellIndex(cell) + 1}.csv`, new Blob([toCsv({columns: cell.result.columns, rows: cell.shownRows ?? cell.result.rows})], {type: "text/csv"}));
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

  function destroyCell(cell) {
    cell.controller?.abort();
    cell.view.destroy();
  }

  function setCells(sqls, {save = true} = {}) {
    for (const cell of cells) destroyCell(cell);
    clearRemoved();
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

  /** Takes the cell out of the notebook, keeping it (editor, result) so that Undo can put it back. */
  function removeCell(cell) {
    const i = cellIndex(cell);
    if (i < 0) return;
    cell.controller?.abort();
    cell.element.remove();
    cells.splice(i, 1);
    if (lastFocused === cell) lastFocused = null;
    removed.push({cell, index: i});
    showUndo();
    updateLabels();
    scheduleSave();
  }

  function undoRemove() {
    const last = removed.pop();
    if (!last) return;
    const index = Math.min(last.index, cells.length);
    cells.splice(index, 0, last.cell);
    cellList.insertBefore(last.cell.element, cells[index + 1]?.element ?? null);
    updateLabels();
    scheduleSave();
    showUndo();
    last.cell.element.scrollIntoView({block: "nearest"});
  }

  function showUndo() {
    const last = removed.at(-1);
    undoBar.hidden = !last;
    if (!last) return;
    const title = titleBySql.get(last.cell.sql.trim());
    const more = removed.length > 1 ? ` (${removed.length} removed cells can be brought back)` : "";
    undoText.textContent = `Removed cell ${last.index + 1}${title ? ` (${title})` : ""}.${more}`;
  }

  function clearRemoved() {
    for (const {cell} of removed) destroyCell(cell);
    removed = [];
    showUndo();
  }

  undoButton.addEventListener("click", undoRemove);
  undoClose.addEventListener("click", clearRemoved);

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
    closeCompletion(cell.view);
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
        cell.shownRows = null;
        cell.ran = sql;
        error.hidden = true;
        error.textContent = "";
        delete error.dataset.position;
        markError(cell.view, null);
        showResult(cell, result, ms);
        setState(cell, "done");
      } catch (e) {
        const aborted = e?.name === "AbortError";
        setState(cell, aborted ? "cancelled" : "error", aborted ? "cancelled" : "");
        if (!aborted) {
          // DuckDB's message as text (a parser error comes as JSON), its position marked in the SQL
          const {message, position} = describeSqlError(e?.message ?? String(e), sql);
          error.textContent = message;
          if (position == null) delete error.dataset.position;
          else error.dataset.position = String(position);
          error.hidden = false;
          // only while the text is still the one that ran
          if (cell.view.state.doc.toString() === sql) markError(cell.view, position, message);
          meta.hidden = true;
          cell.parts.resultHost.replaceChildren();
          cell.parts.chartHost.replaceChildren();
          cell.result = null;
          cell.shownRows = null;
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
    resultHost.replaceChildren(renderTable(result, {onSort: (rows) => (cell.result === result ? (cell.shownRows = rows) : null)}));
    chartHost.replaceChildren();
    chartHost.dataset.chartState = "pending";
    const width = Math.max(280, Math.min(900, resultHost.clientWidth || 640));
    renderChart(result, width)
      .then((chart) => {
        if (cell.result !== result) return;
        if (chart) chartHost.replaceChildren(h("details", {open: true}, h("summary", {}, "Chart"), chart));
        chartHost.dataset.chartState = chart ? "shown" : "none";
      })
      .catch((e) => {
        console.warn("workbench chart:", e);
        if (cell.result === result) chartHost.dataset.chartState = "failed";
      });
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

  // ---- notebooks: this browser's list, and the open one in the URL ---------------------
  let saveTimer = null;
  let lastHash = null;
  let saving = 0;
  /** Typing is saved 250 ms after the last keystroke; structural changes at once. */
  function scheduleSave(delay = 0) {
    clearTimeout(saveTimer);
    saveTimer = setTimeout(saveNow, delay);
  }
  async function saveNow() {
    clearTimeout(saveTimer);
    const token = ++saving;
    const sqls = cells.map((c) => c.sql);
    const store = storeNotebook({id: notebook.id, name: notebook.name, cells: sqls});
    renderNotebookList(store);
    const fragment = await encodeNotebook(sqls, notebook.name);
    if (token !== saving) return; // a later save (or another notebook) has the URL
    lastHash = `#${fragment}`;
    if (location.hash !== lastHash) history.replaceState(history.state, "", lastHash);
    root.dataset.savedCells = String(sqls.length);
  }

  function renderNotebookList(store = loadStore()) {
    const list = store.notebooks.some((nb) => nb.id === notebook.id) ? store.notebooks : [...store.notebooks, notebook];
    notebookSelect.replaceChildren(...list.map((nb) => h("option", {value: nb.id, selected: nb.id === notebook.id}, nb.name)));
    notebookSelect.value = notebook.id;
    root.dataset.notebooks = String(list.length);
  }

  /** Shows `nb` (a saved notebook, or a new one, which this saves). */
  async function openNotebook(nb, source) {
    notebook = {id: nb.id, name: nb.name};
    setCells(nb.cells, {save: false});
    root.dataset.notebookSource = source;
    root.dataset.notebookId = nb.id;
    cancelRename();
    disarm();
    await saveNow();
  }

  /**
   * Opens the notebook of the URL's #nb= link beside the saved ones: the saved notebook with the
   * same cells if there is one (your own link, a reload), else a new notebook named "Shared: …".
   * A link that cannot be read is said so, and changes nothing. Returns whether a notebook opened.
   */
  async function openLink() {
    const link = await readNotebookLink(location.hash);
    if (!link) return false;
    if ("error" in link) {
      showMessage("error", `The notebook in this link could not be opened: ${link.error}. Your notebooks are as they were.`);
      return false;
    }
    await flushSave();
    const store = loadStore();
    const same = store.notebooks.find((nb) => sameCells(nb.cells, link.cells));
    if (same) {
      if (same.id !== notebook.id) {
        await openNotebook(same, "url");
        // a reload of the open notebook's own address needs no word
        if (same.id !== store.current) showMessage("info", `This link holds your notebook “${same.name}”: it is open.`);
      } else root.dataset.notebookSource = "url";
      return true;
    }
    const name = uniqueName(`Shared: ${link.name ?? "notebook"}`, store.notebooks);
    await openNotebook(newNotebook(name, link.cells), "url");
    const others = store.notebooks.length;
    showMessage(
      "info",
      others
        ? `Opened the link's notebook as “${name}”, beside your ${others === 1 ? "notebook" : `${others} notebooks`}, which ${others === 1 ? "is" : "are"} as before: switch in the list above.`
        : `Opened the link's notebook as “${name}”, saved in this browser's list of notebooks.`
    );
    return true;
  }

  /** Saves pending typing into the open notebook before another one opens. */
  async function flushSave() {
    if (notebook.id && cells.length) await saveNow();
  }

  window.addEventListener("hashchange", async () => {
    if (location.hash === lastHash || !isNotebookHash(location.hash)) return;
    const opened = await openLink();
    if (!opened && lastHash) history.replaceState(history.state, "", lastHash);
  });

  notebookSelect.addEventListener("change", async () => {
    const id = notebookSelect.value;
    await flushSave();
    const nb = loadStore().notebooks.find((n) => n.id === id);
    if (nb) {
      message.hidden = true;
      await openNotebook(nb, "storage");
    }
  });

  newButton.addEventListener("click", async () => {
    await flushSave();
    const store = loadStore();
    message.hidden = true;
    await openNotebook(newNotebook(uniqueName("Notebook", store.notebooks), [""]), "storage");
    cells[0]?.view.focus();
  });

  // Rename: the list gives way to a text field; Enter or leaving it keeps the name, Escape not.
  let renaming = false;
  renameButton.addEventListener("click", () => {
    renaming = true;
    nameInput.value = notebook.name;
    notebookSelect.hidden = true;
    renameButton.hidden = true;
    nameInput.hidden = false;
    nameInput.focus();
    nameInput.select();
  });
  function cancelRename() {
    renaming = false;
    nameInput.hidden = true;
    notebookSelect.hidden = false;
    renameButton.hidden = false;
  }
  async function commitRename() {
    if (!renaming) return;
    const name = cleanName(nameInput.value);
    cancelRename();
    if (!name || name === notebook.name) return;
    notebook.name = uniqueName(name, loadStore().notebooks.filter((nb) => nb.id !== notebook.id));
    await saveNow();
  }
  nameInput.addEventListener("keydown", (event) => {
    if (event.key === "Enter") commitRename();
    else if (event.key === "Escape") cancelRename();
  });
  nameInput.addEventListener("blur", commitRename);

  // Delete asks for a second click.
  let deleteArmed = null;
  deleteButton.addEventListener("click", async () => {
    if (!deleteArmed) {
      deleteButton.textContent = `Click again to delete “${notebook.name}”`;
      deleteButton.classList.add("wb-armed");
      deleteArmed = setTimeout(disarmDelete, 4000);
      return;
    }
    disarmDelete();
    clearTimeout(saveTimer);
    const store = removeStoredNotebook(notebook.id);
    const next = store.notebooks.find((nb) => nb.id === store.current);
    message.hidden = true;
    await openNotebook(next ?? newNotebook(DEFAULT_NAME, defaults), next ? "storage" : "default");
  });
  function disarmDelete() {
    clearTimeout(deleteArmed);
    deleteArmed = null;
    deleteButton.textContent = "Delete";
    deleteButton.classList.remove("wb-armed");
  }

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
    disarmDelete();
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

  // ---- start: the link's notebook, else the one open last time, else the Phase 2 queries ----
  const ready = (async () => {
    if (await openLink()) return;
    const store = loadStore();
    const current = store.notebooks.find((nb) => nb.id === store.current);
    if (current) await openNotebook(current, "storage");
    else await openNotebook(newNotebook(uniqueName(DEFAULT_NAME, store.notebooks), defaults), "default");
  })();

  const api = {
    ready,
    engine,
    cells: () => cells.map((c) => c.sql),
    run: (index) => runCell(cells[index]),
    /** The open notebook and the saved ones ({id, name, cells}). */
    notebook: () => ({...notebook}),
    notebooks: () => loadStore().notebooks.map(({id, name, cells}) => ({id, name, cells})),
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
