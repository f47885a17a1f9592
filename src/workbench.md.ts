// Page loader for the workbench (/workbench): the page's markdown, with the tables DuckDB-WASM
// loads written in from the source registry (data-loaders/sources/index.ts), grouped by domain,
// so a new source's tables appear here by registering the source. Framework publishes a file
// only for a literal FileAttachment("…") path, hence a page loader rather than a loop in the page.
// Tables whose source has never been loaded (nothing in the manifest) are left out, as in
// data/schema.json.
import { ensureWarehouse } from "../data-loaders/pipeline.ts";
import { publishedTables, sources } from "../data-loaders/sources/index.ts";
import { domains } from "../data-loaders/sources/source.ts";
import { readManifest } from "../data-loaders/warehouse/manifest.ts";
import { martsIn } from "../data-loaders/warehouse/marts.ts";

const manifest = readManifest(await ensureWarehouse());
const tables = publishedTables().filter((t) => manifest.tables[t.name]?.length);
// the sources' marts over those tables, the same views strata query has
const marts = martsIn(manifest).map(({ name, sql }) => ({ name, sql }));
const titles = new Map([...sources.map((s) => [s.domain.id, s.domain.title] as const), [domains.operations.id, domains.operations.title]]);
const domainList = [...new Set(tables.map((t) => t.domain))].map((id) => ({ id, title: titles.get(id) ?? id }));
const tableUrls = domainList
  .map((d) => [
    `  // ${d.title}`,
    ...tables.filter((t) => t.domain === d.id).map((t) => `  ${t.name}: FileAttachment("./data/tables/${t.name}.arrow").href,`),
  ].join("\n"))
  .join("\n");

process.stdout.write(`---
title: Workbench
toc: false
---

<link rel="stylesheet" href="./components/workbench.css">

# SQL workbench

Query the published tables with DuckDB, right in your browser: nothing is sent anywhere. Each cell runs with <kbd>Ctrl</kbd>/<kbd>⌘</kbd>+<kbd>Enter</kbd> (or its Run button); click a column header to sort. Your notebooks are saved in this browser, and the open one is in this page's address too: a copied link opens it for a colleague as a new notebook beside theirs, never over them. The schema browser lists every published table by domain, and the views (marts) over them, which \`strata query\` has too; a first notebook opens with the six Phase 2 queries behind the streaming report's answers.

<div id="workbench" data-workbench></div>

\`\`\`js
// First of all, DuckDB's worker script: its module imports nothing, so this cell runs as soon
// as the page does.
import {startDuckDBWorker} from "./components/duckdb-worker.js";
startDuckDBWorker();
\`\`\`

\`\`\`js
// Next, and on its own: DuckDB's wasm and the tables start downloading while the editor and
// the rest of the workbench load (engine.js imports nothing else).
import {startEngine} from "./components/engine.js";

// Literal paths, so Framework runs the loaders and publishes each file: every published table,
// by domain (written by the page loader, src/workbench.md.ts, from the source registry); then
// the sources' marts, created as views once the tables are in.
const tableUrls = {
${tableUrls}
};
startEngine(tableUrls, ${JSON.stringify(marts)});
\`\`\`

\`\`\`js
import {mountWorkbench} from "./components/workbench.js";

// The domains, in the registry's order, for the schema browser's groups.
const domains = ${JSON.stringify(domainList)};
const [questions, schema] = await Promise.all([
  FileAttachment("./data/questions.json").json(),
  FileAttachment("./data/schema.json").json()
]);
mountWorkbench(document.getElementById("workbench"), {questions, schema, tableUrls, domains});
\`\`\`
`);
