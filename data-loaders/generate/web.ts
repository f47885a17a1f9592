/**
 * Synthetic "web analytics" feeds: a daily full users extract and hourly page-view deliveries,
 * in the shapes the web site sends them, with a truth file (web/generation.json).
 *
 * Layout written under `outDir/web/`:
 *   users/YYYY-MM-DD.csv             full users extract as of 00:00 UTC that day: `id,postcode`
 *   pageviews/YYYY-MM-DDTHH.csv      the delivery for hour HH: its views plus late views of up to 3 earlier hours
 *   pageviews/YYYY-MM-DDTHH.r2.csv   a re-delivery (re-extract) of that hour: its complete replacement
 *   generation.json                  the truth (see WebTruth)
 * With format "parquet" the same names end in .parquet (id BIGINT, postcode VARCHAR; user_id
 * BIGINT, url VARCHAR, pageview_datetime TIMESTAMP). CSV: header row, `\n`, DuckDB's quoting,
 * `pageview_datetime` as `YYYY-MM-DD HH:MM:SS`.
 *
 * Everything is generated in DuckDB SQL (range(), COPY … TO), never row by row in JS. Randomness
 * is an explicit integer hash, h4(seed, index, day-or-hour, salt) = three rounds of lowbias32 in
 * UBIGINT arithmetic (DuckDB's hash() and random() are version-dependent or unseeded), so the same
 * options give byte-identical files: every COPY has a total ORDER BY.
 *
 * Model:
 * - Postcodes: ~2,700 UK-like outward codes (121 real area letters × 8–37 districts, e.g. SW19,
 *   EH12), in a seed-shuffled popularity order; a draw takes rank ⌊n·u^2.5⌋ (a few big, many small).
 * - Users: slot s has id 1,000,000 + 4s + (h(s) mod 3): positive, increasing, not contiguous.
 *   Unknown user ids are 1,000,000 + 4k + 3: no extract ever holds one. Day 0: `users` slots,
 *   present but 0.2 % (accounts closed before; 30 % of them return on days 1–6), half of them with
 *   a postcode before (moved before day 0, so A→B→A can happen from day 1). Each later day, per present user: 0.05 % leave (absent from the extract; 30 % of
 *   them return 2–7 days later, a quarter of those with another postcode); 0.3 % move (30 % of
 *   the moves of a user who moved before go back to the postcode before last: A→B→A); a user who
 *   moved in the last 14 days also moves back with 2 %/day (temporary moves); and
 *   0.1 % × users new slots join (never-used ids). The state is one row per slot, advanced a day
 *   at a time in SQL (CREATE TABLE … AS SELECT from the day before).
 * - Views: hour h of day d gets views_per_day × diurnal(h) × weekly(d) × (1 ± 3 % noise), the
 *   weekly factors averaging 1 over Monday–Friday (weekend lower), diurnal low at 03–05 UTC and
 *   highest at 20–21 UTC. A view's user is drawn from the users present in its day's extract by
 *   rank ⌊P·u³⌋ over a fixed per-user order (heavy users stay heavy); 0.3 % have an unknown user
 *   id; a view's second within its hour is ⌊3600·(i + u)/n⌋ for the hour's i-th of n views (spread
 *   over the hour, in index order); 0.5 % repeat the previous view's user and second (legitimate distinct views); 1 % are
 *   late: delivered 1–3 hours later (never past the last hour). urls: ~2,700 paths
 *   (www.website.com/index.html, /books/123.html, …), rank ⌊n·u^2.5⌋.
 * - Re-deliveries: max(1, round(2 % of the hours)) hours (a seeded choice) get an .r2 file; their
 *   first delivery lacks ~1 % of the views, which the .r2 adds back (same rows otherwise).
 * - Missing hours: `missingHours` seeded hours have no file at all (their views are lost).
 * - Bad rows: `badRows` extra records across the deliveries (a seeded hour each), in turn a
 *   non-numeric user_id, an impossible datetime (YYYY-02-30) and an empty url; in Parquet, whose
 *   columns are typed, a NULL user_id, 1970-01-01 00:00:00 and an empty url.
 *
 * Cost (2-core box): see the numbers in the commit that measured them. The views are made a block
 * of origin hours at a time (≈ BLOCK_VIEWS views: one query, one join with the day's ranked users),
 * then each complete delivery hour is written (sorted by (hour, index), the narrow rows before
 * formatting). Memory ≈ 1 GB per 20 M users plus ≈ 30 B per view of a block.
 */
import { mkdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Db, sqlLiteral } from "../db.ts";
import { daysFromCivil, fmtDay, hash4, mix32 } from "./random.ts";

export type WebFormat = "csv" | "parquet";

export interface WebOptions {
  /** Consecutive days (≥ 1), each with a users extract and 24 hourly deliveries. */
  days: number;
  /** Users on day 0 (≥ 1). Default 2000. */
  users?: number;
  /** Views on an average weekday. Default 20000. */
  viewsPerDay?: number;
  /** First day, YYYY-MM-DD. Default: generate's startDate, else "2022-03-01". */
  startDate?: string;
  /** Default "csv". */
  format?: WebFormat;
  /** Hours with no delivery at all. Default 0. */
  missingHours?: number;
  /** Malformed records across the page-view deliveries. Default 0. */
  badRows?: number;
}

export interface GenerateWebOptions extends WebOptions {
  /** The data set's folder: files go to outDir/web/. */
  outDir: string;
  seed?: number;
  /** List the ids of each day's changes when fewer user slots than this. Default 5000. */
  keyListLimit?: number;
  onProgress?: (file: string, bytes: number) => void;
}

export const WEB_RATES = {
  leave: 0.0005,
  leaverReturns: 0.3,
  returnAfterDays: [2, 7],
  returnWithNewPostcode: 0.25,
  move: 0.003,
  moveBack: 0.3,
  recentMoveDays: 14,
  recentMoveBack: 0.02,
  join: 0.001,
  unknownUser: 0.003,
  late: 0.01,
  maxLateHours: 3,
  repeatSameSecond: 0.005,
  redelivered: 0.02,
  missingFromFirstDelivery: 0.01,
} as const;

export interface WebDay {
  date: string;
  file: string;
  /** Users in the extract. */
  users: number;
  /** Present the day before and today with another postcode (includes movedBack). */
  moved: number;
  /** Of `moved`, back to the postcode before last (A→B→A). */
  movedBack: number;
  /** Present the day before, absent today. */
  left: number;
  /** Absent the day before (having left), present again today. */
  returned: number;
  /** Of `returned`, with another postcode than when they left. */
  returnedNewPostcode: number;
  /** Ids never seen before. */
  new: number;
  bytes: number;
  /** Only when the user slots are fewer than keyListLimit. */
  ids?: { moved: number[]; movedBack: number[]; left: number[]; returned: number[]; new: number[] };
}

export interface WebHour {
  /** YYYY-MM-DDTHH */
  hour: string;
  /** The delivery (relative to outDir), null for a missing hour. */
  file: string | null;
  /** Valid views in the (first) delivery; for a missing hour, those it would have held. */
  views: number;
  /** Of `views`, views of an earlier hour. */
  late: number;
  /** Of `views`, by an unknown user id. */
  unknownUser: number;
  /** Of `views`, repeating the previous view's user and second. */
  repeats: number;
  /** Malformed records, besides `views`. */
  bad: number;
  /** The re-delivery: its file and its valid views (it also holds the same bad rows). */
  r2: { file: string; views: number } | null;
  missing: boolean;
  bytes: number;
}

export interface WebTruth {
  generator: "strata-generate-web/1";
  seed: number;
  startDate: string;
  days: number;
  users: number;
  viewsPerDay: number;
  format: WebFormat;
  rates: typeof WEB_RATES;
  ids: { known: string; unknown: string };
  postcodes: number;
  urls: number;
  userDays: WebDay[];
  hours: WebHour[];
  totals: {
    userRows: number; views: number; late: number; unknownUser: number; redelivered: number; r2Views: number;
    missingHours: number; missingViews: number; badRows: number; bytes: number;
  };
}

