// `strata ingest web <dir|ftp-url> --through HOUR`: every web delivery a location holds that the
// warehouse lacks, in arrival order, each its own load (published on its own); a re-delivery
// (`.rN`) put there later is picked up and replaces its hour; the hours missing through --through
// are said in the summary, the JSON and a warning line, and are not a failure; a bad file stops
// the run with one line naming it, the deliveries before it staying published. Over FTP: the
// same, downloading only what the warehouse lacks, and the password never printed.
//
// The deliveries (tiny CSVs), in the order they arrive (data-folder.ts: an hour's views an hour
// after its start, the users extract at 01:30, a re-delivery .rN (N−1) × 6 hours after the first):
//   pageviews T00 (01:00), users 2024-05-01 (01:30), pageviews T01 (02:00), T03 (04:00)
//   later: T02 (03:00) and T01.r2 (08:00); T02 is missing until then
//   later still: T04 (good), T05 (bad header), T06 (good)
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { ingestSummary } from "../data-loaders/cli/summaries.ts";
import { queryWarehouse } from "../data-loaders/query.ts";
import type { WebIngestReport } from "../data-loaders/sources/web-analytics/ingest-web.ts";
import { readManifest } from "../data-loaders/warehouse/manifest.ts";
import { FTP_PASSWORD, FTP_USER, startFtp, type RunningFtp } from "./support/ftp-fixtures.ts";
import { strataAsync } from "./support/published.ts";
import { tempDir } from "./support/warehouse.ts";

const day = "2024-05-01";
const views = (...rows: string[]) => `user_id,url,pageview_datetime\n${rows.join("\n")}\n`;
const first: Record<string, string> = {
  [`users/${day}.csv`]: "id,postcode\n1,SW19\n2,E1\n",
  [`pageviews/${day}T00.csv`]: views(`1,/a,${day} 00:10:00`),
  [`pageviews/${day}T01.csv`]: views(`2,/b,${day} 01:10:00`, `x,/b,${day} 01:11:00`), // one bad user id: quarantined
  [`pageviews/${day}T03.csv`]: views(`1,/c,${day} 03:10:00`),
};
const later: Record<string, string> = {
  [`pageviews/${day}T02.csv`]: views(`1,/d,${day} 02:10:00`),
  [`pageviews/${day}T01.r2.csv`]: views(`2,/z,${day} 01:20:00`),
};
const bad: Record<string, string> = {
  [`pageviews/${day}T04.csv`]: views(`1,/e,${day} 04:10:00`),
  [`pageviews/${day}T05.csv`]: "nope,nada\n1,2\n",
  [`pageviews/${day}T06.csv`]: views(`1,/f,${day} 06:10:00`),
};

function put(dir: string, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, ".."), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
}

const loadedKeys = (r: WebIngestReport) => r.loaded.map((d) => `${d.feed} ${d.key} ${d.report.status}`);
const hoursIn = (warehouse: string) => readManifest(warehouse).sources.pageviews?.deliveries.map((d) => d.key).sort() ?? [];
const warning = (through: string, missing: string) => `strata: warning: web: 1 hour of page views missing (${day}T00 through ${through}): ${missing}\n`;

