// Test helper process: an external reader of `<warehouse>/<table>/*.parquet`, as the README
// promises any Parquet reader can be. It samples the glob in a loop until the file <warehouse>/stop
// appears (or 120 s pass) and prints one JSON line per sample: the rows and the open versions it
// saw, and the distinct keys among them (fewer keys than open versions = a key seen twice), or the
// error it met.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";

const [warehouse, table] = process.argv.slice(2);
const instance = await DuckDBInstance.create(":memory:");
const conn = await instance.connect();
const glob = `${join(warehouse, table)}/*.parquet`.replaceAll("'", "''");
const sql = `SELECT count(*)::BIGINT AS rows, count(*) FILTER (is_current)::BIGINT AS open,
                    count(DISTINCT business_key) FILTER (is_current)::BIGINT AS keys
             FROM read_parquet('${glob}')`;
process.stdout.write("ready\n");
const deadline = Date.now() + 120_000;
while (!existsSync(join(warehouse, "stop")) && Date.now() < deadline) {
  try {
    const [row] = (await conn.runAndReadAll(sql)).getRowObjectsJson();
    process.stdout.write(`${JSON.stringify(row)}\n`);
  } catch (error) {
    process.stdout.write(`${JSON.stringify({ error: (error as Error).message.split("\n")[0] })}\n`);
  }
}
conn.closeSync();
instance.closeSync();
