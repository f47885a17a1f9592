/**
 * One run at a time per warehouse. The lock is a file created with O_EXCL holding the owner's pid;
 * a lock whose owner is gone (killed) is taken over, so a crash never blocks the next night.
 */
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { StrataError } from "../errors.ts";
import { lockFile } from "./paths.ts";

export type Lock = { release(): void };

function ownerOf(path: string): { pid: number; startedAt: string } | null {
  try {
    return JSON.parse(readFileSync(path, "utf8"));
  } catch {
    return null; // vanished or half-written: the owner died while creating it
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Takes the warehouse lock, waiting up to `waitMs` for a live owner to finish.
 * Throws a StrataError naming the owner when it cannot.
 */
export async function acquireLock(warehouse: string, waitMs = 0): Promise<Lock> {
  mkdirSync(warehouse, { recursive: true });
  const path = lockFile(warehouse);
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      const fd = openSync(path, "wx");
      writeSync(fd, JSON.stringify({ pid: process.pid, startedAt: new Date().toISOString() }));
      closeSync(fd);
      return { release: () => rmSync(path, { force: true }) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const owner = ownerOf(path);
    if (!owner || !isAlive(owner.pid)) {
      rmSync(path, { force: true }); // stale: its run was killed
      continue;
    }
    if (Date.now() >= deadline) {
      throw new StrataError(`${warehouse}: locked by another strata run (pid ${owner.pid}, started ${owner.startedAt}); try again when it ends, or pass --wait SECONDS`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}
