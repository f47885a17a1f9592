// Snapshot-isolated tables: `<warehouse>/<table>/*.parquet` resolves to exactly one published
// version at every instant: during a merge, after a SIGKILL at any moment, after a rerun. An
// external reader (a separate process with a plain DuckDB) samples the glob in a loop and must
// only ever see the version before or the version after, never a mix, never a key twice.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import { generate } from "../data-loaders/generate/index.ts";
import { ingestVendorNight } from "../data-loaders/sources/catalogue/ingest.ts";
import { readSnapshot } from "../data-loaders/warehouse/manifest.ts";
import { copyWarehouse, recover } from "../data-loaders/warehouse/versions.ts";
import { strataAsync, strays, tableContents } from "./support/published.ts";
import { query, repoRoot, tempDir } from "./support/warehouse.ts";

const NIGHTS = ["2022-03-01", "2022-03-02", "2022-03-03", "2022-03-04"];
const TABLE = "reviews_history";
type Sample = { rows: number; open: number; keys: number } | { error: string };

/** What a plain reader of the glob sees now. */
async function globState(warehouse: string): Promise<string> {
  const [r] = await query<{ rows: number; open: number; keys: number }>(
    `SELECT count(*)::BIGINT AS rows, count(*) FILTER (is_current)::BIGINT AS open, count(DISTINCT business_key) FILTER (is_current)::BIGINT AS keys
     FROM read_parquet('${join(warehouse, TABLE)}/*.parquet')`,
  );
  return JSON.stringify({ rows: Number(r.rows), open: Number(r.open), keys: Number(r.keys) });
}

