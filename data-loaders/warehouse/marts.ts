/**
 * The mart views: named SQL views over the published tables that the sources define (a
 * source's `marts`), which every `strata query` session creates after the tables' own views
 * (openWarehouse's `views`), so a query can name them like tables.
 */
import { sources } from "../sources/index.ts";
import type { Source } from "../sources/source.ts";
import type { WarehouseView } from "./open.ts";

/** The marts of `list`, each needing its source's tables: a warehouse where that source never loaded has no such view. */
export const martsOf = (list: Source[]): WarehouseView[] => list.flatMap((s) => (s.marts ?? []).map((m) => ({ needs: s.tables.map((t) => t.name), ...m })));

export const martViews: WarehouseView[] = martsOf(sources);

/** The marts a published version can have: those whose tables it holds, with their source's domain. */
export function martsIn(manifest: { tables: Record<string, string[]> }, list: Source[] = sources): (WarehouseView & { domain: string })[] {
  return list.flatMap((s) => martsOf([s]).filter((m) => m.needs!.every((t) => manifest.tables[t]?.length)).map((m) => ({ ...m, domain: s.domain.id })));
}