describe("ingest web from a folder", () => {
  const root = tempDir("web-loc");
  const location = join(root, "drop"); // holds web/users and web/pageviews, as a data folder does
  const warehouse = tempDir("web-nightly-wh");
  const run = (...args: string[]) => strataAsync(["ingest", "web", location, "--warehouse", warehouse, ...args]);
  let firstRun: WebIngestReport;

  before(() => put(join(location, "web"), first));

  test("loads every delivery in arrival order, each its own published version; the missing hour is reported, as a warning", async () => {
    const r = await run("--through", `${day}T03`, "--json");
    assert.equal(r.code, 0, r.stderr);
    firstRun = JSON.parse(r.stdout);
    assert.deepEqual(loadedKeys(firstRun), [`pageviews ${day}T00 loaded`, `users ${day} loaded`, `pageviews ${day}T01 loaded`, `pageviews ${day}T03 loaded`]);
    assert.deepEqual(firstRun.loaded.map((d) => d.report.warehouseVersion), [1, 2, 3, 4]);
    assert.equal(firstRun.loaded[1].file, join(location, "web", "users", `${day}.csv`));
    // the users extract restamped the view of T00, loaded before it
    assert.equal(firstRun.loaded[1].report.details?.restampedViews, 1);
    assert.deepEqual(firstRun.usersExtracts, [day]);
    assert.deepEqual(firstRun.hours, [`${day}T00`, `${day}T01`, `${day}T03`]);
    assert.equal(firstRun.quarantined, 1);
    assert.deepEqual(firstRun.missingHours, [`${day}T02`]);
    assert.equal(r.stderr, warning(`${day}T03`, `${day}T02`));
  });

  test("a second run loads nothing, and still says which hour is missing", async () => {
    const r = await run("--through", `${day}T03`);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /nothing new \(4 deliveries there, all loaded\); the warehouse stays at version 4/);
    assert.match(r.stdout, new RegExp(`missing hours \\(${day}T00 through ${day}T03\\): ${day}T02 \\(1 hour\\)`));
    assert.equal(r.stderr, warning(`${day}T03`, `${day}T02`));
    assert.equal(readManifest(warehouse).version, 4);
  });

  test("a re-delivery put there later (.r2) is picked up and replaces its hour; the late hour fills the gap", async () => {
    put(join(location, "web"), later);
    const r = await run("--through", `${day}T03`);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, "", "nothing missing any more: no warning");
    assert.match(r.stdout, /2 deliveries loaded in arrival order/);
    assert.match(r.stdout, /pageviews\/2024-05-01T02\.csv +loaded .*\n.*pageviews\/2024-05-01T01\.r2\.csv +reloaded .*1 view of the earlier delivery replaced/);
    assert.match(r.stdout, /re-delivered: 2024-05-01T01/);
    assert.match(r.stdout, /missing hours \(2024-05-01T00 through 2024-05-01T03\): none/);
    const hour01 = await queryWarehouse(warehouse, `SELECT url FROM web_pageviews WHERE viewed_at >= TIMESTAMP '${day} 01:00:00' AND viewed_at < TIMESTAMP '${day} 02:00:00'`);
    assert.deepEqual(hour01.rows, [["/z"]]);
  });

  test("a bad file stops the run with one line naming it; the deliveries before it stay published", async () => {
    put(join(location, "web"), bad);
    const r = await run("--through", `${day}T06`, "--json");
    assert.equal(r.code, 1);
    assert.equal(r.stdout, "");
    const file = join(location, "web", "pageviews", `${day}T05.csv`);
    assert.equal(r.stderr, `strata: ${file}: line 1: no columns user_id, url, pageview_datetime; the header names "nope", "nada"; the delivery this run loaded before it stays published (version 7)\n`);
    assert.deepEqual(hoursIn(warehouse), ["00", "01", "02", "03", "04"].map((h) => `${day}T${h}`));
    assert.equal(readManifest(warehouse).version, 7);
  });

  test("--through must be an hour that has started, and is for ingest web only", async () => {
    const future = await run("--through", "2999-01-01T00");
    assert.equal(future.code, 1);
    assert.match(future.stderr, /^strata: --through 2999-01-01T00: after the current hour \(\d{4}-\d{2}-\d{2}T\d{2} UTC\); its views cannot have arrived\n$/);
    const notAnHour = await run("--through", "2024-05-01");
    assert.equal(notAnHour.code, 1);
    assert.match(notAnHour.stderr, /^strata: --through 2024-05-01: expected an hour as YYYY-MM-DDTHH/);
    const users = await strataAsync(["ingest", "users", join(location, "web", "users", `${day}.csv`), "--date", day, "--through", `${day}T03`, "--warehouse", warehouse]);
    assert.equal(users.code, 2);
    assert.match(users.stderr, /^strata: ingest users: --through is for ingest web/);
  });

  test("a location holding no web feeds is refused in one line", async () => {
    const empty = tempDir("web-empty");
    const r = await strataAsync(["ingest", "web", empty, "--warehouse", warehouse, "--through", `${day}T03`]);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, `strata: ${empty}: holds neither users/ nor pageviews/, nor a folder web/ holding them\n`);
  });
});

