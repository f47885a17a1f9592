/** The hourly page views extract: `strata ingest pageviews <file> --hour YYYY-MM-DDTHH`. */
import { basename, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { type DeliveryReport, loadDelivery } from "../../load/delivery.ts";
import type { IngestArgs } from "../source.ts";
import { pageviewRow } from "./contract.ts";
import { fileKind, hourEnd } from "./delivery-names.ts";
import { appendViews, tables } from "./stamping.ts";

const sql = (name: string) => fileURLToPath(new URL(`./sql/${name}`, import.meta.url));

/**
 * Loads the page views of hour `hour` from `file`: checked, stamped with each viewer's postcode
 * at view time, stored in place of an earlier delivery of the same hour, and counted.
 */
export function ingestPageviews(args: Pick<IngestArgs, "warehouse" | "location" | "hour" | "waitMs" | "log">): Promise<DeliveryReport> {
  const hour = args.hour!;
  const end = hourEnd(hour);
  return loadDelivery({
    warehouse: args.warehouse, source: "pageviews", dir: dirname(args.location), hour, waitMs: args.waitMs, log: args.log,
    files: [{
      file: basename(args.location), table: tables.views, kind: fileKind(args.location), schema: pageviewRow,
      normalizeSql: sql("normalize_pageviews.sql"), rule: "partition-append", keyless: true, positionFree: true, variables: { delivery_end: end },
      append: (db, ctx) => appendViews(db, ctx.run, ctx.key),
    }],
  });
}
