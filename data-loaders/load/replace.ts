/**
 * The load rule "full replace": each delivery is the whole table, so view `staged` (one row per
 * business key) becomes the table's one file. Cost: one write of the delivery.
 */
import type { Db } from "../db.ts";
import type { LoadRun } from "./run.ts";

export async function replaceTable(db: Db, run: LoadRun, table: string): Promise<void> {
  const file = run.newFile(table, "extract");
  await run.write(db, file, "SELECT * EXCLUDE (business_key) FROM staged ORDER BY business_key");
  run.next.tables[table] = [file];
}