/** Starts the reader process on `warehouse`; resolves once it samples. `stop()` ends it and returns its samples. */
async function startReader(warehouse: string): Promise<{ stop: () => Promise<Sample[]> }> {
  const child = spawn(process.execPath, ["--import", "tsx", join(repoRoot, "test", "support", "glob-reader.ts"), warehouse, TABLE], {
    cwd: repoRoot,
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  const closed = new Promise<void>((resolve) => child.on("close", () => resolve()));
  while (!out.includes("ready\n") && child.exitCode === null) await new Promise((r) => setTimeout(r, 20));
  return {
    stop: async () => {
      writeFileSync(join(warehouse, "stop"), "");
      await closed;
      rmSync(join(warehouse, "stop"), { force: true });
      return out.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as Sample);
    },
  };
}

const normalize = (s: Sample) => ("error" in s ? null : JSON.stringify({ rows: Number(s.rows), open: Number(s.open), keys: Number(s.keys) }));

/** Every sample is the state before or after; returns how many of each and how many errors. */
function assertBeforeOrAfter(samples: Sample[], beforeState: string, afterState: string): { before: number; after: number; errors: number } {
  const tally = { before: 0, after: 0, errors: 0 };
  for (const s of samples) {
    const state = normalize(s);
    if (state === null) {
      // a file listed under one version and opened after the swap is gone: a retryable error, never a mix
      assert.match((s as { error: string }).error, /No files found|No such file|Could not open|cannot open/i, `an unexpected reader error: ${JSON.stringify(s)}`);
      tally.errors++;
      continue;
    }
    const parsed = JSON.parse(state);
    assert.equal(parsed.open, parsed.keys, `no key is seen twice: ${state}`);
    assert.ok(state === beforeState || state === afterState, `a sample is the version before (${beforeState}) or after (${afterState}), got ${state}`);
    if (state === beforeState) tally.before++;
    else tally.after++;
  }
  return tally;
}

describe("snapshot-isolated tables", () => {
  const data = tempDir("versions-data");
  const base = tempDir("versions-base");
  const reference = tempDir("versions-ref");
  let beforeState: string;
  let afterState: string;

  before(async () => {
    await generate({ outDir: data, scale: 25, nights: 4, seed: 7, internal: false });
    await ingestVendorNight({ warehouse: base, dir: join(data, "vendor", NIGHTS[0]), date: NIGHTS[0] });
    beforeState = await globState(base);
    copyWarehouse(base, reference);
    await ingestVendorNight({ warehouse: reference, dir: join(data, "vendor", NIGHTS[1]), date: NIGHTS[1] });
    afterState = await globState(reference);
    assert.notEqual(beforeState, afterState, "night 2 changes the table");
  });

  test("the layout: one version folder per version, `_current` and each table a link", () => {
    assert.ok(lstatSync(join(base, "_current")).isSymbolicLink());
    assert.ok(lstatSync(join(base, TABLE)).isSymbolicLink());
    assert.ok(lstatSync(join(base, "_manifest.json")).isSymbolicLink());
    assert.deepEqual(readdirSync(join(base, "_versions")), ["v000001"]);
    assert.equal(readSnapshot(base).dir, join(base, "_versions", "v000001"));
  });

  test("a reader sampling the glob during a merge sees the version before, then the version after", async (t) => {
    const warehouse = tempDir("versions-live");
    copyWarehouse(base, warehouse);
    const reader = await startReader(warehouse);
    const run = await strataAsync(["ingest", "vendor", join(data, "vendor", NIGHTS[1]), "--date", NIGHTS[1], "--warehouse", warehouse]);
    // a few samples after the publish as well
    await new Promise((r) => setTimeout(r, 300));
    const samples = await reader.stop();
    assert.equal(run.code, 0, run.stderr);
    const tally = assertBeforeOrAfter(samples, beforeState, afterState);
    assert.ok(tally.before > 0 && tally.after > 0, `samples on both sides of the publish: ${JSON.stringify(tally)}`);
    // once after, never before again
    const states = samples.map(normalize).filter((s) => s !== null);
    assert.ok(states.indexOf(afterState) > states.lastIndexOf(beforeState), "the version after never gives way to the one before");
    t.diagnostic(`${samples.length} samples over a ${run.ms} ms merge: ${JSON.stringify(tally)}`);
  });

  test("SIGKILL at several moments: the glob shows the version before or after; the rerun ends as a clean run", async (t) => {
    const seen: string[] = [];
    const kills: { failpoint?: string; killAfterMs?: number }[] = [
      { failpoint: "history:after-write" },
      { failpoint: "manifest:before-swap" },
      { failpoint: "manifest:after-swap" },
      { killAfterMs: 600 },
      { killAfterMs: 1500 },
    ];
    const expected = await tableContents(reference);
    for (const kill of kills) {
      const warehouse = tempDir("versions-kill");
      copyWarehouse(base, warehouse);
      const reader = await startReader(warehouse);
      const args = ["ingest", "vendor", join(data, "vendor", NIGHTS[1]), "--date", NIGHTS[1], "--warehouse", warehouse];
      const run = await strataAsync(args, kill.failpoint ? { STRATA_FAILPOINT: kill.failpoint } : {}, kill.killAfterMs ? { killAfterMs: kill.killAfterMs } : {});
      const during = await reader.stop();
      assertBeforeOrAfter(during, beforeState, afterState);
      const left = await globState(warehouse);
      assert.ok(left === beforeState || left === afterState, `after the kill: ${left}`);
      if (kill.failpoint === "manifest:after-swap") assert.equal(left, afterState);
      if (kill.failpoint && kill.failpoint !== "manifest:after-swap") assert.equal(left, beforeState);
      seen.push(`${kill.failpoint ?? `${kill.killAfterMs} ms`} (${run.signal ?? `exit ${run.code}`}): ${left === beforeState ? "before" : "after"}`);
      const rerun = await strataAsync(args);
      assert.equal(rerun.code, 0, rerun.stderr);
      assert.equal(await globState(warehouse), afterState);
      assert.deepEqual(await tableContents(warehouse), expected);
      assert.deepEqual(strays(warehouse), [], "the rerun removed what the kill left");
    }
    t.diagnostic(seen.join("; "));
  });

  test("old versions stay readable for STRATA_KEEP_VERSIONS versions, then are removed", async () => {
    const warehouse = tempDir("versions-keep");
    copyWarehouse(base, warehouse);
    const states = [await globState(warehouse)];
    for (const night of NIGHTS.slice(1)) {
      const run = await strataAsync(["ingest", "vendor", join(data, "vendor", night), "--date", night, "--warehouse", warehouse], { STRATA_KEEP_VERSIONS: "2" });
      assert.equal(run.code, 0, run.stderr);
      states.push(await globState(warehouse));
    }
    assert.deepEqual(readdirSync(join(warehouse, "_versions")).sort(), ["v000003", "v000004"]);
    // time travel: the version before the current one, read by path like any table
    assert.equal(await globState(join(warehouse, "_versions", "v000003")), states[2]);
    // unchanged files are shared, not copied: the closed files of night 2 are one inode in both versions
    const closed = readdirSync(join(warehouse, "_versions", "v000003", TABLE)).find((f) => f.startsWith("closed-2022-03-02"))!;
    assert.equal(lstatSync(join(warehouse, "_versions", "v000003", TABLE, closed)).ino, lstatSync(join(warehouse, "_versions", "v000004", TABLE, closed)).ino);
  });

  test("a warehouse from before version folders is moved into the versioned layout with the same contents", async () => {
    const warehouse = tempDir("versions-legacy");
    // the old layout: plain table folders and a plain manifest naming the vendor's nights
    const snapshot = readSnapshot(base);
    for (const [table, files] of Object.entries(snapshot.manifest.tables)) {
      mkdirSync(join(warehouse, table), { recursive: true });
      for (const f of files) writeFileSync(join(warehouse, f), readFileSync(join(snapshot.dir, f)));
    }
    const night = snapshot.manifest.sources.vendor.deliveries[0];
    const { sources: _s, ...rest } = snapshot.manifest;
    writeFileSync(join(warehouse, "_manifest.json"), JSON.stringify({ ...rest, vendorNights: [{ date: night.key, mergedAt: night.loadedAt, files: night.files }], internalExtract: null }));
    const expected = await tableContents(base);
    recover(warehouse);
    assert.ok(lstatSync(join(warehouse, "_current")).isSymbolicLink());
    assert.ok(lstatSync(join(warehouse, TABLE)).isSymbolicLink());
    assert.deepEqual(readSnapshot(warehouse).manifest.sources.vendor.deliveries.map((d) => d.key), [NIGHTS[0]]);
    assert.deepEqual(await tableContents(warehouse), expected);
    assert.equal(await globState(warehouse), beforeState);
    assert.deepEqual(strays(warehouse), [], "nothing left aside");
    // and the next night merges on top of it
    await ingestVendorNight({ warehouse, dir: join(data, "vendor", NIGHTS[1]), date: NIGHTS[1] });
    assert.equal(await globState(warehouse), afterState);
  });
});
