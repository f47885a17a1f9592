/**
 * What a source declares: the folder `sources/<name>/` holds its contract (zod), its SQL and this
 * declaration; everything else (landing, validation and quarantine, the history merge, the audit
 * tables, the lock and the atomic publish) is shared machinery in `load/` and `warehouse/`.
 * See docs/architecture.md, "How to add a source".
 */
import type { WarehouseView } from "../warehouse/open.ts";

/** How a source's deliveries become tables. */
export type LoadRule =
  /** each delivery is every live record: merged into a type-2 history (load/history.ts) */
  | "snapshot-history"
  /** each delivery is the whole table: it replaces the table (load/replace.ts) */
  | "full-replace"
  /** each delivery is one time partition: appended, a partition delivered again replaces it */
  | "partition-append"
  /** each delivery holds running totals: turned into increments against the previous one */
  | "cumulative-increments";

export type Domain = { id: string; title: string };

export const domains = {
  streaming: { id: "streaming", title: "Streaming app" },
  web: { id: "web", title: "Web analytics" },
  operations: { id: "operations", title: "Data quality" },
} as const satisfies Record<string, Domain>;

export type TableDecl = {
  name: string;
  rule: LoadRule;
  /** what a row is, in a few words (the schema browser shows it) */
  description: string;
  /** the order the site publishes rows in (a stable one keeps builds byte-identical) */
  order: string;
};

export type IngestArgs = {
  warehouse: string;
  /** a folder, or a URL the source knows how to fetch */
  location: string;
  /** the delivery's date, for sources whose deliveries are dated */
  date?: string;
  /** the delivery's hour (YYYY-MM-DDTHH, UTC), for sources whose deliveries are hourly */
  hour?: string;
  /** the last hour expected (YYYY-MM-DDTHH, UTC), for sources that ingest every pending delivery at a location */
  through?: string;
  waitMs?: number;
  /** accept a delivery the mass-deletion breaker of a history table refuses (`--allow-mass-deletion`, load/history.ts) */
  allowMassDeletion?: boolean;
  /** accept a delivery that empties or shrinks a table replaced whole (`--allow-shrink`, load/shrink.ts) */
  allowShrink?: boolean;
  log?: (line: string) => void;
  /** something the operator should know though the load goes on (the CLI prints `strata: warning: …`) */
  warn?: (line: string) => void;
};

export type Source = {
  /** the CLI's name (`strata ingest <id>`), the landing folder and `loads.source` */
  id: string;
  domain: Domain;
  title: string;
  tables: TableDecl[];
  /** the CLI's usage line for this source's ingest */
  usage: string;
  /** whether `--date` is required */
  dated: boolean;
  /** whether `--hour` is required (hourly deliveries, loaded in any order, a re-delivery replacing the first) */
  hourly?: boolean;
  /**
   * Ingests every delivery at the location that the warehouse lacks, of other sources (`ingest
   * web`: the users extracts and page views, in arrival order), up to `--through`: such a source
   * owns no tables and no deliveries, so it is registered apart (sources/index.ts, `batchSources`)
   */
  batch?: boolean;
  /** named views over the published tables (`strata query`, the site and the workbench share them) */
  marts?: WarehouseView[];
  /** Loads one delivery; returns the report the CLI prints. */
  ingest(args: IngestArgs): Promise<unknown>;
  /**
   * Loads whatever the build's data folder (STRATA_DATA, or the demo data) holds for this source
   * and the warehouse lacks; returns lines saying what changed.
   */
  ingestDataFolder?(opts: { warehouse: string; dataDir: string; waitMs: number }): Promise<string[]>;
};
