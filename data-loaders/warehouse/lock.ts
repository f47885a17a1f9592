/**
 * One run at a time per warehouse. The lock is the file `_lock` holding its owner's pid and the
 * process's start time (`procStart`, see process-alive.ts); it is created whole, by hard-linking
 * a finished temp file (link fails if `_lock` exists), so it is never seen empty. A lock whose
 * owner is gone (killed, even if not yet reaped, or its pid now another process's) is taken over,
 * so a crash never blocks the next night; takeovers are serialised by a second lock file, so two
 * runs that saw the same dead owner cannot both replace it.
 */
import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { StrataError } from "../errors.ts";
import { isAlive, processIdentity, type ProcessIdentity } from "../process-alive.ts";
import { lockFile } from "./paths.ts";

export type Lock = { release(): void };
// procStart is absent from locks and takeover files written before it was recorded.
type Owner = { pid: number; startedAt: string; procStart?: ProcessIdentity };

/** This process, as its lock and takeover files name it. */
const me = { pid: process.pid, procStart: processIdentity(process.pid) };

function readOwner(path: string): { owner: Owner | null; text: string | null } {
  try {
    const text = readFileSync(path, "utf8");
    try {
      return { owner: JSON.parse(text), text };
    } catch {
      return { owner: null, text }; // not ours to read: treat as dead
    }
  } catch {
    return { owner: null, text: null }; // gone
  }
}

/** Creates `path` holding `content`, atomically and only if it does not exist. */
function createWhole(path: string, content: string): boolean {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, content);
  try {
    linkSync(tmp, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  } finally {
    rmSync(tmp, { force: true });
  }
}

/** Removes the lock `seen` if it is still exactly that one, under the takeover lock. */
function takeOver(path: string, seen: string | null): void {
  const takeover = `${path}.takeover`;
  // Created whole, like the lock: a takeover file seen empty would pass for a dead holder's, and
  // removing it would let a second run take over beside this one.
  if (!createWhole(takeover, JSON.stringify(me))) {
    const holder = readOwner(takeover).owner;
    if (!holder || !isAlive(holder.pid, holder.procStart)) rmSync(takeover, { force: true }); // its holder died mid-takeover
    return; // someone else is taking over; look again
  }
  try {
    if (readOwner(path).text === seen) rmSync(path, { force: true });
  } finally {
    rmSync(takeover, { force: true });
  }
}

/**
 * Takes the warehouse lock, waiting up to `waitMs` for a live owner to finish (or until `signal`
 * aborts: a run stopped while it waits). Throws a StrataError naming the owner when it cannot.
 */
export async function acquireLock(warehouse: string, waitMs = 0, signal?: AbortSignal): Promise<Lock> {
  mkdirSync(warehouse, { recursive: true });
  const path = lockFile(warehouse);
  const deadline = Date.now() + waitMs;
  const mine = JSON.stringify({ pid: me.pid, startedAt: new Date().toISOString(), procStart: me.procStart });
  for (;;) {
    if (signal?.aborted) throw new StrataError(`${warehouse}: stopped while waiting for the lock (${String(signal.reason)})`);
    if (createWhole(path, mine)) {
      return {
        release: () => {
          if (readOwner(path).text === mine) rmSync(path, { force: true });
        },
      };
    }
    const { owner, text } = readOwner(path);
    if (!owner || !isAlive(owner.pid, owner.procStart)) {
      takeOver(path, text); // stale: its run was killed
      continue;
    }
    if (Date.now() >= deadline) {
      throw new StrataError(`${warehouse}: locked by another strata run (pid ${owner.pid}, started ${owner.startedAt}); try again when it ends, or pass --wait SECONDS`);
    }
    await new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", done);
        resolve(undefined);
      };
      const timer = setTimeout(done, 200);
      signal?.addEventListener("abort", done, { once: true });
    });
  }
}
