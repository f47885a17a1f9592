/**
 * Whether the process that left something behind (the warehouse lock, a `.download-<pid>-` folder)
 * still runs. A pid alone lies twice: a killed process stays a zombie until its parent reaps it,
 * and `process.kill(pid, 0)` succeeds on zombies; and a dead process's pid is reused in time.
 * So where there is /proc (Linux) we read `/proc/<pid>/stat`: its state (Z or X: dead) and its
 * start time, which with the pid names one process for as long as the machine is up. Without
 * /proc (macOS) there is only `kill(pid, 0)`.
 */
import { readFileSync } from "node:fs";

/** A process's start time in clock ticks since boot (stat field 22); null where there is no /proc. */
export type ProcessIdentity = number | null;

function readStat(pid: number): { state: string; start: number } | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return null; // gone, hidden from us (hidepid), or no /proc: the caller asks the kernel instead
  }
  // "pid (comm) state ppid … starttime …": comm may hold spaces and parentheses, so count the
  // fields from after the last ')'. There field 3 (state) is [0] and field 22 (starttime) is [19].
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  return { state: fields[0], start: Number(fields[19]) };
}

/** What to record beside a pid so that a later reuse of the pid is not taken for this process. */
export function processIdentity(pid: number): ProcessIdentity {
  return readStat(pid)?.start ?? null;
}

/**
 * Whether process `pid` exists and is not a zombie; given the `identity` recorded with the pid
 * (not null), also whether it is still that process and not a later one that got the same pid.
 */
export function isAlive(pid: number, identity?: ProcessIdentity): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false; // kill(0 or -n) would signal a whole group
  const stat = readStat(pid);
  if (stat) return stat.state !== "Z" && stat.state !== "X" && (identity == null || stat.start === identity);
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM"; // exists, but not ours to signal
  }
}
