/** Where things live inside a warehouse directory (see versions.ts for the layout of versions). */
import { join, resolve } from "node:path";

/** The warehouse directory: the flag, else STRATA_WAREHOUSE, else ./warehouse. */
export function warehouseDir(flag?: string): string {
  return resolve(flag ?? process.env.STRATA_WAREHOUSE ?? "warehouse");
}

/** `_manifest.json`: a link to the manifest in force (a plain file in warehouses made before version folders). */
export const legacyManifestFile = (warehouse: string) => join(warehouse, "_manifest.json");
export const lockFile = (warehouse: string) => join(warehouse, "_lock");
/** The one pointer a publish swaps: a link to the version folder in force. */
export const currentLink = (warehouse: string) => join(warehouse, "_current");
/** Published versions, one immutable folder each (`v000042/`), and the one being built (`.incoming-*`). */
export const versionsDir = (warehouse: string) => join(warehouse, "_versions");
export const versionName = (version: number) => `v${String(version).padStart(6, "0")}`;
/** Every source's raw deliveries, kept as delivered: `landing/<source>/<key>/`. */
export const landingRoot = (warehouse: string) => join(warehouse, "landing");
export const landingDir = (warehouse: string, source: string) => join(landingRoot(warehouse), source);
export const landedDelivery = (warehouse: string, source: string, key: string) => join(landingDir(warehouse, source), key);
/** Scratch space for DuckDB spills and staged files; removed at the start of every run. */
export const scratchDir = (warehouse: string) => join(warehouse, ".scratch");
