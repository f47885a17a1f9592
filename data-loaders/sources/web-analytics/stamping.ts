/**
 * The page-view store (docs/web-analytics.md): each view stamped with the postcode in force when
 * it was viewed (sql/stamp_views.sql), kept in `web_pageviews` (partitioned by view_date, one file
 * per delivery and date), and counted in `web_pageview_counts` (one file per date) per delivery,
 * hour, postcode at view and current postcode, from which `web_pageviews_hourly` holds both
 * answers per hour (the mart pageviews_by_postcode).
 *
 * Two loads change them:
 * - a page views delivery (appendViews): stamps its views, writes them in place of what an
 *   earlier delivery of the same hour wrote, and recounts the dates either touched;
 * - a users extract of date D (restateViews): the views on or after D already stored were stamped
 *   by an older extract, so they are stamped again and their dates recounted; for the views
 *   before D only the current postcode of users who moved changed, so their counts move from the
 *   old current postcode to the new one. No view before D is rewritten.
 */
import { fileURLToPath } from "node:url";
import { type Db, sqlLiteral } from "../../db.ts";
import { appendPartitions, deliveryFiles, partitionOf, replacePartition } from "../../load/partition-append.ts";
import type { LoadRun } from "../../load/run.ts";

const sql = (name: string) => fileURLToPath(new URL(`./sql/${name}`, import.meta.url));

export const tables = { users: "web_users_history", views: "web_pageviews", counts: "web_pageview_counts", hourly: "web_pageviews_hourly" } as const;
const byDate = "view_date";

/** An hour key (YYYY-MM-DDTHH) as the TIMESTAMP literal of its start. */
export const hourStart = (key: string) => `TIMESTAMP ${sqlLiteral(`${key.replace("T", " ")}:00:00`)}`;

export type ViewsReport = {
  /** views stored from this delivery */
  views: number;
  /** of them, viewed before the delivered hour (stored and counted in the hour they happened) */
  late: number;
  /** views counted under the unknown postcode (NULL), by why */
  unknownPostcode: Record<string, number>;
  /** views an earlier delivery of this hour had stored, replaced by these (0 for a first delivery) */
  replacedViews: number;
  /** the view dates whose files this delivery wrote */
  dates: string[];
};

/**
 * Stamps view `staged` (this delivery of hour `key`), stores it as the delivery's files, and
 * recounts the dates it and the delivery it replaces touch. Cost: the stamping join (one hash
 * join with the users' open versions), one write of the views, one rewrite of the touched
 * dates' counts (small).
 */
export async function appendViews(db: Db, run: LoadRun, key: string): Promise<ViewsReport> {
  await createUserViews(db, run, "base");
  await db.run(`CREATE OR REPLACE TEMP VIEW views_in AS SELECT user_id, url, viewed_at, ${hourStart(key)} AS delivery_hour FROM staged`);
  await stamp(db, run);
  const replacedViews = await deliveryViews(db, run, key);
  const values = (await db.all<{ d: string }>(`SELECT DISTINCT CAST(${byDate} AS VARCHAR) AS d FROM stamped_counts ORDER BY d`)).map((r) => r.d);
  const { written, replaced } = await appendPartitions(db, run, { table: tables.views, column: byDate, key, values, rows: `(SELECT *, CAST(viewed_at AS DATE) AS ${byDate} FROM stored_views)` });
  for (const date of [...new Set([...written, ...replaced])].sort()) {
    await recountDate(db, run, date, { without: key });
  }
  const [counts] = await db.all<{ views: number; late: number }>(`SELECT coalesce(sum(views), 0)::BIGINT AS views, coalesce(sum(views) FILTER (hour < ${hourStart(key)}), 0)::BIGINT AS late FROM stamped_counts`);
  return { views: Number(counts.views), late: Number(counts.late), unknownPostcode: await unknownCounts(db), replacedViews, dates: written };
}

export type RestateReport = {
  /** stored views on or after the extract's date, stamped again with it */
  restampedViews: number;
  /** users whose current postcode the extract changed (moved, back with another postcode, or new) */
  movedUsers: number;
  /** stored views before the extract's date whose current postcode changed with their user's */
  recountedViews: number;
  /** dates whose counts were rewritten */
  recountedDates: string[];
};

/**
 * After the users extract of `date` is merged (temp tables `history_changed` and view `staged`
 * still there): restamps the stored views on or after `date` and moves the counts of earlier
 * views of users whose current postcode changed. Cost: a rewrite of the views restamped (those
 * that arrived before their extract: usually an hour or two), one scan of the user ids of the
 * views before `date` (to find the movers' views), and one rewrite of the counts of the dates
 * they fall on (small files).
 */
