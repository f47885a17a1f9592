// Tests for the web analytics feeds (data-loaders/generate/web.ts): determinism, the truth file
// against the files (counted with DuckDB), the users model (moves back, returns, unknown ids),
// late views, re-deliveries, missing hours, bad rows, the daily rhythm.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { generateWeb, type WebTruth } from "../data-loaders/generate/web.ts";
import { files, hashDir } from "./support/files.ts";

const tmp = mkdtempSync(join(tmpdir(), "strata-gen-web-"));
process.on("exit", () => rmSync(tmp, { recursive: true, force: true }));


const db = (async () => (await DuckDBInstance.create(":memory:")).connect())();
async function rows(sql: string): Promise<Record<string, any>[]> {
  const reader = await (await db).runAndReadAll(sql);
  return reader.getRowObjectsJson() as Record<string, any>[];
}
const q = (s: string) => `'${s.replaceAll("'", "''")}'`;

// 20,000 users over 8 days (enough leavers to see returns), few views; 2 missing hours, 5 bad rows.
const OPTS = { days: 8, users: 20000, viewsPerDay: 6000, startDate: "2022-03-03", missingHours: 2, badRows: 5, seed: 5, keyListLimit: 50000 } as const;
const DIR = join(tmp, "a");
const made = generateWeb({ ...OPTS, outDir: DIR });
/** The day index of a users extract, from its file name (SQL). */
const dayIndex = (t: WebTruth) => `list_position([${t.userDays.map((d) => q(d.date)).join(", ")}], regexp_extract(filename, '(\\d{4}-\\d{2}-\\d{2})\\.csv$', 1)) - 1`;
const csvOf = (dir: string, file: string) => `read_csv(${q(join(dir, file))}, header = true, all_varchar = true, quote = '"')`;

test("same options give byte-identical files; another seed differs", async () => {
  await made;
  const again = join(tmp, "again");
  await generateWeb({ ...OPTS, outDir: again });
  assert.equal(hashDir(again), hashDir(DIR));
  const other = join(tmp, "other");
  await generateWeb({ ...OPTS, seed: 6, outDir: other });
  assert.notEqual(hashDir(other), hashDir(DIR));
  rmSync(again, { recursive: true });
  rmSync(other, { recursive: true });
});

test("layout: a users extract a day, an hourly delivery but the missing hours, r2 files, the truth file", async () => {
  const t = await made;
  const rel = files(DIR).map((f) => relative(DIR, f));
  const expected = ["web/generation.json", ...t.userDays.map((d) => d.file)];
  for (const h of t.hours) {
    if (h.file) expected.push(h.file);
    if (h.r2) expected.push(h.r2.file);
  }
  assert.deepEqual(rel, expected.sort());
  assert.equal(t.hours.length, 8 * 24);
  assert.equal(t.userDays[0].file, "web/users/2022-03-03.csv");
  assert.equal(t.hours[0].file, "web/pageviews/2022-03-03T00.csv");
  assert.deepEqual(JSON.parse(readFileSync(join(DIR, "web/generation.json"), "utf8")), t);
  const head = readFileSync(join(DIR, t.hours.find((h) => h.file)!.file!), "utf8").split("\n")[0];
  assert.equal(head, "user_id,url,pageview_datetime");
  assert.equal(readFileSync(join(DIR, t.userDays[0].file), "utf8").split("\n")[0], "id,postcode");
});

test("the truth's counts match the files", async () => {
  const t = await made;
  for (const d of t.userDays) {
    const [r] = await rows(`SELECT count(*)::INTEGER AS n, count(DISTINCT id)::INTEGER AS ids, count(*) FILTER (WHERE NOT regexp_full_match(postcode, '[A-Z]{1,2}[0-9]{1,2}'))::INTEGER AS odd FROM ${csvOf(DIR, d.file)}`);
    assert.deepEqual(r, { n: d.users, ids: d.users, odd: 0 }, d.file);
  }
  const [all] = await rows(`SELECT count(*)::INTEGER AS n FROM ${csvOf(DIR, "web/pageviews/*T[0-9][0-9].csv")}`);
  assert.equal(all.n, t.totals.views + t.totals.badRows);
  for (const h of t.hours.filter((h) => h.file).slice(0, 30)) {
    const [r] = await rows(`SELECT count(*)::INTEGER AS n, count(*) FILTER (WHERE TRY_CAST(pageview_datetime AS TIMESTAMP) < ${q(h.hour.replace("T", " ") + ":00:00")})::INTEGER AS late FROM ${csvOf(DIR, h.file!)}`);
    assert.equal(r.n, h.views + h.bad, h.file!);
    assert.equal(r.late, h.late, h.file!);
  }
  assert.ok(t.totals.views > 6000 * 8 * 0.8, `${t.totals.views} views`);
});

