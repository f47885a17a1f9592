// The workbench's engine: DuckDB-WASM with every published table loaded. Its own small module
// (it imports only duckdb.js), so the page can start the 35 MB wasm and the table downloads
// before the editor, charts and the rest of the workbench have loaded.
import {openDuckDB, quoteIdentifier} from "./duckdb.js";

let starting;
export const progress = Object.assign(new EventTarget(), {opened: false, loaded: 0});

/**
 * Open DuckDB and load every table, starting the table downloads at once, in parallel
 * with DuckDB's 35 MB wasm (the page calls this before anything else; mountWorkbench()
 * gets the same promise).
 * @param {Record<string, string>} tableUrls
 * @param {{name: string, sql: string}[]} [views] the marts: created once every table is in
 * @returns {Promise<{conn: any, openMs: number, bytes: number}>}
 */
export function startEngine(tableUrls, views = []) {
  return (starting ??= (async () => {
    const downloads = Object.entries(tableUrls).map(async ([name, url]) => {
      const response = await fetch(url);
      if (!response.ok) throw new Error(`fetch ${url}: ${response.status} ${response.statusText}`);
      return {name, bytes: new Uint8Array(await response.arrayBuffer())};
    });
    downloads.forEach((d) => d.catch(() => {})); // reported below, once DuckDB is open
    const {conn} = await openDuckDB();
    const openMs = performance.now();
    progress.opened = true;
    progress.dispatchEvent(new Event("change"));
    const sizes = await Promise.all(
      downloads.map(async (download) => {
        const {name, bytes} = await download;
        const size = bytes.byteLength; // read now: the buffer is transferred to the worker
        await conn.query(`drop table if exists ${quoteIdentifier(name)}`);
        await conn.insertArrowFromIPCStream(bytes, {name, create: true});
        progress.loaded++;
        progress.dispatchEvent(new Event("change"));
        return size;
      })
    );
    for (const {name, sql} of views) await conn.query(`create or replace view ${quoteIdentifier(name)} as ${sql}`);
    return {conn, openMs, bytes: sizes.reduce((a, b) => a + b, 0)};
  })());
}