const AREAS = (
  "AB AL B BA BB BD BH BL BN BR BS BT CA CB CF CH CM CO CR CT CV CW DA DD DE DG DH DL DN DT DY E EC EH EN EX FK FY " +
  "G GL GU HA HD HG HP HR HS HU HX IG IP IV KA KT KW KY L LA LD LE LL LN LS LU M ME MK ML N NE NG NN NP NR NW OL OX " +
  "PA PE PH PL PO PR RG RH RM S SA SE SG SK SL SM SN SO SP SR SS ST SW SY TA TD TF TN TQ TR TS TW UB W WA WC WD WF " +
  "WN WR WS WV YO ZE"
).split(" ");
/** UTC hour weights (a UK site: quiet at night, peak in the evening). */
const DIURNAL = [2.0, 1.3, 0.9, 0.7, 0.6, 0.7, 1.2, 2.2, 3.4, 4.3, 4.8, 5.0, 5.3, 5.2, 5.0, 4.9, 5.0, 5.3, 5.8, 6.6, 7.2, 7.0, 5.8, 3.8];
/** Monday … Sunday; Monday–Friday average 1. */
const WEEKLY = [1.03, 1.01, 1.0, 0.98, 0.98, 0.86, 0.92];

/** A seeded order of a list (sort by hash), the first element kept first when `keepFirst`. */
function shuffled<T>(list: T[], seed: number, salt: number, keepFirst = false): T[] {
  const head = keepFirst ? list.slice(0, 1) : [];
  const rest = (keepFirst ? list.slice(1) : list).map((v, i) => ({ v, k: hash4(seed, salt, i, 0) * 4096 + (i % 4096) }));
  return [...head, ...rest.sort((a, b) => a.k - b.k).map((x) => x.v)];
}

export function webPostcodes(seed: number): string[] {
  const codes: string[] = [];
  for (let a = 0; a < AREAS.length; a++) {
    const n = 8 + (hash4(0x5eed, a, 0, 7) % 30); // the list itself does not depend on the seed
    for (let d = 1; d <= n; d++) codes.push(`${AREAS[a]}${d}`);
  }
  return shuffled(codes, seed, 101);
}

export function webUrls(seed: number): string[] {
  const site = "www.website.com";
  const paths = ["index.html", "search.html", "basket.html", "about.html", "help.html", "login.html"];
  for (let n = 1; n <= 2000; n++) paths.push(`books/${n}.html`);
  for (let n = 1; n <= 600; n++) paths.push(`authors/${n}.html`);
  for (let n = 1; n <= 100; n++) paths.push(`offers/${n}.html`);
  for (const g of ["fiction", "crime", "history", "science", "children", "poetry", "travel", "cooking", "art", "music"]) paths.push(`genres/${g}.html`);
  return shuffled(paths.map((p) => `${site}/${p}`), seed, 102, true);
}

const pad2 = (n: number) => String(n).padStart(2, "0");
const ID_BASE = 1_000_000;
/** Views generated (and joined with the day's users) in one query: bounds memory, and the joins per day. */
const BLOCK_VIEWS = 12_000_000;

/** Picks `count` distinct values of [0, n) not in `taken`, in a seeded order. */
function pick(n: number, count: number, seed: number, salt: number, taken: Set<number>): number[] {
  const order = Array.from({ length: n }, (_, i) => i).filter((i) => !taken.has(i));
  return shuffled(order, seed, salt).slice(0, count).sort((a, b) => a - b);
}

