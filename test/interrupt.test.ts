// Ctrl-C and SIGTERM: a run that writes the warehouse stops, removes what it made, releases the
// lock and says in one line whether the warehouse is as it was or was published; exit 130 for
// SIGINT, 143 for SIGTERM. Signals are real: sent to the CLI mid-merge, or (for the moments a
// test cannot hit by timing) sent by the CLI to itself at a failpoint (STRATA_FAILPOINT_SIGNAL).
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import { generate } from "../data-loaders/generate/index.ts";
import { processIdentity } from "../data-loaders/process-alive.ts";
import { ingestVendorNight } from "../data-loaders/sources/catalogue/ingest.ts";
import { copyWarehouse } from "../data-loaders/warehouse/versions.ts";
import { startSilentServer } from "./support/ftp-fixtures.ts";
import { publishedState, readManifestJson, type RunResult, strataAsync, strays } from "./support/published.ts";
import { tempDir } from "./support/warehouse.ts";

const NIGHT1 = "2022-03-01";
const NIGHT2 = "2022-03-02";
const data = tempDir("int-data");
const base = tempDir("int-base");
const ingestArgs = (warehouse: string, ...more: string[]) => ["ingest", "vendor", join(data, "vendor", NIGHT2), "--date", NIGHT2, "--warehouse", warehouse, ...more];
const AS_IT_WAS = "strata: interrupted; the warehouse is as it was";

/** The lines that are not --verbose progress: exactly `line`, and no stack trace. */
function saysOnly(run: RunResult, line: string) {
  assert.doesNotMatch(run.stderr, /\n\s+at |node:internal/, "no stack trace");
  assert.deepEqual(run.stderr.split("\n").filter((l) => l.startsWith("strata:")), [line], run.stderr);
}

before(async () => {
  // a night of a few MB: its merge lasts about a second after the hashing line on this machine
  await generate({ outDir: data, scale: 30, nights: 2, seed: 6, internal: false });
  await ingestVendorNight({ warehouse: base, dir: join(data, "vendor", NIGHT1), date: NIGHT1 });
});

describe("interrupting an ingest", () => {
  for (const [signal, code] of [["SIGINT", 130], ["SIGTERM", 143]] as const) {
    test(`${signal} mid-merge: exit ${code}, one line, no lock, nothing left over, the warehouse as it was`, async () => {
      const warehouse = tempDir("int-wh");
      copyWarehouse(base, warehouse);
      const before = publishedState(warehouse);
      // the first progress line: the dump is hashed and the three merges are running
      const run = await strataAsync(ingestArgs(warehouse, "--verbose"), {}, { killAfterLines: { lines: 1, delayMs: 0 }, signal });
      assert.equal(run.signal, null, "it exited by itself");
      assert.equal(run.code, code, run.stderr);
      saysOnly(run, AS_IT_WAS);
      assert.equal(run.stdout, "", "no report: nothing was loaded");
      assert.match(run.stderr, /bytes hashed/);
      assert.doesNotMatch(run.stderr, /published warehouse version/, "stopped before the publish");
      assert.equal(existsSync(join(warehouse, "_lock")), false, "the lock is released");
      assert.deepEqual(strays(warehouse), [], "no .incoming-*, no scratch, no orphan file");
      assert.deepEqual(publishedState(warehouse), before);
      // and the next run merges the night as if nothing had happened
      const next = await strataAsync(ingestArgs(warehouse, "--json"));
      assert.equal(next.code, 0, next.stderr);
      assert.equal(JSON.parse(next.stdout).status, "merged");
    });
  }

  test("a signal after the atomic swap: exit 130, and the line says the warehouse was published", async () => {
    const warehouse = tempDir("int-after");
    copyWarehouse(base, warehouse);
    const run = await strataAsync(ingestArgs(warehouse), { STRATA_FAILPOINT: "manifest:after-swap", STRATA_FAILPOINT_SIGNAL: "SIGINT" });
    assert.equal(run.code, 130, run.stderr);
    saysOnly(run, "strata: interrupted after the warehouse was published (version 2)");
    assert.match(run.stdout, new RegExp(`^vendor ${NIGHT2}: loaded; the warehouse is now version 2`), "what was done is reported");
    assert.equal(readManifestJson(warehouse)!.version, 2);
    assert.deepEqual(readManifestJson(warehouse)!.sources.vendor.deliveries.map((d) => d.key), [NIGHT1, NIGHT2]);
    assert.equal(existsSync(join(warehouse, "_lock")), false);
    assert.deepEqual(strays(warehouse), []);
  });

  test("a signal between two steps of the merge (no query running): stopped at the next, as it was", async () => {
    const warehouse = tempDir("int-between");
    copyWarehouse(base, warehouse);
    const before = publishedState(warehouse);
    const run = await strataAsync(ingestArgs(warehouse), { STRATA_FAILPOINT: "vendor:after-stage", STRATA_FAILPOINT_SIGNAL: "SIGTERM" });
    assert.equal(run.code, 143, run.stderr);
    saysOnly(run, AS_IT_WAS);
    assert.equal(existsSync(join(warehouse, "_lock")), false);
    assert.deepEqual(strays(warehouse), []);
    assert.deepEqual(publishedState(warehouse), before);
  });

  test("during an FTP download (before the run takes the lock): exits at once, the download folder removed", async () => {
    const server = await startSilentServer(); // accepts the connection, never answers: the download hangs
    try {
      const warehouse = tempDir("int-ftp");
      copyWarehouse(base, warehouse);
      const before = publishedState(warehouse);
      const url = `ftp://vendor@127.0.0.1:${server.port}/vendor`;
      const run = await strataAsync(["ingest", "vendor", url, "--date", NIGHT2, "--warehouse", warehouse], { STRATA_FTP_PASSWORD: "secret" }, { killAfterMs: 2500, signal: "SIGTERM" });
      assert.equal(run.code, 143, run.stderr);
      saysOnly(run, AS_IT_WAS);
      assert.deepEqual(readdirSync(warehouse).filter((f) => f.startsWith(".download-")), [], "the download folder is gone");
      assert.deepEqual(strays(warehouse), []);
      assert.deepEqual(publishedState(warehouse), before);
    } finally {
      await server.close();
    }
  });

  test("while waiting for another run's lock (--wait): stops waiting, leaves that lock alone", async () => {
    const warehouse = tempDir("int-wait");
    copyWarehouse(base, warehouse);
    const other = spawn("sleep", ["60"], { stdio: "ignore" });
    try {
      const lock = JSON.stringify({ pid: other.pid, startedAt: "2024-01-01T00:00:00.000Z", procStart: processIdentity(other.pid!) });
      writeFileSync(join(warehouse, "_lock"), lock);
      const before = publishedState(warehouse);
      const started = Date.now();
      const run = await strataAsync(ingestArgs(warehouse, "--wait", "60"), {}, { killAfterMs: 2500, signal: "SIGINT" });
      assert.equal(run.code, 130, run.stderr);
      assert.ok(Date.now() - started < 20_000, "it did not wait out the 60 s");
      saysOnly(run, AS_IT_WAS);
      assert.equal(readFileSync(join(warehouse, "_lock"), "utf8"), lock, "the other run's lock is untouched");
      assert.deepEqual(publishedState(warehouse), before);
    } finally {
      other.kill();
    }
  });
});