export async function restateViews(db: Db, run: LoadRun, date: string): Promise<RestateReport> {
  await db.runFile(sql("moved_users.sql"));
  await createUserViews(db, run, "next");
  const files = run.baseFiles(tables.views);
  const later = files.filter((f) => (partitionOf(f, byDate) ?? "") >= date);
  const earlier = files.filter((f) => (partitionOf(f, byDate) ?? "") < date);
  const recountedDates: string[] = [];

  let restampedViews = 0;
  if (later.length > 0) {
    await db.run(`CREATE OR REPLACE TEMP VIEW views_in AS SELECT user_id, url, viewed_at, delivery_hour FROM ${readFiles(run, later)}`);
    await stamp(db, run);
    // each file is written again under its own delivery and date, so a later re-delivery still finds it
    for (const file of later) {
      const value = partitionOf(file, byDate)!;
      const key = deliveryKeyOf(file);
      const next = run.newFile(tables.views, `${byDate}=${value}/delivery-${key}`);
      await run.write(db, next, `SELECT * FROM stored_views WHERE CAST(viewed_at AS DATE) = DATE ${sqlLiteral(value)} AND delivery_hour = ${hourStart(key)}`);
      run.next.tables[tables.views] = [...run.next.tables[tables.views].filter((f) => f !== file), next];
    }
    for (const value of [...new Set(later.map((f) => partitionOf(f, byDate)!))].sort()) {
      await replaceDateCounts(db, run, value, `SELECT delivery_hour, hour, postcode, current_postcode, views FROM stamped_counts WHERE ${byDate} = DATE ${sqlLiteral(value)}`);
      recountedDates.push(value);
    }
    [{ n: restampedViews }] = await db.all<{ n: number }>(`SELECT coalesce(sum(views), 0)::INTEGER AS n FROM stamped_counts`);
  }

  const [{ moved }] = await db.all<{ moved: number }>(`SELECT count(*)::INTEGER AS moved FROM users_moved`);
  let recountedViews = 0;
  if (moved > 0 && earlier.length > 0) {
    await db.run(`CREATE OR REPLACE TEMP VIEW moved_views_in AS SELECT user_id, viewed_at, delivery_hour, postcode FROM ${readFiles(run, earlier)}`);
    await db.runFile(sql("count_corrections.sql"));
    const dates = (await db.all<{ d: string }>(`SELECT DISTINCT CAST(${byDate} AS VARCHAR) AS d FROM count_corrections ORDER BY d`)).map((r) => r.d);
    for (const value of dates) {
      const at = `${byDate} = DATE ${sqlLiteral(value)}`;
      await replaceDateCounts(db, run, value, `
        SELECT delivery_hour, hour, postcode, current_postcode, views FROM ${readFiles(run, countFiles(run, value))}
        UNION ALL SELECT delivery_hour, hour, postcode, old_current, -views FROM count_corrections WHERE ${at}
        UNION ALL SELECT delivery_hour, hour, postcode, new_current, views FROM count_corrections WHERE ${at}`);
      recountedDates.push(value);
    }
    [{ n: recountedViews }] = await db.all<{ n: number }>(`SELECT coalesce(sum(views), 0)::INTEGER AS n FROM count_corrections`);
  }
  return { restampedViews, movedUsers: moved, recountedViews, recountedDates: recountedDates.sort() };
}

/**
 * Stamps `views_in` once, into a scratch file, and counts it (table `stamped_counts`);
 * `stored_views` is what a views file holds. The join is the cost, so it runs once: its readers
 * (the counts, each views file written) then scan the file. Cost: the stamping join and one
 * uncompressed write of its rows (faster, at 4.2 M views, than holding them in a DuckDB table).
 */
async function stamp(db: Db, run: LoadRun): Promise<void> {
  await db.runFile(sql("stamp_views.sql"));
  const file = run.scratchPath("stamped-views.parquet");
  await db.run(`COPY (SELECT * FROM stamped) TO ${sqlLiteral(file)} (FORMAT parquet, COMPRESSION uncompressed, PRESERVE_ORDER false)`);
  await db.run(`CREATE OR REPLACE TEMP VIEW stamped_rows AS SELECT * FROM read_parquet(${sqlLiteral(file)})`);
  await db.runFile(sql("count_views.sql"));
  await db.run(`CREATE OR REPLACE TEMP VIEW stored_views AS SELECT user_id, url, viewed_at, postcode, delivery_hour FROM stamped_rows`);
}

/**
 * Views `users_current` and `users_closed` over the users' history: of the published version
 * (`base`), or of the one this run builds (`next`, after a users extract's merge).
 */