test("a user moves back to the postcode before last (A→B→A)", async () => {
  const t = await made;
  const truth = new Set(t.userDays.flatMap((d, k) => (d.ids?.movedBack ?? []).map((id) => `${id}@${k}`)));
  assert.ok(truth.size > 0, "no move back in the truth");
  // every A→B→A seen in the extracts (day k's postcode is the one before the previous change) is one the truth lists
  const seen = await rows(`
    WITH x AS (SELECT id, postcode, ${dayIndex(t)} AS k FROM read_csv(${q(join(DIR, "web/users/*.csv"))}, header = true, all_varchar = true, filename = true)),
    c AS (SELECT *, lag(postcode) OVER (PARTITION BY id ORDER BY k) AS p1, lag(k) OVER (PARTITION BY id ORDER BY k) AS k1 FROM x),
    m AS (SELECT id, k, k1, postcode, lag(p1) OVER (PARTITION BY id ORDER BY k) AS before_last FROM c WHERE p1 <> postcode)
    SELECT id, k FROM m WHERE postcode = before_last AND k1 = k - 1 ORDER BY id, k`);
  assert.ok(seen.length > 0, "no A→B→A within the extracts");
  for (const r of seen) assert.ok(truth.has(`${r.id}@${r.k}`), `${r.id} on day ${r.k}`);
});

test("a user who left comes back", async () => {
  const t = await made;
  const left = new Set(t.userDays.flatMap((d) => d.ids?.left ?? []));
  assert.ok(left.size > 0);
  const returned = t.userDays.flatMap((d, k) => (d.ids?.returned ?? []).map((id) => ({ id, k })));
  const both = returned.find(({ id }) => left.has(id));
  assert.ok(both, "no leaver returned within the window");
  const present = await rows(`SELECT filename FROM read_csv(${q(join(DIR, "web/users/*.csv"))}, header = true, all_varchar = true, filename = true) WHERE id = '${both.id}' ORDER BY filename`);
  const days = present.map((r) => t.userDays.findIndex((d) => r.filename.endsWith(d.file)));
  assert.ok(days.includes(both.k) && !days.includes(both.k - 1), `${both.id} present on ${days}`);
  assert.ok(days.some((d) => d < both.k - 1) || both.k <= 6, "absent in between, present before (or left before day 0)");
});

test("unknown user ids are in no extract; known ones are", async () => {
  const t = await made;
  const views = csvOf(DIR, "web/pageviews/*.csv");
  const users = `read_csv(${q(join(DIR, "web/users/*.csv"))}, header = true, all_varchar = true)`;
  const [r] = await rows(`
    WITH v AS (SELECT DISTINCT TRY_CAST(user_id AS BIGINT) AS id FROM ${views}), u AS (SELECT DISTINCT id::BIGINT AS id FROM ${users})
    SELECT count(*) FILTER (WHERE id % 4 = 3)::INTEGER AS unknown, count(*) FILTER (WHERE id % 4 = 3 AND id IN (SELECT id FROM u))::INTEGER AS unknown_in_extract,
      count(*) FILTER (WHERE id % 4 <> 3 AND id NOT IN (SELECT id FROM u))::INTEGER AS known_not_in_extract FROM v WHERE id IS NOT NULL`);
  assert.ok(r.unknown > 0, "no unknown user");
  assert.equal(r.unknown_in_extract, 0);
  assert.equal(r.known_not_in_extract, 0);
  assert.ok(t.totals.unknownUser > 0);
});