/** Writes outDir/web/ and returns its truth (also written to web/generation.json). */
export async function generateWeb(opts: GenerateWebOptions): Promise<WebTruth> {
  const seed = (opts.seed ?? 1) >>> 0;
  const days = Math.floor(opts.days);
  const users = Math.floor(opts.users ?? 2000);
  const viewsPerDay = Math.floor(opts.viewsPerDay ?? 20000);
  const startDate = opts.startDate ?? "2022-03-01";
  const format: WebFormat = opts.format ?? "csv";
  const missingHours = Math.floor(opts.missingHours ?? 0);
  const badRows = Math.floor(opts.badRows ?? 0);
  const keyListLimit = opts.keyListLimit ?? 5000;
  if (!(days >= 1 && days <= 366)) throw new RangeError(`web days must be 1..366 (got ${opts.days})`);
  if (!(users >= 1 && users <= 100_000_000)) throw new RangeError(`web users must be 1..100000000 (got ${opts.users})`);
  if (!(viewsPerDay >= 0 && viewsPerDay <= 2_000_000_000)) throw new RangeError(`web views per day out of range (got ${opts.viewsPerDay})`);
  if (format !== "csv" && format !== "parquet") throw new RangeError(`web format must be csv or parquet (got ${format})`);
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(startDate);
  if (!m) throw new RangeError(`web startDate must be YYYY-MM-DD (got ${startDate})`);
  const day0 = daysFromCivil(+m[1], +m[2], +m[3]);
  const T = days * 24;
  if (!(missingHours >= 0 && missingHours < T)) throw new RangeError(`web missing hours must be 0..${T - 1} (got ${opts.missingHours})`);
  if (!(badRows >= 0 && badRows <= 1_000_000)) throw new RangeError(`web bad rows must be 0..1000000 (got ${opts.badRows})`);

  const ext = format === "csv" ? "csv" : "parquet";
  const copyOpts = format === "csv" ? "(FORMAT csv, HEADER)" : "(FORMAT parquet)";
  const webDir = join(opts.outDir, "web");
  mkdirSync(join(webDir, "users"), { recursive: true });
  mkdirSync(join(webDir, "pageviews"), { recursive: true });

  const postcodes = webPostcodes(seed);
  const urls = webUrls(seed);
  const newPerDay = Math.round(users * WEB_RATES.join);
  const slots = users + newPerDay * (days - 1);
  const withIds = slots < keyListLimit;

  // Which hours: missing, re-delivered, holding bad rows.
  const missing = new Set(pick(T, missingHours, seed, 201, new Set()));
  const redelivered = new Set(pick(T, Math.min(T - missing.size, Math.max(1, Math.round(T * WEB_RATES.redelivered))), seed, 202, missing));
  const present = Array.from({ length: T }, (_, t) => t).filter((t) => !missing.has(t));
  const badAt = new Map<number, number[]>(); // hour -> bad row numbers
  for (let b = 0; b < badRows && present.length > 0; b++) {
    const t = present[hash4(seed, b, 203, 0) % present.length];
    badAt.set(t, [...(badAt.get(t) ?? []), b]);
  }
  // Views per origin hour.
  const dsum = DIURNAL.reduce((s, x) => s + x, 0);
  const views = Array.from({ length: T }, (_, t) => {
    const k = Math.floor(t / 24);
    const dow = (day0 + k + 3) % 7; // 1970-01-01 was a Thursday; Monday = 0
    const noise = 1 + 0.06 * (hash4(seed, t, 204, 0) / 4294967296 - 0.5);
    return Math.round((viewsPerDay * DIURNAL[t % 24] * WEEKLY[dow] * noise) / dsum);
  });

  const db = await Db.open({ memoryLimit: "5GB" });
  try {
    await db.run(`
      CREATE MACRO web_mx(x) AS xor(x, x >> 16)::UBIGINT * 2146121005 % 4294967296;
      CREATE MACRO web_mx2(x) AS xor(x, x >> 15)::UBIGINT * 2221713035 % 4294967296;
      CREATE MACRO web_mix(x) AS xor(web_mx2(web_mx(x)), web_mx2(web_mx(x)) >> 16);
      CREATE MACRO web_k(b) AS web_mix(xor(b::UBIGINT % 4294967296, ${mix32((seed ^ 0x9e3779b9) >>> 0)}::UBIGINT));
      CREATE MACRO web_h(k, c, d) AS web_mix(xor(k, (c::UBIGINT * 256 + d) * 2654435761 % 4294967296));
      CREATE MACRO web_u(k, c, d) AS web_h(k, c, d) / 4294967296.0;
      CREATE MACRO web_id(s, ks) AS ${ID_BASE} + 4 * s::BIGINT + (web_h(ks, 0, 91) % 3)::BIGINT;
      CREATE MACRO web_unknown_id(k) AS ${ID_BASE} + 4 * k::BIGINT + 3;
      CREATE MACRO web_pc(ks, k, salt) AS (1 + floor(${postcodes.length} * pow(web_u(ks, k, salt), 2.5)))::SMALLINT;
    `);
    await db.run(`SET VARIABLE web_pcs = ${sqlLiteral(postcodes)}; SET VARIABLE web_urls = ${sqlLiteral(urls)};`);
    await db.run(`
      -- before day 0: half the users moved once (prev), 0.2 % had left (30 % of them come back on days 1–6)
      CREATE TABLE wu AS SELECT slot, ks::UINTEGER AS ks, web_h(ks, 0, 90)::UINTEGER AS hk, NOT away AS present, pc,
        (CASE WHEN web_u(ks, 0, 7) < 0.5 THEN (CASE WHEN pp = pc THEN pc % ${postcodes.length} + 1 ELSE pp END) ELSE 0 END)::SMALLINT AS prev,
        CASE WHEN away AND web_u(ks, 0, 9) < ${WEB_RATES.leaverReturns} THEN 1 + (web_h(ks, 0, 10) % 6)::INTEGER ELSE -1 END AS ret_day,
        (CASE WHEN away THEN 0 ELSE 5 END)::TINYINT AS ev, -100::SMALLINT AS moved_day
      FROM (SELECT slot::INTEGER AS slot, ks, web_pc(ks, 0, 1) AS pc, web_pc(ks, 0, 11) AS pp, web_u(ks, 0, 8) < 0.002 AS away
            FROM (SELECT slot, web_k(slot) AS ks FROM range(${users}) t(slot)));
      CREATE TABLE wv (t SMALLINT, o SMALLINT, i INTEGER, sec SMALLINT, url SMALLINT, user_id BIGINT, unk BOOLEAN, rep BOOLEAN, miss BOOLEAN);
    `);

    const R = WEB_RATES;
    const NP = postcodes.length;
    const userDays: WebDay[] = [];
    const hours: WebHour[] = [];
    const P: number[] = [];
    let universe = users;
    for (let k = 0; k < days; k++) {
      if (k > 0) {
        const next = universe + newPerDay;
        await db.run(`
          CREATE OR REPLACE TABLE wu AS
          WITH a AS (
            SELECT *, web_u(ks, ${k}, 1) AS u FROM wu
          ), b AS (
            SELECT slot, ks, hk, present, pc, prev, ret_day, moved_day, CASE
              WHEN present AND u < ${R.leave} THEN 3
              WHEN present AND u < ${R.leave + R.move} THEN CASE WHEN prev > 0 AND web_u(ks, ${k}, 3) < ${R.moveBack} THEN 2 ELSE 1 END
              WHEN present AND prev > 0 AND moved_day >= ${k - R.recentMoveDays} AND web_u(ks, ${k}, 12) < ${R.recentMoveBack} THEN 2
              WHEN NOT present AND ret_day = ${k} THEN CASE WHEN web_u(ks, ${k}, 5) < ${R.returnWithNewPostcode} THEN 6 ELSE 4 END
              ELSE 0 END AS ev
            FROM a
          ), c AS (
            SELECT *, CASE WHEN ev IN (1, 6) THEN web_pc(ks, ${k}, 4) END AS np FROM b
          )
          SELECT slot, ks, hk,
            CASE WHEN ev = 3 THEN false WHEN ev IN (4, 6) THEN true ELSE present END AS present,
            CASE WHEN ev = 2 THEN prev WHEN ev IN (1, 6) THEN (CASE WHEN np = pc THEN pc % ${NP} + 1 ELSE np END) ELSE pc END::SMALLINT AS pc,
            CASE WHEN ev IN (1, 2, 6) THEN pc ELSE prev END::SMALLINT AS prev,
            CASE WHEN ev = 3 THEN (CASE WHEN web_u(ks, ${k}, 2) < ${R.leaverReturns}
                                   THEN ${k} + ${R.returnAfterDays[0]} + (web_h(ks, ${k}, 6) % ${R.returnAfterDays[1] - R.returnAfterDays[0] + 1})::INTEGER ELSE -1 END)
                 WHEN ev IN (4, 6) THEN -1 ELSE ret_day END AS ret_day,
            ev::TINYINT AS ev,
            (CASE WHEN ev IN (1, 2, 6) THEN ${k} ELSE moved_day END)::SMALLINT AS moved_day
          FROM c
          UNION ALL
          SELECT slot, ks::UINTEGER, web_h(ks, 0, 90)::UINTEGER, true, web_pc(ks, ${k}, 4), 0::SMALLINT, -1, 5::TINYINT, -100::SMALLINT
          FROM (SELECT slot::INTEGER AS slot, web_k(slot) AS ks FROM range(${universe}, ${next}) t(slot));
        `);
        universe = next;
      }
      const date = fmtDay(day0 + k);
      const file = `web/users/${date}.${ext}`;
      await db.run(`COPY (SELECT web_id(slot, ks) AS id, getvariable('web_pcs')[pc] AS postcode FROM wu WHERE present ORDER BY slot) TO ${sqlLiteral(join(opts.outDir, file))} ${copyOpts}`);
      const [c] = await db.all<Record<string, number>>(`
        SELECT count(*) FILTER (WHERE present) AS users, count(*) FILTER (WHERE ev IN (1, 2)) AS moved, count(*) FILTER (WHERE ev = 2) AS moved_back,
          count(*) FILTER (WHERE ev = 3) AS left, count(*) FILTER (WHERE ev IN (4, 6)) AS returned, count(*) FILTER (WHERE ev = 6) AS returned_new,
          count(*) FILTER (WHERE ev = 5) AS new FROM wu`);
      const day: WebDay = {
        date, file, users: Number(c.users), moved: Number(c.moved), movedBack: Number(c.moved_back), left: Number(c.left),
        returned: Number(c.returned), returnedNewPostcode: Number(c.returned_new), new: Number(c.new), bytes: statSync(join(opts.outDir, file)).size,
      };
      if (withIds) {
        const rows = await db.all<{ ev: number; ids: number[] }>(`SELECT ev, list(web_id(slot, ks) ORDER BY slot) AS ids FROM wu WHERE ev > 0 GROUP BY ev ORDER BY ev`);
        const of = (...evs: number[]) => rows.filter((r) => evs.includes(r.ev)).flatMap((r) => r.ids.map(Number)).sort((a, b) => a - b);
        day.ids = { moved: of(1, 2), movedBack: of(2), left: of(3), returned: of(4, 6), new: of(5) };
      }
      userDays.push(day);
      opts.onProgress?.(file, day.bytes);
      P[k] = day.users;

      // The users a view can be by: today's, one row per rank in a fixed per-user order (heavy users first).
      await db.run(`CREATE OR REPLACE TABLE wact AS SELECT row_number() OVER (ORDER BY hk, slot) - 1 AS r, web_id(slot, ks) AS id FROM wu WHERE present;`);
      // the day's origin hours in blocks of about BLOCK_VIEWS views; a block's hours are complete once it is made
      for (let h0 = 0; h0 < 24; ) {
        let h1 = h0 + 1;
        for (let sum = views[k * 24 + h0]; h1 < 24 && sum + views[k * 24 + h1] <= BLOCK_VIEWS; h1++) sum += views[k * 24 + h1];
        await makeViews(k, h0, h1, universe);
        for (let h = h0; h < h1; h++) hours.push(await writeHour(db, k * 24 + h));
        h0 = h1;
      }
    }

    /**
     * The views of day k's hours h0 … h1 - 1 in one pass (one join with the day's ranked users),
     * added to wv, which keeps only the earlier hours' views delivered from hour o0 on (late). A view's second within its hour
     * is stratified, ⌊3600·(i + u)/n⌋, so (o, i) order is time order.
     */
    async function makeViews(k: number, h0: number, h1: number, universe: number) {
      const o0 = k * 24 + h0;
      const n = views.slice(o0, k * 24 + h1);
      const starts = n.map((_, h) => n.slice(0, h).reduce((s, x) => s + x, 0));
      const total = starts[n.length - 1] + n[n.length - 1];
      const hourOf = starts.slice(1).map((s) => `(g >= ${s})::INTEGER`).join(" + ") || "0";
      await db.run(`CREATE OR REPLACE TABLE wv AS SELECT * FROM wv WHERE t >= ${o0};
        SET preserve_insertion_order = false;
        INSERT INTO wv
        WITH a AS (SELECT g, ${hourOf} AS h FROM range(${total}) r(g)),
        b AS (SELECT ${o0} + h AS o, (g - [${starts.join(", ")}][h + 1])::INTEGER AS i, [${n.join(", ")}][h + 1] AS n FROM a),
        c AS (SELECT o, i, n, web_k(i) AS ki FROM b),
        d AS (SELECT o, i, n, ki, i > 0 AND web_u(ki, o, 20) < ${R.repeatSameSecond} AS rep FROM c),
        e AS (SELECT o, i, n, ki, rep, CASE WHEN rep THEN i - 1 ELSE i END AS j, CASE WHEN rep THEN web_k(i - 1) ELSE ki END AS kj FROM d),
        f AS (SELECT *, web_u(kj, o, 24) < ${R.unknownUser} AS unk FROM e)
        SELECT (o + least(CASE WHEN web_u(ki, o, 21) < ${R.late} THEN 1 + web_h(ki, o, 22) % ${R.maxLateHours} ELSE 0 END, ${T - 1} - o))::SMALLINT AS t,
          o::SMALLINT AS o, i, floor(3600 * (j + web_u(kj, o, 27)) / n)::SMALLINT AS sec,
          (1 + floor(${urls.length} * pow(web_u(ki, o, 28), 2.5)))::SMALLINT AS url,
          CASE WHEN unk THEN web_unknown_id(web_h(kj, o, 25) % ${universe + 1000}) ELSE a.id END AS user_id,
          unk, rep, web_u(ki, o, 23) < ${R.missingFromFirstDelivery} AS miss
        FROM f LEFT JOIN wact a ON a.r = floor(${P[k]} * pow(web_u(kj, o, 26), 3))::BIGINT;
        SET preserve_insertion_order = true;`);
      // a re-delivered hour's first delivery lacks at least one view: its hour's first
      for (let t = o0; t < o0 + n.length; t++) {
        if (redelivered.has(t)) await db.run(`UPDATE wv SET miss = true WHERE o = ${t} AND t = ${t} AND i = (SELECT min(i) FROM wv WHERE o = ${t} AND t = ${t})`);
      }
    }

    async function writeHour(db: Db, t: number): Promise<WebHour> {
      const k = Math.floor(t / 24);
      const label = `${fmtDay(day0 + k)}T${pad2(t % 24)}`;
      const isR2 = redelivered.has(t);
      const [c] = await db.all<Record<string, number>>(`
        SELECT count(*) FILTER (WHERE ${isR2 ? "NOT miss" : "true"}) AS views, count(*) FILTER (WHERE o < ${t} AND ${isR2 ? "NOT miss" : "true"}) AS late,
          count(*) FILTER (WHERE unk AND ${isR2 ? "NOT miss" : "true"}) AS unk, count(*) FILTER (WHERE rep AND ${isR2 ? "NOT miss" : "true"}) AS rep,
          count(*) AS all_views FROM wv WHERE t = ${t}`);
      const bad = badAt.get(t) ?? [];
      const hour: WebHour = {
        hour: label, file: null, views: Number(c.views), late: Number(c.late), unknownUser: Number(c.unk), repeats: Number(c.rep),
        bad: missing.has(t) ? 0 : bad.length, r2: null, missing: missing.has(t), bytes: 0,
      };
      if (missing.has(t)) return hour;
      const someUser = (b: number) => `(SELECT id FROM wact WHERE r = ${hash4(seed, b, 207, 0) % Math.max(1, P[k])})`;
      const hourStartUs = BigInt(day0 * 24 + t) * 3_600_000_000n;
      const badSql = bad.map((b, n) => {
        const sec = hash4(seed, b, 205, 0) % 3600;
        const at = `make_timestamp(${hourStartUs + BigInt(sec) * 1_000_000n})`;
        const kind = b % 3;
        const y = fmtDay(day0 + k).slice(0, 4);
        const url = kind === 2 ? "''" : sqlLiteral(urls[0]);
        if (format === "csv") {
          const uid = kind === 0 ? `'user${hash4(seed, b, 206, 0) % 100000}'` : `${someUser(b)}::VARCHAR`;
          const ts = kind === 1 ? `'${y}-02-30 ${pad2(t % 24)}:${pad2(hash4(seed, b, 208, 0) % 60)}:00'` : `CAST(${at} AS VARCHAR)`;
          return `SELECT ${uid}, ${url}, ${ts}, ${t}, ${sec}, ${-1 - n}`;
        }
        const uid = kind === 0 ? "NULL::BIGINT" : someUser(b);
        const ts = kind === 1 ? "TIMESTAMP '1970-01-01 00:00:00'" : at;
        return `SELECT ${uid}, ${url}, ${ts}, ${t}, ${sec}, ${-1 - n}`;
      });
      const write = async (file: string, all: boolean) => {
        const ts = `make_timestamp((${day0 * 24} + o::BIGINT) * 3600000000 + sec::BIGINT * 1000000)`;
        const cols = format === "csv"
          ? `user_id${bad.length ? "::VARCHAR" : ""}, getvariable('web_urls')[url], CAST(${ts} AS VARCHAR)`
          : `user_id, getvariable('web_urls')[url], ${ts}`;
        const where = `t = ${t}${all ? "" : " AND NOT miss"}`;
        // (o, i) order is time order (the join does not keep the table in it: sort, the narrow rows before formatting)
        const query = bad.length === 0
          ? `SELECT ${cols} FROM (SELECT o, sec, url, user_id FROM wv WHERE ${where} ORDER BY o, i)`
          : `SELECT user_id, url, pageview_datetime FROM (SELECT ${cols}, o, sec, i FROM wv WHERE ${where}${badSql.map((b) => ` UNION ALL ${b}`).join("")})
               x(user_id, url, pageview_datetime, k1, k2, k3) ORDER BY k1, k2, k3`;
        await db.run(`COPY (SELECT * FROM (${query}) y(user_id, url, pageview_datetime)) TO ${sqlLiteral(join(opts.outDir, file))} ${copyOpts}`);
        const bytes = statSync(join(opts.outDir, file)).size;
        opts.onProgress?.(file, bytes);
        return bytes;
      };
      hour.file = `web/pageviews/${label}.${ext}`;
      hour.bytes = await write(hour.file, !isR2);
      if (isR2) {
        const file = `web/pageviews/${label}.r2.${ext}`;
        hour.bytes += await write(file, true);
        hour.r2 = { file, views: Number(c.all_views) };
      }
      return hour;
    }

    const delivered = hours.filter((h) => !h.missing);
    const sum = (list: WebHour[], f: (h: WebHour) => number) => list.reduce((s, h) => s + f(h), 0);
    const truth: WebTruth = {
      generator: "strata-generate-web/1", seed, startDate, days, users, viewsPerDay, format, rates: WEB_RATES,
      ids: { known: `${ID_BASE} + 4·slot + (h(slot) mod 3)`, unknown: `${ID_BASE} + 4·k + 3` },
      postcodes: postcodes.length, urls: urls.length, userDays, hours,
      totals: {
        userRows: userDays.reduce((s, d) => s + d.users, 0),
        views: sum(delivered, (h) => h.views), late: sum(delivered, (h) => h.late), unknownUser: sum(delivered, (h) => h.unknownUser),
        redelivered: delivered.filter((h) => h.r2).length, r2Views: sum(delivered, (h) => h.r2?.views ?? 0),
        missingHours: hours.length - delivered.length, missingViews: sum(hours.filter((h) => h.missing), (h) => h.views),
        badRows: sum(delivered, (h) => h.bad),
        bytes: userDays.reduce((s, d) => s + d.bytes, 0) + sum(delivered, (h) => h.bytes),
      },
    };
    writeFileSync(join(webDir, "generation.json"), JSON.stringify(truth, null, 1) + "\n");
    return truth;
  } finally {
    db.close();
  }
}