async function createUserViews(db: Db, run: LoadRun, which: "base" | "next"): Promise<void> {
  const files = which === "base" ? run.baseFiles(tables.users) : (run.next.tables[tables.users] ?? []);
  const current = files.filter((f) => f.includes("/current-"));
  const closed = files.filter((f) => !f.includes("/current-"));
  const columns = "user_id, postcode, CAST(valid_from AS TIMESTAMP) AS valid_from, is_deleted";
  const none = "SELECT NULL::BIGINT AS user_id, NULL::VARCHAR AS postcode, NULL::TIMESTAMP AS valid_from, NULL::BOOLEAN AS is_deleted WHERE false";
  const paths = (list: string[]) => list.map((f) => (which === "base" ? `${run.base.dir}/${f}` : run.nextPath(f)));
  await db.run(`CREATE OR REPLACE TEMP VIEW users_current AS ${current.length > 0 ? `SELECT ${columns} FROM read_parquet(${sqlLiteral(paths(current))})` : none}`);
  await db.run(`CREATE OR REPLACE TEMP VIEW users_closed AS ${closed.length > 0 ? `SELECT ${columns} FROM read_parquet(${sqlLiteral(paths(closed))}, union_by_name = true)` : none}`);
}

/** Rewrites the counts of `date` as its stored counts without delivery `without`'s, plus this delivery's. */
async function recountDate(db: Db, run: LoadRun, date: string, opts: { without: string }): Promise<void> {
  const old = countFiles(run, date);
  const kept = old.length > 0
    ? `SELECT delivery_hour, hour, postcode, current_postcode, views FROM ${readFiles(run, old)} WHERE delivery_hour <> ${hourStart(opts.without)} UNION ALL `
    : "";
  await replaceDateCounts(db, run, date, `${kept}SELECT delivery_hour, hour, postcode, current_postcode, views FROM stamped_counts WHERE ${byDate} = DATE ${sqlLiteral(date)}`);
}

/**
 * Replaces the counts file of `date` with `rows` summed per delivery, hour and postcode pair (rows
 * summing to 0 dropped), and the date's file of both answers per hour (`web_pageviews_hourly`,
 * one row per hour, postcode and basis: what the mart reads, so that a month's query sums ~4 M
 * rows once instead of grouping them by hour first). Cost: two writes of small files.
 */
async function replaceDateCounts(db: Db, run: LoadRun, date: string, rows: string): Promise<void> {
  const file = await replacePartition(db, run, {
    table: tables.counts, column: byDate, value: date, label: "counts",
    select: `SELECT delivery_hour, hour, postcode, current_postcode, sum(views)::BIGINT AS views FROM (${rows}) GROUP BY ALL HAVING sum(views) <> 0`,
  });
  const counts = file === null ? "(SELECT NULL::TIMESTAMP AS hour, NULL::VARCHAR AS postcode, NULL::VARCHAR AS current_postcode, NULL::BIGINT AS views WHERE false)" : `read_parquet(${sqlLiteral(run.nextPath(file))})`;
  await replacePartition(db, run, {
    table: tables.hourly, column: byDate, value: date, label: "hourly",
    select: `SELECT hour, postcode, 'at_view' AS basis, sum(views)::BIGINT AS views FROM ${counts} GROUP BY hour, postcode
             UNION ALL SELECT hour, current_postcode, 'current', sum(views)::BIGINT FROM ${counts} GROUP BY hour, current_postcode`,
  });
}

/** The views the base version holds from delivery `key` (0 when it was never loaded). */
async function deliveryViews(db: Db, run: LoadRun, key: string): Promise<number> {
  const files = deliveryFiles(run, tables.views, key);
  if (files.length === 0) return 0;
  const [{ n }] = await db.all<{ n: number }>(`SELECT count(*)::BIGINT AS n FROM ${readFiles(run, files)}`);
  return Number(n);
}

async function unknownCounts(db: Db): Promise<Record<string, number>> {
  const rows = await db.all<{ why: string; n: number }>(`SELECT unknown_because AS why, sum(views)::BIGINT AS n FROM stamped_counts WHERE postcode IS NULL GROUP BY ALL ORDER BY why`);
  return Object.fromEntries(rows.map((r) => [r.why, Number(r.n)]));
}

/** The counts files of `date` in the version this run builds (the base's, until rewritten). */
const countFiles = (run: LoadRun, date: string) => (run.next.tables[tables.counts] ?? []).filter((f) => partitionOf(f, byDate) === date);

/** read_parquet over files of the version this run builds (partition columns from their folders). */
const readFiles = (run: LoadRun, files: string[]) => `read_parquet(${sqlLiteral(files.map((f) => run.nextPath(f)))}, union_by_name = true)`;

/** The delivery key a views file was written for (`…/delivery-<key>-v<n>.parquet`). */
function deliveryKeyOf(file: string): string {
  const match = /delivery-(\d{4}-\d{2}-\d{2}T\d{2})-v\d+\.parquet$/.exec(file);
  if (!match) throw new Error(`${file}: not a page views delivery file`);
  return match[1];
}
