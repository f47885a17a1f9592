/**
 * The internal extracts (users.csv, movies.csv, streams.csv): full snapshots, so each load
 * replaces the three tables whole (load rule "full-replace"), through the shared delivery load
 * (load/delivery.ts). Loading the same three files again is a no-op.
 */
import { fileURLToPath } from "node:url";
import { type DeliveryReport, type FileSpec, loadDelivery } from "../../load/delivery.ts";
import { internalExtracts } from "./contract.ts";

/** The source's id: the CLI's `ingest internal`, `landing/internal/`, `loads.source`. */
export const SOURCE = "internal";

const sql = (name: string) => fileURLToPath(new URL(`./sql/${name}`, import.meta.url));

export const extractFiles: FileSpec[] = internalExtracts.map((e) => ({
  file: e.file,
  table: e.table,
  kind: "csv",
  schema: e.schema,
  normalizeSql: sql(`normalize_${e.table}.sql`),
  rule: "full-replace",
}));

export function ingestInternal(opts: { warehouse: string; dir: string; waitMs?: number; allowShrink?: boolean; log?: (line: string) => void }): Promise<DeliveryReport> {
  return loadDelivery({ ...opts, source: SOURCE, files: extractFiles });
}
