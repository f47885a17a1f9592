/**
 * Every source, registered: adding a source is a folder under sources/ and one line here.
 * The CLI's `ingest`, the build, the site's table list and the schema browser read this list.
 */
import { appExtracts } from "./app-extracts/index.ts";
import { catalogue } from "./catalogue/index.ts";
import { domains, type Source, type TableDecl } from "./source.ts";
import { webFeeds, webPageviews, webUsers } from "./web-analytics/index.ts";

export const sources: Source[] = [catalogue, appExtracts, webUsers, webPageviews];

/**
 * Sources that ingest other sources' deliveries together (`ingest web`: both web feeds from one
 * location, in arrival order). Only `strata ingest` knows them: they own no tables and no
 * deliveries, so the site's freshness, the table list and the build do not list them.
 */
export const batchSources: Source[] = [webFeeds];

/** The tables every load writes beside its source's own (load/audit.ts). */
export const auditTables: TableDecl[] = [
  { name: "loads", rule: "partition-append", description: "one row per file loaded: counts in, accepted, quarantined, what changed", order: "loaded_at, entity" },
  { name: "quarantine", rule: "partition-append", description: "one row per rejected record, with its reason and the record as read", order: "load_id, entity, record_index" },
  { name: "warnings", rule: "partition-append", description: "one row per accepted record that broke a warning rule", order: "load_id, entity, record_index" },
];

/** Every published table with its domain, in the order the site lists them. */
export function publishedTables(list: Source[] = sources): (TableDecl & { domain: string; source: string })[] {
  return [
    ...list.flatMap((s) => s.tables.map((t) => ({ ...t, domain: s.domain.id, source: s.id }))),
    ...auditTables.map((t) => ({ ...t, domain: domains.operations.id, source: "all" })),
  ];
}

/** A source `strata ingest` takes: a registered one, or a batch source. */
export function sourceById(id: string, list: Source[] = [...sources, ...batchSources]): Source | undefined {
  return list.find((s) => s.id === id);
}