test("late views are delivered in a later hour's file, at most 3 hours late", async () => {
  const t = await made;
  assert.ok(t.totals.late > 0);
  const [r] = await rows(`
    SELECT count(*) FILTER (WHERE ts < hour)::INTEGER AS late, count(*) FILTER (WHERE ts < hour - INTERVAL 3 HOUR OR ts >= hour + INTERVAL 1 HOUR)::INTEGER AS outside
    FROM (SELECT TRY_CAST(pageview_datetime AS TIMESTAMP) AS ts, strptime(regexp_extract(filename, '(\\d{4}-\\d{2}-\\d{2}T\\d{2})\\.csv$', 1), '%Y-%m-%dT%H') AS hour
          FROM read_csv(${q(join(DIR, "web/pageviews/*T[0-9][0-9].csv"))}, header = true, all_varchar = true, filename = true)) WHERE ts IS NOT NULL`);
  assert.equal(r.late, t.totals.late);
  assert.equal(r.outside, 0);
});

test("a re-delivered hour's r2 file fully replaces it: the same rows plus the ones it lacked", async () => {
  const t = await made;
  const r2 = t.hours.filter((h) => h.r2);
  assert.ok(r2.length >= 1);
  for (const h of r2) {
    const [r] = await rows(`
      WITH a AS (SELECT * FROM ${csvOf(DIR, h.file!)}), b AS (SELECT * FROM ${csvOf(DIR, h.r2!.file)})
      SELECT (SELECT count(*) FROM a)::INTEGER AS first, (SELECT count(*) FROM b)::INTEGER AS second,
        (SELECT count(*) FROM (SELECT * FROM a EXCEPT ALL SELECT * FROM b))::INTEGER AS only_first`);
    assert.equal(r.first, h.views + h.bad);
    assert.equal(r.second, h.r2!.views + h.bad);
    assert.ok(r.second > r.first, `${h.hour}: r2 adds views`);
    assert.equal(r.only_first, 0);
  }
});

test("missing hours have no file; bad rows are where the truth says", async () => {
  const t = await made;
  const missing = t.hours.filter((h) => h.missing);
  assert.equal(missing.length, 2);
  for (const h of missing) {
    assert.equal(h.file, null);
    assert.ok(!existsSync(join(DIR, `web/pageviews/${h.hour}.csv`)));
    assert.ok(h.views > 0, "the hour had views");
  }
  const [r] = await rows(`SELECT count(*)::INTEGER AS bad FROM ${csvOf(DIR, "web/pageviews/*T[0-9][0-9].csv")}
    WHERE TRY_CAST(user_id AS BIGINT) IS NULL OR TRY_CAST(pageview_datetime AS TIMESTAMP) IS NULL OR coalesce(url, '') = ''`);
  assert.equal(r.bad, 5);
  assert.equal(t.totals.badRows, 5);
});

test("daily rhythm: night hours have fewer views than evening hours", async () => {
  const t = await made;
  const byHour = (hh: string) => t.hours.filter((h) => h.hour.endsWith(`T${hh}`)).reduce((s, h) => s + h.views, 0);
  const night = byHour("03") + byHour("04");
  const evening = byHour("19") + byHour("20");
  assert.ok(night * 3 < evening, `night ${night}, evening ${evening}`);
});

test("parquet: typed columns, same counts", async () => {
  const dir = join(tmp, "pq");
  const t: WebTruth = await generateWeb({ days: 1, users: 500, viewsPerDay: 2000, format: "parquet", badRows: 3, outDir: dir, seed: 2 });
  const [u] = await rows(`SELECT count(*)::INTEGER AS n, any_value(typeof(id)) AS t FROM read_parquet(${q(join(dir, t.userDays[0].file))})`);
  assert.deepEqual(u, { n: t.userDays[0].users, t: "BIGINT" });
  const [v] = await rows(`SELECT count(*)::INTEGER AS n, any_value(typeof(user_id)) AS a, any_value(typeof(pageview_datetime)) AS b FROM read_parquet(${q(join(dir, "web/pageviews/*T[0-9][0-9].parquet"))})`);
  assert.deepEqual(v, { n: t.totals.views + 3, a: "BIGINT", b: "TIMESTAMP" });
});
