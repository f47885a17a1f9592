// Web analytics (docs/web-analytics.md): page views per postcode by the user's current postcode
// and by the postcode at view time, on a hand-made case whose right numbers are worked out below.
//
// Postcodes A = SW19, B = E1, C = M60. Users extracts (taken 00:00 UTC):
//   2022-03-01: u1 A, u2 B, u4 A
//   2022-03-02: u1 B (moved), u3 C (new), u4 A            (u2 left)
//   2022-03-03: u1 A (moved back), u2 C (returned, moved), u3 C, u4 A
// u9 is in no extract. Deliveries, in load order:
//   users 03-01
//   views 03-01T10: u1 10:15:00 twice (same second: two views), u3 10:20 (before u3's first extract),
//                   u9 10:30 (unknown user), and a bad row (user_id "abc")
//   views 03-01T11: u4 11:00:00 (exactly on the hour: hour 11), u2 11:59:59, u4 11:10 and u4 11:20
//   views 03-02T00: u1 00:00:00 (exactly at the 03-02 extract's instant: B, once restamped),
//                   u2 00:30 (absent from the 03-02 extract) — loaded before that extract
//   users 03-02      (restamps 03-02T00's views)
//   views 03-02T05: u3 05:10, and a late view u4 2022-03-01 23:50
//   views 03-01T11 again (a re-extract): u4 11:00:00, u2 11:59:59, u4 11:30 — replaces the first
//   users 03-03 (as Parquet)
//   views 03-03T12: u1 12:00 (as Parquet)
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { cpSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import { Db } from "../data-loaders/db.ts";
import type { DeliveryReport } from "../data-loaders/load/delivery.ts";
import { ingestPageviews } from "../data-loaders/sources/web-analytics/pageviews.ts";
import { ingestUsers } from "../data-loaders/sources/web-analytics/users.ts";
import { runChecks } from "../data-loaders/checks/index.ts";
import { readSnapshot } from "../data-loaders/warehouse/manifest.ts";
import { queryWarehouse } from "../data-loaders/query.ts";
import { repoRoot, tempDir } from "./support/warehouse.ts";

const [A, B, C] = ["SW19", "E1", "M60"];
const extracts: Record<string, [number, string][]> = {
  "2022-03-01": [[1, A], [2, B], [4, A]],
  "2022-03-02": [[1, B], [3, C], [4, A]],
  "2022-03-03": [[1, A], [2, C], [3, C], [4, A]],
};
const views: Record<string, string[]> = {
  "2022-03-01T10": ["1,www.site.com/a,2022-03-01 10:15:00", "1,www.site.com/a,2022-03-01 10:15:00", "3,www.site.com/b,2022-03-01 10:20:00", "9,www.site.com/c,2022-03-01 10:30:00", "abc,www.site.com/d,2022-03-01 10:40:00"],
  "2022-03-01T11": ["4,www.site.com/a,2022-03-01 11:00:00", "2,www.site.com/a,2022-03-01 11:59:59", "4,www.site.com/b,2022-03-01 11:10:00", "4,www.site.com/b,2022-03-01 11:20:00"],
  "2022-03-01T11.r2": ["4,www.site.com/a,2022-03-01 11:00:00", "2,www.site.com/a,2022-03-01 11:59:59", "4,www.site.com/b,2022-03-01 11:30:00"],
  "2022-03-02T00": ["1,www.site.com/a,2022-03-02 00:00:00", "2,www.site.com/a,2022-03-02 00:30:00"],
  "2022-03-02T05": ["3,www.site.com/a,2022-03-02 05:10:00", "4,www.site.com/late,2022-03-01 23:50:00"],
  "2022-03-03T12": ["1,www.site.com/a,2022-03-03 12:00:00"],
};

/** Writes the users extract of `date` (CSV, or Parquet through DuckDB). */
async function usersFile(dir: string, date: string, format: "csv" | "parquet"): Promise<string> {
  const csv = join(dir, `${date}.csv`);
  writeFileSync(csv, `id,postcode\n${extracts[date].map(([id, pc]) => `${id},${pc}`).join("\n")}\n`);
  return format === "csv" ? csv : toParquet(csv, "id::BIGINT AS id, postcode");
}

async function viewsFile(dir: string, name: string, format: "csv" | "parquet"): Promise<string> {
  const csv = join(dir, `${name}.csv`);
  writeFileSync(csv, `user_id,url,pageview_datetime\n${views[name].map((l) => l.replace(/^([^,]*),([^,]*),/, '$1,"$2",')).join("\n")}\n`);
  return format === "csv" ? csv : toParquet(csv, "user_id::BIGINT AS user_id, url, pageview_datetime::TIMESTAMP AS pageview_datetime");
}

async function toParquet(csv: string, select: string): Promise<string> {
  const out = csv.replace(/\.csv$/, ".parquet");
  const db = await Db.open();
  await db.run(`COPY (SELECT ${select} FROM read_csv('${csv}', all_varchar = true)) TO '${out}' (FORMAT parquet)`);
  db.close();
  return out;
}

async function ask(warehouse: string, sql: string): Promise<Record<string, unknown>[]> {
  const result = await queryWarehouse(warehouse, sql);
  return result.rows.map((r) => Object.fromEntries(result.columns.map((c, i) => [c.name, r[i]])));
}

/** views per (period, postcode) for a basis, as "postcode:views" sorted, per period. */
async function answer(warehouse: string, basis: string, period: "hour" | "day" | "week" | "month"): Promise<Record<string, string>> {
  const rows = await ask(warehouse, `
    SELECT strftime(date_trunc('${period}', hour), '%Y-%m-%d %H') AS period, string_agg(coalesce(postcode, '?') || ':' || v, ' ' ORDER BY coalesce(postcode, '?')) AS counts
    FROM (SELECT date_trunc('${period}', hour) AS hour, postcode, sum(views)::BIGINT AS v FROM pageviews_by_postcode WHERE basis = '${basis}' GROUP BY ALL)
    GROUP BY ALL ORDER BY period`);
  return Object.fromEntries(rows.map((r) => [r.period as string, r.counts as string]));
}

describe("web analytics: both answers on a hand-made case", () => {
  const dir = tempDir("web-feeds");
  const warehouse = tempDir("web-wh");
  const reports: Record<string, DeliveryReport> = {};

  before(async () => {
    const users = async (date: string, format: "csv" | "parquet" = "csv") => {
      reports[`users ${date}`] = await ingestUsers({ warehouse, location: await usersFile(dir, date, format), date });
    };
    const hour = async (name: string, format: "csv" | "parquet" = "csv") => {
      reports[`views ${name}`] = await ingestPageviews({ warehouse, location: await viewsFile(dir, name, format), hour: name.slice(0, 13) });
    };
    await users("2022-03-01");
    await hour("2022-03-01T10");
    await hour("2022-03-01T11");
    await hour("2022-03-02T00");
    await users("2022-03-02");
    await hour("2022-03-02T05");
    await hour("2022-03-01T11.r2");
    await users("2022-03-03", "parquet");
    await hour("2022-03-03T12", "parquet");
  });

  test("by the postcode at view time, per hour", async () => {
    assert.deepEqual(await answer(warehouse, "at_view", "hour"), {
      "2022-03-01 10": "?:2 SW19:2", // u1 twice in one second; u3 before its first extract and u9 unknown
      "2022-03-01 11": "E1:1 SW19:2", // the re-extract's three views, not the first delivery's four
      "2022-03-01 23": "SW19:1", // the late view, in the hour it happened
      "2022-03-02 00": "?:1 E1:1", // u1 at the 03-02 extract's instant: its new postcode; u2 had left
      "2022-03-02 05": "M60:1",
      "2022-03-03 12": "SW19:1",
    });
  });

  test("by the user's current postcode, per hour", async () => {
    assert.deepEqual(await answer(warehouse, "current", "hour"), {
      "2022-03-01 10": "?:1 M60:1 SW19:2", // u3 is known now (M60); u9 never
      "2022-03-01 11": "M60:1 SW19:2", // u2 came back in M60
      "2022-03-01 23": "SW19:1",
      "2022-03-02 00": "M60:1 SW19:1", // u1 moved back to SW19
      "2022-03-02 05": "M60:1",
      "2022-03-03 12": "SW19:1",
    });
  });

  test("every period and basis adds up to the views stored: nothing lost or counted twice", async () => {
    const [{ stored }] = await ask(warehouse, "SELECT count(*)::BIGINT AS stored FROM web_pageviews");
    assert.equal(stored, 12);
    for (const period of ["hour", "day", "week", "month"] as const) {
      for (const basis of ["at_view", "current"]) {
        const [{ total, per }] = await ask(warehouse, `
          SELECT sum(v)::BIGINT AS total, count(DISTINCT p)::INTEGER AS per FROM (
            SELECT date_trunc('${period}', hour) AS p, sum(views) AS v FROM pageviews_by_postcode WHERE basis = '${basis}' GROUP BY ALL)`);
        assert.equal(total, 12, `${basis} by ${period}`);
        assert.ok((per as number) >= 1);
      }
    }
    assert.deepEqual(await answer(warehouse, "at_view", "day"), { "2022-03-01 00": "?:2 E1:1 SW19:5", "2022-03-02 00": "?:1 E1:1 M60:1", "2022-03-03 00": "SW19:1" });
    assert.deepEqual(await answer(warehouse, "current", "day"), { "2022-03-01 00": "?:1 M60:2 SW19:5", "2022-03-02 00": "M60:2 SW19:1", "2022-03-03 00": "SW19:1" });
  });

  test("where the answers differ, the flow between postcodes", async () => {
    const rows = await ask(warehouse, `SELECT strftime(hour, '%d %H') AS h, coalesce(from_postcode, '?') AS f, coalesce(to_postcode, '?') AS t, views FROM pageview_moves ORDER BY ALL`);
    assert.deepEqual(rows.map((r) => `${r.h} ${r.f}→${r.t} ${r.views}`), ["01 10 ?→M60 1", "01 11 E1→M60 1", "02 00 ?→M60 1", "02 00 E1→SW19 1"]);
  });

  test("the views stored, stamped; a bad row quarantined with its reason", async () => {
    const stamped = await ask(warehouse, `SELECT user_id, strftime(viewed_at, '%d %H:%M:%S') AS at, coalesce(postcode, '?') AS pc, CAST(view_date AS VARCHAR) AS d FROM web_pageviews ORDER BY viewed_at, user_id`);
    assert.deepEqual(stamped.map((r) => `${r.user_id} ${r.at} ${r.pc} ${r.d}`), [
      "1 01 10:15:00 SW19 2022-03-01", "1 01 10:15:00 SW19 2022-03-01", "3 01 10:20:00 ? 2022-03-01", "9 01 10:30:00 ? 2022-03-01",
      "4 01 11:00:00 SW19 2022-03-01", "4 01 11:30:00 SW19 2022-03-01", "2 01 11:59:59 E1 2022-03-01", "4 01 23:50:00 SW19 2022-03-01",
      "1 02 00:00:00 E1 2022-03-02", "2 02 00:30:00 ? 2022-03-02", "3 02 05:10:00 M60 2022-03-02", "1 03 12:00:00 SW19 2022-03-03",
    ]);
    const quarantine = await ask(warehouse, `SELECT entity, reason, record_index FROM quarantine WHERE entity = 'web_pageviews'`);
    assert.deepEqual(quarantine, [{ entity: "web_pageviews", reason: "line 6: user_id: does not match ^\\d{1,18}$", record_index: 4 }]);
    const loads = await ask(warehouse, `SELECT records_in, accepted, quarantined FROM loads WHERE source = 'pageviews' AND load_id = 'pageviews/2022-03-01T10'`);
    assert.deepEqual(loads, [{ records_in: 5, accepted: 4, quarantined: 1 }]);
  });

  test("the run reports: unknown postcodes counted, late views, a re-delivery replacing, a users extract restating", () => {
    assert.deepEqual(reports["views 2022-03-01T10"].tables[0].details, { views: 4, late: 0, unknownPostcode: { "unknown user": 2 }, replacedViews: 0, dates: ["2022-03-01"] });
    assert.deepEqual(reports["views 2022-03-02T05"].tables[0].details, { views: 2, late: 1, unknownPostcode: {}, replacedViews: 0, dates: ["2022-03-01", "2022-03-02"] });
    assert.equal(reports["views 2022-03-01T11.r2"].status, "reloaded");
    assert.deepEqual(reports["views 2022-03-01T11.r2"].tables[0].details, { views: 3, late: 0, unknownPostcode: {}, replacedViews: 4, dates: ["2022-03-01"] });
    // the 03-02 extract arrived after hour 00's views: they are stamped again (u1: SW19 → E1)
    assert.deepEqual(reports["users 2022-03-02"].details, { restampedViews: 2, movedUsers: 2, recountedViews: 3, recountedDates: ["2022-03-01", "2022-03-02"] });
    // u1 back to SW19 and u2 back in M60: their five earlier views change current postcode
    assert.deepEqual(reports["users 2022-03-03"].details, { restampedViews: 0, movedUsers: 2, recountedViews: 5, recountedDates: ["2022-03-01", "2022-03-02"] });
  });

  test("an hour delivered again with the same bytes changes nothing; with other bytes it replaces only its own views", async () => {
    const before = readSnapshot(warehouse).manifest;
    const again = await ingestPageviews({ warehouse, location: join(dir, "2022-03-03T12.parquet"), hour: "2022-03-03T12" });
    assert.equal(again.status, "already-loaded");
    assert.equal(readSnapshot(warehouse).manifest.version, before.version);
    // the first 03-01T11 delivery's views are gone, every other hour's are as they were
    const [{ n }] = await ask(warehouse, "SELECT count(*)::INTEGER AS n FROM web_pageviews WHERE delivery_hour = TIMESTAMP '2022-03-01 11:00:00'");
    assert.equal(n, 3);
    const landed = readdirSync(join(warehouse, "landing", "pageviews")).filter((d) => d.startsWith("2022-03-01T11"));
    assert.equal(landed.length, 2, "the first delivery's raw files stay landed beside the re-delivery's");
  });

  test("the users' history: a move, a move back, a leaver who returns", async () => {
    const rows = await ask(warehouse, `SELECT user_id, postcode, CAST(valid_from AS VARCHAR) AS f, is_deleted FROM web_users_history WHERE user_id IN (1, 2) ORDER BY user_id, valid_from`);
    assert.deepEqual(rows.map((r) => `${r.user_id} ${r.postcode} ${r.f}${r.is_deleted ? " gone" : ""}`), [
      "1 SW19 2022-03-01", "1 E1 2022-03-02", "1 SW19 2022-03-03", "2 E1 2022-03-01", "2 E1 2022-03-02 gone", "2 M60 2022-03-03",
    ]);
  });

  test("the data tests hold, and catch counts a users extract failed to restate", async () => {
    const web = (await runChecks(warehouse)).filter((r) => r.check.startsWith("pageview_"));
    assert.deepEqual(web.map((r) => [r.check, r.violations, r.skipped]), [
      ["pageview_counts_not_matching_a_recount", 0, undefined],
      ["pageview_counts_not_matching_the_views", 0, undefined],
    ]);
    // a copy whose counts miss the 03-03 extract's restatement: u1's and u2's earlier views keep their old current postcode
    const broken = tempDir("web-wh-broken");
    const dates = ["2022-03-01", "2022-03-02"];
    for (const date of dates) await ingestUsers({ warehouse: broken, location: await usersFile(dir, date, "csv"), date });
    for (const name of ["2022-03-01T10", "2022-03-01T11.r2", "2022-03-02T00", "2022-03-02T05"]) {
      await ingestPageviews({ warehouse: broken, location: await viewsFile(dir, name, "csv"), hour: name.slice(0, 13) });
    }
    const counts = readSnapshot(broken).manifest.tables.web_pageview_counts;
    const saved = tempDir("web-counts");
    for (const f of counts) cpSync(join(readSnapshot(broken).dir, f), join(saved, f.replaceAll("/", "_")));
    await ingestUsers({ warehouse: broken, location: await usersFile(dir, "2022-03-03", "csv"), date: "2022-03-03" });
    const after = readSnapshot(broken);
    // put the counts from before the extract back in place of the restated ones (a date's file for the same date's)
    const dateOf = (f: string) => /view_date=([\d-]+)/.exec(f)![1];
    for (const f of after.manifest.tables.web_pageview_counts) {
      const before = counts.find((c) => dateOf(c) === dateOf(f))!;
      rmSync(join(after.dir, f));
      cpSync(join(saved, before.replaceAll("/", "_")), join(after.dir, f));
    }
    const result = (await runChecks(broken)).find((r) => r.check === "pageview_counts_not_matching_a_recount")!;
    assert.equal(result.violations > 0, true);
  });

  test("the same deliveries in another order (every extract first) give the same answers", async () => {
    const other = tempDir("web-wh-other");
    for (const date of Object.keys(extracts)) await ingestUsers({ warehouse: other, location: await usersFile(dir, date, "csv"), date });
    for (const name of ["2022-03-03T12", "2022-03-01T11.r2", "2022-03-02T05", "2022-03-02T00", "2022-03-01T10"]) {
      await ingestPageviews({ warehouse: other, location: await viewsFile(dir, name, "csv"), hour: name.slice(0, 13) });
    }
    for (const basis of ["at_view", "current"]) {
      assert.deepEqual(await answer(other, basis, "hour"), await answer(warehouse, basis, "hour"), basis);
    }
  });

  test("the CLI: --hour is required and checked; a view after the delivered hour is quarantined", async () => {
    const strata = (...args: string[]) => execFileSync(process.execPath, [join(repoRoot, "bin", "strata.js"), ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    assert.throws(() => strata("ingest", "pageviews", join(dir, "2022-03-01T10.csv"), "--warehouse", warehouse), /--hour YYYY-MM-DDTHH is required/);
    assert.throws(() => strata("ingest", "pageviews", join(dir, "2022-03-01T10.csv"), "--hour", "2022-03-01T25", "--warehouse", warehouse), /--hour 2022-03-01T25: expected an hour/);
    const early = tempDir("web-early");
    writeFileSync(join(early, "h.csv"), "user_id,url,pageview_datetime\n4,www.site.com/a,2022-03-04 09:59:59\n4,www.site.com/a,2022-03-04 10:00:00\n");
    const out = JSON.parse(strata("ingest", "pageviews", join(early, "h.csv"), "--hour", "2022-03-04T09", "--warehouse", warehouse, "--json")) as DeliveryReport;
    assert.deepEqual([out.tables[0].accepted, out.tables[0].quarantined], [1, 1]);
    const [q] = await ask(warehouse, `SELECT reason FROM quarantine WHERE load_id = 'pageviews/2022-03-04T09'`);
    assert.equal(q.reason, "line 3: pageview_datetime: after the delivered hour (2022-03-04T09)");
    // status: the feeds' freshness, every hour between the first and the last loaded that never arrived
    const { web } = JSON.parse(strata("status", "--warehouse", warehouse)) as { web: { lastUsersExtract: string; hoursLoaded: number; missingHours: string[] } };
    assert.equal(web.lastUsersExtract, "2022-03-03");
    assert.equal(web.hoursLoaded, 6);
    assert.equal(web.missingHours.length, 72 - 6); // 2022-03-01T10 … 2022-03-04T09
    assert.deepEqual(web.missingHours.slice(0, 2), ["2022-03-01T12", "2022-03-01T13"]);
  });
});
