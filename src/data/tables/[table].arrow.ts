// One warehouse table as Arrow IPC, for DuckDB-WASM. Framework passes the name as --table=<name>.
import { parseArgs } from "node:util";
import { writeTableArrow } from "../../../data-loaders/publish/site-data.ts";

const { values } = parseArgs({ options: { table: { type: "string" } } });
await writeTableArrow(values.table!);
