/**
 * The mart views: named SQL views over the published tables, which every `strata query` session
 * creates after the tables' own views (openWarehouse's `views`), so a query can name them like
 * tables. The sources add theirs here; none is defined yet.
 */
import type { WarehouseView } from "./open.ts";

export const martViews: WarehouseView[] = [];