describe("ingest web over FTP", () => {
  const root = tempDir("web-ftp-root");
  const warehouse = tempDir("web-ftp-wh");
  const fetched: string[] = [];
  const env = { STRATA_FTP_PASSWORD: FTP_PASSWORD, STRATA_FTP_ATTEMPTS: "2", STRATA_FTP_BACKOFF_MS: "10" };
  let ftp: RunningFtp;
  let url: string;
  const run = (...args: string[]) => strataAsync(["ingest", "web", url, "--warehouse", warehouse, "--through", `${day}T03`, ...args], env);
  const noPassword = (r: { stdout: string; stderr: string }) => {
    assert.ok(!r.stdout.includes(FTP_PASSWORD) && !r.stderr.includes(FTP_PASSWORD), "the password is never printed");
  };

  before(async () => {
    put(join(root, "web"), first); // the URL names the folder holding users/ and pageviews/
    ftp = await startFtp({ root, onRetr: (path) => fetched.push(path) });
    url = `ftp://${FTP_USER}@127.0.0.1:${ftp.port}/web`;
  });
  after(async () => ftp?.close());

  test("the same deliveries, in the same order, downloaded and then removed; the password never printed", async () => {
    const r = await run("--json", "--verbose");
    assert.equal(r.code, 0, r.stderr);
    noPassword(r);
    const report: WebIngestReport = JSON.parse(r.stdout);
    assert.deepEqual(loadedKeys(report), [`pageviews ${day}T00 loaded`, `users ${day} loaded`, `pageviews ${day}T01 loaded`, `pageviews ${day}T03 loaded`]);
    assert.deepEqual(report.loaded.map((d) => d.report.tables.map((t) => [t.recordsIn, t.accepted, t.quarantined])), [[[1, 1, 0]], [[2, 2, 0]], [[2, 1, 1]], [[1, 1, 0]]]);
    assert.equal(report.loaded[0].file, `${url}/pageviews/${day}T00.csv`);
    assert.deepEqual(report.missingHours, [`${day}T02`]);
    assert.match(r.stderr, /^strata: warning: web: 1 hour of page views missing .*: 2024-05-01T02$/m);
    assert.equal(fetched.length, 4);
    assert.deepEqual(readdirSync(warehouse).filter((e) => e.startsWith(".download-")), [], "the downloads are removed");
  });

  test("a second run downloads nothing; a re-delivery put on the server later is the one file fetched", async () => {
    fetched.length = 0;
    const again = await run();
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /nothing new/);
    assert.deepEqual(fetched, []);
    put(join(root, "web"), { [`pageviews/${day}T01.r2.csv`]: later[`pageviews/${day}T01.r2.csv`] });
    const r = await run("--json");
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(loadedKeys(JSON.parse(r.stdout)), [`pageviews ${day}T01 reloaded`]);
    assert.equal(fetched.length, 1);
    assert.match(fetched[0], /pageviews\/2024-05-01T01\.r2\.csv$/);
  });

  test("a wrong password, even echoed by the server, is one line without it", async () => {
    const echo = await startFtp({ root, echoPasswordOnFailure: true });
    try {
      const wrong = "wr0ng-pa55word-xyz";
      const r = await strataAsync(["ingest", "web", `ftp://${FTP_USER}@127.0.0.1:${echo.port}/web`, "--warehouse", warehouse, "--through", `${day}T03`], { ...env, STRATA_FTP_PASSWORD: wrong });
      assert.equal(r.code, 1);
      assert.ok(!r.stderr.includes(wrong) && !r.stdout.includes(wrong));
      assert.match(r.stderr, /^strata: ftp:\/\/vendor@127\.0\.0\.1:\d+\/web: login refused \(530/);
      assert.equal(r.stderr.trim().split("\n").length, 1);
      assert.ok(existsSync(warehouse) && readdirSync(warehouse).every((e) => !e.startsWith(".download-")));
    } finally {
      await echo.close();
    }
  });
});

describe("the summary of a single web ingest", () => {
  const counts = { recordsIn: 3, accepted: 3, quarantined: 0, warned: 0 };
  test("a re-delivered hour: reloaded, with its views, late ones, unknown postcodes and the views it replaced", () => {
    const text = ingestSummary("pageviews", {
      key: `${day}T01`, status: "reloaded", warehouseVersion: 9,
      tables: [{ table: "web_pageviews", ...counts, details: { views: 3, late: 1, unknownPostcode: { "unknown user": 2 }, replacedViews: 4, dates: [day] } }],
    });
    assert.equal(text, [
      `pageviews ${day}T01: reloaded (replaces the earlier delivery); the warehouse is now version 9`,
      "  table          records  accepted  quarantined  warned",
      "  web_pageviews        3         3            0       0",
      "  web_pageviews: 3 views stored (1 late); 2 under the unknown postcode (unknown user 2); 4 views of the earlier delivery replaced",
      "",
    ].join("\n"));
  });
  test("a users extract: what it restated", () => {
    const text = ingestSummary("users", {
      key: day, status: "loaded", warehouseVersion: 2, details: { restampedViews: 1, movedUsers: 2, recountedViews: 0, recountedDates: [] },
      tables: [{ table: "web_users_history", ...counts, inserted: 3, updated: 0, deleted: 0, reappeared: 0, unchanged: 0, kept: 0 }],
    });
    assert.match(text, /\n  1 view restamped; 2 users moved; 0 views recounted under the new current postcode\n$/);
  });
});
