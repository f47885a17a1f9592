// DuckDB-WASM's worker, in a module that imports nothing: a page can start the worker (a 755 kB
// script to fetch and evaluate) as soon as Framework's runtime runs its first cell, about 250 ms
// before duckdb.js and the apache-arrow it imports have loaded. The worker then sits idle until
// duckdb.js sends it the wasm to instantiate.
//
// Framework re-bundles the worker script as an ES module, hence `type: "module"` (duckdb-wasm's
// own createWorker would load it as a classic script and fail).
const WORKER_URL = import.meta.resolve("@duckdb/duckdb-wasm/dist/duckdb-browser-eh.worker.js");

let worker;

/** The page's DuckDB worker, created on first call. */
export function startDuckDBWorker() {
  return (worker ??= new Worker(WORKER_URL, {type: "module"}));
}
