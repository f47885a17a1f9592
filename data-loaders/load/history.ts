/**
 * The load rule "full snapshot → type-2 history": a delivery that holds every live record of an
 * entity is merged into that entity's history table (sql/merge_history.sql, docs/history.md).
 * A history table is two kinds of files: one `current-*` file with the open version of every key
 * ever seen (deleted ones as tombstones), rewritten by each delivery, and `closed-<key>-*` files
 * with the versions each delivery closed, never read again by a merge.
 */
import { fileURLToPath } from "node:url";
import { type Db, sqlLiteral } from "../db.ts";
import { StrataError } from "../errors.ts";
import { failpoint } from "../failpoints.ts";
import { readTable } from "../warehouse/write.ts";
import type { LoadRun } from "./run.ts";

export type HistoryCounts = { inserted: number; updated: number; deleted: number; reappeared: number; unchanged: number; kept: number };

/** The mass-deletion breaker: a delivery may not delete (or quarantine) more than `share` of an entity's live records. */
export type Breaker = {
  /** 0–1; default 0.2, env STRATA_MASS_CHANGE_SHARE */
  share: number;
  /** entities with fewer live records than this are exempt (small catalogues change by large shares) */
  minLive: number;
  /** `--allow-mass-deletion`: accept such a delivery on purpose */
  allow: boolean;
};

export function defaultBreaker(allow = false): Breaker {
  const raw = process.env.STRATA_MASS_CHANGE_SHARE;
  const share = raw === undefined || raw === "" ? 0.2 : Number(raw);
  if (!(share >= 0 && share <= 1)) throw new StrataError(`STRATA_MASS_CHANGE_SHARE=${raw}: expected a share between 0 and 1`);
  return { share, minLive: 100, allow };
}

const mergeSql = fileURLToPath(new URL("./sql/merge_history.sql", import.meta.url));

/**
 * Merges view `staged` (this delivery: one row per `business_key`, with `record_hash`) and table
 * `quarantined` (its rejected records, whose readable keys count as present) into history table
 * `table` of `run`, as of `validFrom`. Writes the next current file and the closed versions, and
 * lists them in `run.next`. Refuses a mass deletion (see Breaker) before writing anything. Leaves
 * temp table `history_changed`: each key whose open version changed (or was kept), its `change`,
 * and the open version it had before (NULL columns for an inserted key).
 * Cost: one hash join of the delivery's keys with the current ones; the current file is read
 * three times, streamed; closed history is never read.
 */
export async function mergeIntoHistory(
  db: Db,
  run: LoadRun,
  opts: { table: string; validFrom: string; loadId: string; label: string; recordsIn: number; accepted: number; quarantined: number; breaker: Breaker; what: string },
): Promise<HistoryCounts> {
  const { table } = opts;
  await db.run(`SET VARIABLE dump_date = DATE ${sqlLiteral(opts.validFrom)}`);
  await db.setVariables({ dump_id: opts.loadId });
  const files = run.baseFiles(table);
  const currentFile = files.find((f) => f.includes("/current-"));
  // a view: merge_history.sql reads the current file only where and as much as it needs
  if (currentFile) {
    await db.run(`CREATE OR REPLACE TEMP VIEW prior_current AS SELECT * FROM ${readTable(run.base.dir, [currentFile])}`);
  } else {
    await db.run(`CREATE OR REPLACE TEMP VIEW prior_current AS
      SELECT *, NULL::DATE AS valid_from, NULL::DATE AS valid_to, true AS is_current, false AS is_deleted, NULL::VARCHAR AS source_dump
      FROM staged LIMIT 0`);
  }
  await db.runFile(mergeSql);
  const counts: Record<string, number> = Object.fromEntries(
    (await db.all<{ change: string; n: number }>(`SELECT change, count(*)::INTEGER AS n FROM merge_changes GROUP BY change`)).map((r) => [r.change, r.n]),
  );
  const [{ live }] = await db.all<{ live: number }>(`SELECT count(*)::INTEGER AS live FROM prior_current WHERE NOT is_deleted`);
  checkBreaker(opts, live, counts.deleted ?? 0);

  const nextCurrent = run.newFile(table, "current");
  await run.write(db, nextCurrent, "SELECT * FROM next_current", "uncompressed");
  failpoint("history:after-write");
  const closing = (counts.updated ?? 0) + (counts.deleted ?? 0) + (counts.reappeared ?? 0);
  const closed = run.newFile(table, `closed-${opts.label}`);
  // a delivery that closes nothing adds no file, so quiet nights do not pile up empty files
  if (closing > 0) await run.write(db, closed, "SELECT * FROM closed_tonight ORDER BY business_key");
  run.next.tables[table] = [...files.filter((f) => f !== currentFile), ...(closing > 0 ? [closed] : []), nextCurrent];

  // merge_changes holds changes only: every other accepted record is unchanged
  const unchanged = opts.accepted - (counts.inserted ?? 0) - (counts.updated ?? 0) - (counts.reappeared ?? 0);
  // what changed, kept for the source's follow-up (a users extract restates the page views of users who moved)
  await db.run(`CREATE OR REPLACE TEMP TABLE history_changed AS
    SELECT m.business_key, m.change, k.* EXCLUDE (business_key, change) FROM merge_changes m LEFT JOIN closing_versions k USING (business_key)`);
  await db.run("DROP VIEW next_current; DROP VIEW closed_tonight; DROP TABLE closing_versions; DROP TABLE merge_changes; DROP VIEW prior_current");
  return {
    inserted: counts.inserted ?? 0,
    updated: counts.updated ?? 0,
    deleted: counts.deleted ?? 0,
    reappeared: counts.reappeared ?? 0,
    unchanged,
    kept: counts.kept ?? 0,
  };
}

/** Refuses a delivery that would delete, or quarantine, more than the breaker's share of the live records. */
function checkBreaker(opts: { what: string; recordsIn: number; quarantined: number; breaker: Breaker }, live: number, deleted: number): void {
  const { breaker, what } = opts;
  if (breaker.allow || live < breaker.minLive) return;
  const pct = (n: number, of: number) => `${((100 * n) / of).toFixed(1)}%`;
  const limit = `more than ${Math.round(breaker.share * 100)}%`;
  if (deleted > breaker.share * live) {
    throw new StrataError(`${what}: would mark ${deleted} of ${live} live records deleted (${pct(deleted, live)}, ${limit}); refused as a mass deletion, nothing changed (pass --allow-mass-deletion to accept it)`);
  }
  if (opts.quarantined > breaker.share * opts.recordsIn) {
    throw new StrataError(`${what}: ${opts.quarantined} of ${opts.recordsIn} records quarantined (${pct(opts.quarantined, opts.recordsIn)}, ${limit}); refused, nothing changed (pass --allow-mass-deletion to accept it)`);
  }
}
