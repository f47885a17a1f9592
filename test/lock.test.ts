// One run at a time per warehouse: a second run is refused naming the owner, or waits with
// --wait; a lock left by a killed run is taken over. Runs are the real CLI. To hold the lock
// for as long as the test needs, the first run is frozen with SIGSTOP right after it took the
// lock (alive, so its lock is not stale) and thawed with SIGCONT.
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { generate } from "../data-loaders/generate/index.ts";
import { publishedState, readManifestJson, strataAsync, strays } from "./support/published.ts";
import { repoRoot, tempDir } from "./support/warehouse.ts";

const NIGHTS = ["2022-03-01", "2022-03-02"];
const data = tempDir("lock-data");
const nightDir = (date: string) => join(data, "vendor", date);
const ingestArgs = (date: string, warehouse: string, ...more: string[]) => ["ingest", "vendor", nightDir(date), "--date", date, "--warehouse", warehouse, ...more];

type Frozen = { child: ChildProcess; done: Promise<{ code: number | null; stderr: string }> };

/** Starts an ingest and freezes it (SIGSTOP) as soon as it holds the warehouse lock. */
async function startAndFreezeHoldingLock(warehouse: string, date: string): Promise<Frozen> {
  const child = spawn(process.execPath, [join(repoRoot, "bin", "strata.js"), ...ingestArgs(date, warehouse)], {
    cwd: repoRoot,
    env: { ...process.env, STRATA_FAILPOINT: "" },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (d) => (stderr += d));
  const done = new Promise<{ code: number | null; stderr: string }>((resolve) => child.on("close", (code) => resolve({ code, stderr })));
  const lock = join(warehouse, "_lock");
  for (let i = 0; ; i++) {
    assert.ok(i < 3000, "the run took the lock");
    const owner = existsSync(lock) ? safeJson(readFileSync(lock, "utf8")) : null;
    if (owner?.pid === child.pid) break;
    await sleep(2);
  }
  child.kill("SIGSTOP");
  return { child, done };
}

function safeJson(text: string): { pid: number } | null {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** One line `strata: <reason>`, no stack trace. */
function assertOneLine(stderr: string) {
  const lines = stderr.split("\n").filter((l) => l !== "");
  assert.equal(lines.length, 1, `one line on stderr, got:\n${stderr}`);
  assert.match(lines[0], /^strata: /);
  assert.doesNotMatch(stderr, /\n\s+at /);
}

before(async () => {
  await generate({ outDir: data, scale: 0.3, nights: 2, seed: 4, internal: false });
});

describe("warehouse lock", () => {
  test("a second run while one holds the lock is refused with one line naming the owner pid; nothing changes", async () => {
    const warehouse = tempDir("lock-wh");
    const first = await startAndFreezeHoldingLock(warehouse, NIGHTS[0]);
    try {
      const before = publishedState(warehouse);
      const second = await strataAsync(ingestArgs(NIGHTS[0], warehouse));
      assert.equal(second.code, 1);
      assertOneLine(second.stderr);
      assert.match(second.stderr, new RegExp(`locked by another strata run \\(pid ${first.child.pid}, started `));
      assert.match(second.stderr, /--wait SECONDS/);
      // with a short --wait it gives up after that long, with the same message
      const patient = await strataAsync(ingestArgs(NIGHTS[0], warehouse, "--wait", "1"));
      assert.equal(patient.code, 1);
      assertOneLine(patient.stderr);
      assert.match(patient.stderr, new RegExp(`pid ${first.child.pid}`));
      assert.ok(patient.ms >= 1000, `waited ${patient.ms} ms`);
      assert.deepEqual(publishedState(warehouse), before, "the refused runs touched nothing");
      assert.equal(JSON.parse(readFileSync(join(warehouse, "_lock"), "utf8")).pid, first.child.pid, "the owner still holds the lock");
    } finally {
      first.child.kill("SIGCONT");
    }
    const { code, stderr } = await first.done;
    assert.equal(code, 0, stderr);
    assert.equal(existsSync(join(warehouse, "_lock")), false, "released at the end");
  });

  test("with --wait the second run waits for the first, then merges on top of what it published", async () => {
    const warehouse = tempDir("lock-wh");
    const first = await startAndFreezeHoldingLock(warehouse, NIGHTS[0]);
    const second = strataAsync(ingestArgs(NIGHTS[1], warehouse, "--wait", "60"));
    let secondEnded = false;
    void second.then(() => (secondEnded = true));
    await sleep(2500); // long enough for the second run to start and find the lock taken
    assert.equal(secondEnded, false, "the second run is waiting");
    assert.equal(JSON.parse(readFileSync(join(warehouse, "_lock"), "utf8")).pid, first.child.pid, "and has not taken the lock");
    first.child.kill("SIGCONT");
    const [a, b] = await Promise.all([first.done, second]);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(b.code, 0, b.stderr);
    assert.ok(b.ms >= 2500, `the second run lasted ${b.ms} ms`);
    const manifest = readManifestJson(warehouse)!;
    assert.deepEqual(manifest.sources.vendor.deliveries.map((n) => n.key), NIGHTS, "the second night was merged after the first");
    assert.equal(manifest.version, 2);
    assert.deepEqual(strays(warehouse), []);
  });

  test("a lock left by a SIGKILLed run is taken over, and the night is merged", async () => {
    const warehouse = tempDir("lock-wh");
    const killed = await strataAsync(ingestArgs(NIGHTS[0], warehouse), { STRATA_FAILPOINT: "history:after-write" });
    assert.equal(killed.signal, "SIGKILL");
    const stale = JSON.parse(readFileSync(join(warehouse, "_lock"), "utf8"));
    assert.equal(typeof stale.pid, "number");
    const next = await strataAsync(ingestArgs(NIGHTS[0], warehouse));
    assert.equal(next.code, 0, next.stderr);
    assert.equal(JSON.parse(next.stdout).status, "merged");
    assert.deepEqual(readManifestJson(warehouse)!.sources.vendor.deliveries.map((n) => n.key), [NIGHTS[0]]);
    assert.deepEqual(strays(warehouse), [], "stale lock and the killed run's files are gone");
  });

  test("a lock file left empty (its owner died while creating it) is taken over", async () => {
    const warehouse = tempDir("lock-wh");
    writeFileSync(join(warehouse, "_lock"), "");
    const next = await strataAsync(ingestArgs(NIGHTS[0], warehouse));
    assert.equal(next.code, 0, next.stderr);
    assert.deepEqual(strays(warehouse), []);
  });

  // The race this guards against: two runs that find the same stale lock both take it (A removes it
  // and creates its own; B, which had read the dead owner before, then removes A's fresh lock), or
  // a lock seen empty between its creation and its write is taken for stale. lock.ts creates the
  // lock whole (link of a finished file) and serialises takeovers.
  test("six runs finding the same stale lock: never two holders at once", async () => {
    let worst = 0;
    for (let trial = 0; trial < 2 && worst <= 1; trial++) {
      const warehouse = tempDir("lock-race");
      writeFileSync(join(warehouse, "_lock"), JSON.stringify({ pid: 2 ** 22 + 12345, startedAt: "long ago" })); // no such pid
      let ready = 0;
      let go: () => void;
      const allReady = new Promise<void>((r) => (go = r));
      const holders = Array.from({ length: 6 }, () =>
        new Promise<number | null>((resolve) => {
          const child = spawn(process.execPath, ["--import", "tsx", join(repoRoot, "test", "support", "lock-holder.ts"), warehouse], {
            cwd: repoRoot,
            stdio: ["ignore", "pipe", "ignore"],
          });
          child.stdout!.once("data", () => ++ready === 6 && go());
          child.on("close", resolve);
        }),
      );
      await allReady;
      writeFileSync(join(warehouse, "go"), "");
      assert.deepEqual(await Promise.all(holders), [0, 0, 0, 0, 0, 0]);
      const events = readFileSync(join(warehouse, "holders.log"), "utf8").trim().split("\n").map((l) => l.split(" "))
        .sort((a, b) => (BigInt(a[2]) < BigInt(b[2]) ? -1 : 1));
      let now = 0;
      for (const [, kind] of events) worst = Math.max(worst, (now += kind === "in" ? 1 : -1));
    }
    assert.equal(worst, 1, `${worst} runs held the lock at the same time`);
  });
});
