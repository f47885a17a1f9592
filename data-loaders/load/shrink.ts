/**
 * The breaker of tables replaced whole by each delivery (the internal extracts): the same idea
 * and setting as the history's mass-deletion breaker (history.ts, STRATA_MASS_CHANGE_SHARE), for
 * a table that has no deletions to count. A broken extract shows as a table that shrinks, or a
 * file whose records are quarantined in bulk; loading it would change the answers. Refused unless
 * `--allow-shrink` says the change is meant:
 * - a delivery that would leave the table empty (a header and no records, or every record
 *   quarantined), unless the table is empty already;
 * - one that quarantines more than the share of its records;
 * - one that would keep fewer than (1 − share) of the rows the table holds now.
 * Unlike the history's, small tables are not exempt (the movies table, 91 rows, is one that broke);
 * instead a change of fewer than MIN_CHANGED_ROWS rows never trips it, so a tiny table may lose a
 * row or two. `strata check` applies the same rule to the loads in force
 * (checks/replaced_tables_emptied_or_shrunk.sql).
 */
import type { Db } from "../db.ts";
import { StrataError } from "../errors.ts";
import { readTable } from "../warehouse/write.ts";
import type { Breaker } from "./history.ts";
import type { LoadRun } from "./run.ts";

/** A shrink or a quarantine of fewer rows than this never trips the breaker. */
export const MIN_CHANGED_ROWS = 5;

/** What a warning row says when a tripped breaker was overridden; the check in checks/ looks for it. */
export const ALLOWED_SHRINK = "accepted with --allow-shrink";

export type ReplaceCounts = { table: string; recordsIn: number; accepted: number; quarantined: number; what: string };

/**
 * Throws when the breaker trips and is not overridden; returns the warning to record when it
 * tripped and was overridden, else null. Cost: the row count of the table's file (Parquet metadata).
 */
export async function checkShrink(db: Db, run: LoadRun, counts: ReplaceCounts, breaker: Breaker): Promise<string | null> {
  const files = run.baseFiles(counts.table);
  const before = files.length === 0 ? null : Number((await db.all<{ n: number }>(`SELECT count(*) AS n FROM ${readTable(run.base.dir, files)}`))[0].n);
  const trip = shrinkTrip(counts, before, breaker.share);
  if (trip === null) return null;
  if (breaker.allow) return `${ALLOWED_SHRINK}: ${trip}`;
  throw new StrataError(`${counts.what}: ${trip}; refused, nothing changed (pass --allow-shrink to accept it)`);
}

/** Why the breaker trips for this delivery, or null. `before`: the table's rows now (null: no table yet). */
export function shrinkTrip(counts: ReplaceCounts, before: number | null, share: number): string | null {
  const { table, recordsIn, accepted, quarantined } = counts;
  const pct = (n: number, of: number) => `${((100 * n) / of).toFixed(1)}%`;
  const limit = `more than ${Math.round(share * 100)}%`;
  const now = before === null ? "no table yet" : `${before} rows now`;
  if (accepted === 0 && before !== 0) {
    if (recordsIn === 0) return `line 1: a header and no records: table ${table} would be left empty (${now})`;
    return `all ${recordsIn} records quarantined: table ${table} would be left empty (${now})`;
  }
  // the quarantine first: when records were refused, they are why the table would shrink
  if (quarantined >= MIN_CHANGED_ROWS && quarantined > share * recordsIn) {
    return `${quarantined} of ${recordsIn} records quarantined (${pct(quarantined, recordsIn)}, ${limit})`;
  }
  if (before !== null && before - accepted >= MIN_CHANGED_ROWS && accepted < (1 - share) * before) {
    return `table ${table} would shrink from ${before} to ${accepted} rows (${pct(before - accepted, before)} fewer, ${limit})`;
  }
  return null;
}
