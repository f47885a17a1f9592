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
 * Arrow IPC bytes (file or stream format) → Parquet file bytes
 * (zstd-compressed).
 * @param {Uint8Array} ipc
 * @returns {Promise<Uint8Array>}
 */
export async function arrowIpcToParquet(ipc) {
  const parquet = await loadParquetWasm();
  const table = parquet.Table.fromIPCStream(ipcStreamBytes(ipc));
  const properties = new parquet.WriterPropertiesBuilder().setCompression(parquet.Compression.ZSTD).build();
  return parquet.writeParquet(table, properties);
}

/**
 * DuckDB-WASM's runQuery() returns the Arrow IPC *file* format ("ARROW1" magic, stream
 * messages, footer), while parquet-wasm only reads the *stream* format. The file format
 * embeds a complete stream (ending with the end-of-stream marker) between the 8-byte
 * leading magic and the footer, whose length is the int32 before the trailing magic:
 * slice it out. Stream-format input is returned unchanged.
 * @param {Uint8Array} ipc
 */
export function ipcStreamBytes(ipc) {
  const magic = [0x41, 0x52, 0x52, 0x4f, 0x57, 0x31]; // "ARROW1"
  const n = ipc.length;
  const isFile = n >= 18 && magic.every((b, i) => ipc[i] === b && ipc[n - 6 + i] === b);
  if (!isFile) return ipc;
  const footerLength = new DataView(ipc.buffer, ipc.byteOffset + n - 10, 4).getInt32(0, true);
  return ipc.subarray(8, n - 10 - footerLength);
}
