// One run at a time per warehouse: a second run is refused naming the owner, or waits with
// --wait; a lock left by a killed run is taken over. Runs are the real CLI. To hold the lock
// for as long as the test needs, the first run is frozen with SIGSTOP right after it took the
// lock (alive, so its lock is not stale) and thawed with SIGCONT.
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { generate } from "../data-loaders/generate/index.ts";
import { isAlive, processIdentity } from "../data-loaders/process-alive.ts";
import { acquireLock } from "../data-loaders/warehouse/lock.ts";
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
    const next = await strataAsync(ingestArgs(NIGHTS[0], warehouse, "--json"));
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

// A pid alone does not say its run is alive: a SIGKILLed run is a zombie until its parent reaps
// it (and kill(pid, 0) succeeds on zombies), and a pid is reused in time. The lock records the
// owner's start time beside its pid (process-alive.ts), read from /proc on Linux.
describe("whether a lock's owner is alive", () => {
  const noProc = !existsSync("/proc/self/stat") && "needs /proc";
  const root = tempDir("lock-owner");
  let dirs = 0;
  /** A fresh warehouse (one temp root for the lot: each tempDir adds a process exit listener). */
  const newDir = () => {
    const dir = join(root, String(++dirs));
    mkdirSync(dir);
    return dir;
  };
  /** The state letter in /proc/<pid>/stat (Z: zombie), or null if there is no such process. */
  const procState = (pid: number) => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[0];
    } catch {
      return null;
    }
  };
  const readLock = (warehouse: string) => JSON.parse(readFileSync(join(warehouse, "_lock"), "utf8"));
  /** A live process that is not a strata run, to name in a hand-written lock. */
  const liveProcess = () => spawn("sleep", ["60"], { stdio: "ignore" });

  test("a run started right after a SIGKILLed run that its parent has not reaped yet (a zombie) proceeds at once", { skip: noProc }, async () => {
    const warehouse = newDir();
    writeFileSync(join(warehouse, "go"), ""); // lock-holder.ts takes the lock as soon as it has loaded
    // Node reaps its own children at once, so the holder is sh's, and sh execs sleep, which never
    // waits: once killed, the holder stays a zombie until sleep ends.
    const holderScript = join(repoRoot, "test", "support", "lock-holder.ts");
    const parent = spawn("sh", ["-c", '"$0" --import tsx "$1" "$2" 60000 & exec sleep 60', process.execPath, holderScript, warehouse], {
      cwd: repoRoot,
      stdio: "ignore",
    });
    try {
      let holder: number | undefined;
      for (const deadline = Date.now() + 20_000; holder === undefined; await sleep(5)) {
        assert.ok(Date.now() < deadline, "the holder took the lock");
        holder = existsSync(join(warehouse, "_lock")) ? safeJson(readFileSync(join(warehouse, "_lock"), "utf8"))?.pid : undefined;
      }
      process.kill(holder, "SIGKILL");
      for (const deadline = Date.now() + 5000; procState(holder) !== "Z"; await sleep(2)) {
        assert.ok(Date.now() < deadline, `the killed holder is a zombie (state ${procState(holder)})`);
      }
      const lock = await acquireLock(warehouse, 0); // no wait: refused if the zombie counted as alive
      assert.equal(readLock(warehouse).pid, process.pid);
      lock.release();
      assert.equal(procState(holder), "Z", "the holder was still an unreaped zombie throughout");
    } finally {
      parent.kill();
    }
  });

  test("a lock naming a live pid with another start time (its run died, the pid was reused) is taken over", { skip: noProc }, async () => {
    const warehouse = newDir();
    const other = liveProcess();
    try {
      const procStart = processIdentity(other.pid!)!;
      assert.equal(typeof procStart, "number");
      writeFileSync(join(warehouse, "_lock"), JSON.stringify({ pid: other.pid, startedAt: "long ago", procStart: procStart - 1 }));
      const lock = await acquireLock(warehouse, 0);
      assert.deepEqual([readLock(warehouse).pid, readLock(warehouse).procStart], [process.pid, processIdentity(process.pid)]);
      lock.release();
      assert.equal(existsSync(join(warehouse, "_lock")), false);
    } finally {
      other.kill();
    }
  });

  test("a lock held by a live process with the recorded start time (or none recorded, an older lock) is still refused", async () => {
    const warehouse = newDir();
    const other = liveProcess();
    try {
      for (const procStart of [processIdentity(other.pid!), undefined]) {
        const text = JSON.stringify({ pid: other.pid, startedAt: "2024-01-01T00:00:00.000Z", procStart });
        writeFileSync(join(warehouse, "_lock"), text);
        await assert.rejects(acquireLock(warehouse, 0), { message: `${warehouse}: locked by another strata run (pid ${other.pid}, started 2024-01-01T00:00:00.000Z); try again when it ends, or pass --wait SECONDS` });
        assert.equal(readFileSync(join(warehouse, "_lock"), "utf8"), text, "the lock is left alone");
      }
    } finally {
      other.kill();
    }
  });

  test("/proc/<pid>/stat is read after the last ')': a process named 'x) Z (y' is alive", { skip: noProc }, () => {
    const named = join(newDir(), "x) Z (y");
    symlinkSync("/bin/sleep", named); // the kernel names a process after the file it was started from
    const other = spawn(named, ["60"], { stdio: "ignore" });
    try {
      assert.match(readFileSync(`/proc/${other.pid}/stat`, "utf8"), /^\d+ \(x\) Z \(y\) /, "the name reads as state Z if cut at the first ')'");
      assert.equal(isAlive(other.pid!), true);
      assert.equal(isAlive(other.pid!, processIdentity(other.pid!)), true);
    } finally {
      other.kill();
    }
  });
});
