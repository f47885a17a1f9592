/** The daily full users extract: `strata ingest users <file> --date YYYY-MM-DD`. */
import { basename, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { type DeliveryReport, loadDelivery } from "../../load/delivery.ts";
import type { IngestArgs } from "../source.ts";
import { userRow } from "./contract.ts";
import { fileKind } from "./delivery-names.ts";
import { restateViews, tables } from "./stamping.ts";

const sql = (name: string) => fileURLToPath(new URL(`./sql/${name}`, import.meta.url));

/**
 * Merges the users extract taken at 00:00 UTC of `date` into the users' postcode history, then
 * restates the stored page views it governs (stamping.ts restateViews).
 */
export function ingestUsers(args: Pick<IngestArgs, "warehouse" | "location" | "date" | "waitMs" | "allowMassDeletion" | "log">): Promise<DeliveryReport> {
  const date = args.date!;
  return loadDelivery({
    warehouse: args.warehouse, source: "users", dir: dirname(args.location), date, waitMs: args.waitMs,
    allowMassDeletion: args.allowMassDeletion, log: args.log,
    files: [{ file: basename(args.location), table: tables.users, kind: fileKind(args.location), schema: userRow, normalizeSql: sql("normalize_users.sql"), materializeSql: sql("users_record_hash.sql"), rule: "snapshot-history", positionFree: true }],
    afterFiles: async (run) => ({ ...(await restateViews(run.db, run, date)) }),
  });
}
