// Parquet export for workbench results, through parquet-wasm, loaded on first use.
//
// parquet-wasm's ESM build fetches its wasm from `new URL("parquet_wasm_bg.wasm",
// import.meta.url)` by default; Framework bundles the module into dist/_node but
// doesn't know about that URL. import.meta.resolve() here makes Framework copy the
// wasm into dist/_node (as duckdb.js does for DuckDB's) and gives its relative URL,
// which is passed to init() explicitly, so the export works offline and under any base.
const WASM_URL = import.meta.resolve("parquet-wasm/esm/parquet_wasm_bg.wasm");

let loading;

function loadParquetWasm() {
  return (loading ??= (async () => {
    const parquet = await import("parquet-wasm/esm");
    await parquet.default({module_or_path: WASM_URL});
    return parquet;
  })());
}

/**
 * Arrow IPC stream bytes (as DuckDB-WASM's runQuery returns them) → Parquet file bytes
 * (zstd-compressed).
 * @param {Uint8Array} ipc
 * @returns {Promise<Uint8Array>}
 */
export async function arrowIpcToParquet(ipc) {
  const parquet = await loadParquetWasm();
  const table = parquet.Table.fromIPCStream(ipc);
  const properties = new parquet.WriterPropertiesBuilder().setCompression(parquet.Compression.ZSTD).build();
  return parquet.writeParquet(table, properties);
}
