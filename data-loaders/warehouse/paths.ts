/** Where things live inside a warehouse directory. */
import { join, resolve } from "node:path";

/** The warehouse directory: the flag, else STRATA_WAREHOUSE, else ./warehouse. */
export function warehouseDir(flag?: string): string {
  return resolve(flag ?? process.env.STRATA_WAREHOUSE ?? "warehouse");
}

export const manifestFile = (warehouse: string) => join(warehouse, "_manifest.json");
export const lockFile = (warehouse: string) => join(warehouse, "_lock");
export const landingRoot = (warehouse: string) => join(warehouse, "landing", "vendor");
export const landingNight = (warehouse: string, date: string) => join(landingRoot(warehouse), date);
/** Scratch space for DuckDB spills and staged files; removed at the start of every run. */
export const scratchDir = (warehouse: string) => join(warehouse, ".scratch");
