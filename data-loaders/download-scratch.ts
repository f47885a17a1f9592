/**
 * Where an ingest from FTP puts its downloads: a `.download-<pid>-*` folder in the warehouse (on
 * its disk, so a load can move the files into the landing zone), removed when the run ends; and
 * the FTP settings it reads from the environment. Shared by the vendor's and the web feeds' ingests.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { StrataError } from "./errors.ts";
import { isAlive } from "./process-alive.ts";

/** A new download folder in `warehouse`; the pid in its name lets a later run remove it if this one is killed. */
export function makeDownloadScratch(warehouse: string): string {
  mkdirSync(warehouse, { recursive: true });
  return mkdtempSync(join(warehouse, `.download-${process.pid}-`));
}

/**
 * Removes `.download-<pid>-*` folders whose run was killed (its pid is gone, or a zombie not yet
 * reaped). Downloads happen before the warehouse lock is taken, so a live run's folder (another
 * pid, alive) is left alone.
 */
export function removeKilledDownloads(warehouse: string): void {
  if (!existsSync(warehouse)) return;
  for (const entry of readdirSync(warehouse)) {
    const m = /^\.download-(\d+)-/.exec(entry);
    if (m && Number(m[1]) !== process.pid && !isAlive(Number(m[1]))) rmSync(join(warehouse, entry), { recursive: true, force: true });
  }
}

/** The FTP settings from the environment: the password (STRATA_FTP_PASSWORD only) and the retry overrides. */
export function ftpEnv(): { password: string | undefined; attempts: number | undefined; backoffMs: number | undefined } {
  return { password: process.env.STRATA_FTP_PASSWORD, attempts: positiveEnv("STRATA_FTP_ATTEMPTS"), backoffMs: positiveEnv("STRATA_FTP_BACKOFF_MS") };
}

/** STRATA_FTP_ATTEMPTS / STRATA_FTP_BACKOFF_MS: retry policy overrides (tests, impatient operators). */
function positiveEnv(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new StrataError(`${name}=${raw}: expected a number ≥ 0`);
  return n;
}
