// Self-hosted DuckDB-WASM, replacing Framework's `sql` / DuckDBClient (which fetch
// duckdb-wasm and its extensions from jsDelivr / extensions.duckdb.org at build time).
//
// Framework treats bare specifiers in local modules as node_modules imports: the ESM
// bundle is rolled up into dist/_node/, and `import.meta.resolve` on a package file
// copies it there (the .wasm verbatim; the worker .js re-bundled as an ES module, see
// duckdb-worker.js). All resulting URLs are relative to this module, so
// the site works under any base path.
//
// The ESM bundle is imported by its extensionless export ("./dist/duckdb-browser"):
// Framework 1.13 copies a resolved ".mjs" verbatim without hashing its dependencies,
// so the "duckdb-browser.mjs" specifier yields an import of a file dist/ lacks.
//
// Only the "eh" build (wasm exception handling: Chrome 95+, Firefox 100+, Safari 15.2+)
// is shipped; the "mvp" fallback would add another 39 MB to dist for no current browser.
//
// Note: duckdb-wasm 1.32 pins its own apache-arrow (17), so result Tables come from
// that copy. Don't mix them with tables built from a page's `import "apache-arrow"`
// (21); hand DuckDB bytes (insertArrowFromIPCStream), not Table objects.
import * as duckdb from "@duckdb/duckdb-wasm/dist/duckdb-browser";
import {startDuckDBWorker} from "./duckdb-worker.js";

const WASM_URL = import.meta.resolve("@duckdb/duckdb-wasm/dist/duckdb-eh.wasm");

let opening;

/**
 * The page's DuckDB instance and a connection to it, created on first call (the worker
 * and the 35 MB wasm are fetched once per page load).
 * @returns {Promise<{db: duckdb.AsyncDuckDB, conn: duckdb.AsyncDuckDBConnection, Table: Function}>}
 */
export function openDuckDB() {
  return (opening ??= (async () => {
    const worker = startDuckDBWorker(); // the page may have started it already
    // VoidLogger: the ConsoleLogger logs every query, which drowns real console errors.
    const db = new duckdb.AsyncDuckDB(new duckdb.VoidLogger(), worker);
    await db.instantiate(WASM_URL);
    const conn = await db.connect();
    // The Table class of duckdb-wasm's own apache-arrow copy, needed to assemble the
    // batches of a cancellable query (see note above); this also warms up the engine.
    const Table = (await conn.query("select 1 as one")).constructor;
    return {db, conn, Table};
  })());
}

/**
 * Fetch an Arrow IPC stream file and (re)create table `name` from it.
 * @returns {Promise<{name: string, bytes: number, ms: number}>}
 */
export async function loadArrowTable(conn, name, url) {
  const start = performance.now();
  const response = await fetch(url);
  if (!response.ok) throw new Error(`fetch ${url}: ${response.status} ${response.statusText}`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  const size = bytes.byteLength; // read now: the buffer is transferred to the worker
  await conn.query(`drop table if exists ${quoteIdentifier(name)}`);
  await conn.insertArrowFromIPCStream(bytes, {name, create: true});
  return {name, bytes: size, ms: performance.now() - start};
}

/**
 * Run `sql` and return the result as an apache-arrow Table plus wall time in ms.
 * Aborting `signal` cancels the query in DuckDB and rejects with an AbortError.
 * @param {{signal?: AbortSignal}} [options]
 * @returns {Promise<{table: import("apache-arrow").Table, ms: number}>}
 */
export async function query(conn, sql, {signal} = {}) {
  const {Table} = await openDuckDB();
  signal?.throwIfAborted();
  const start = performance.now();
  // conn.query() runs to completion inside the worker; conn.send() executes in polled
  // steps, which is what lets cancelSent() interrupt it.
  const onAbort = () => conn.cancelSent();
  signal?.addEventListener("abort", onAbort, {once: true});
  try {
    const reader = await conn.send(sql);
    const batches = [];
    for await (const batch of reader) batches.push(batch);
    signal?.throwIfAborted();
    const table = batches.length ? new Table(batches) : new Table(reader.schema);
    return {table, ms: performance.now() - start};
  } catch (error) {
    signal?.throwIfAborted(); // report the abort, not DuckDB's "query interrupted"
    throw error;
  } finally {
    signal?.removeEventListener("abort", onAbort);
  }
}

/** Cancel the query currently running on `conn`, if any; resolves to whether one was. */
export function cancel(conn) {
  return conn.cancelSent();
}

export function quoteIdentifier(name) {
  return `"${String(name).replaceAll('"', '""')}"`;
}
