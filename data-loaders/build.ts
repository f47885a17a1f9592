/**
 * `strata build` / `npm run build`: the ETL, then the site. Framework reuses cached loader output
 * even when it is stale, so the loader cache is cleared first; the loaders then read the warehouse
 * this step has just brought up to date.
 */
import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { resolve } from "node:path";
import { StrataError } from "./errors.ts";
import { ensureWarehouse } from "./pipeline.ts";

export async function buildAll(opts: { warehouse?: string; log: (line: string) => void }): Promise<void> {
  const warehouse = await ensureWarehouse(opts);
  rmSync(resolve("src/.observablehq/cache"), { recursive: true, force: true });
  const result = spawnSync("npx", ["observable", "build"], {
    stdio: "inherit",
    // the ETL is done: the loaders publish this warehouse as it is, rather than each re-hashing
    // every source file to find nothing new (STRATA_DATA=none, see build/pipeline.ts)
    env: { ...process.env, STRATA_WAREHOUSE: warehouse, STRATA_DATA: "none" },
  });
  if (result.status !== 0) throw new StrataError(`observable build failed (exit ${result.status})`);
}
