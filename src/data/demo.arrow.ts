// Placeholder loader proving the loader → Arrow IPC → DuckDB-WASM chain; the real
// warehouse tables replace it. Framework runs .ts loaders with tsx and takes stdout.
import { tableFromArrays, tableToIPC } from "apache-arrow";

const table = tableFromArrays({
  id: Int32Array.from([1, 2, 3, 4, 5]),
  name: ["alpha", "beta", "gamma", "delta", "epsilon"],
  value: Float64Array.from([1.5, 2.5, 3.5, 4.5, 5.5]),
});

process.stdout.write(tableToIPC(table, "stream"));
console.error(`demo.arrow: ${table.numRows} rows`);
