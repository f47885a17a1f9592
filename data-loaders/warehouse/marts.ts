/**
 * The mart views: named SQL views over the published tables that the sources define (a
 * source's `marts`), which every `strata query` session creates after the tables' own views
 * (openWarehouse's `views`), so a query can name them like tables.
 */
import { sources } from "../sources/index.ts";
import type { WarehouseView } from "./open.ts";

export const martViews: WarehouseView[] = sources.flatMap((s) => s.marts ?? []);
