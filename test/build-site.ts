// Shared by the tests that need a built site. The site is built once per test run: the first
// test file to ask runs the full `strata build` (the ETL into a fresh warehouse, clearing
// Framework's loader cache, which would otherwise reuse stale loader output, then `observable
// build` into dist/) and stamps dist/; the other files of the same run (same parent process, the
// test runner) reuse it. STRATA_SKIP_BUILD=1 trusts an existing dist/ (e.g. right after
// `npm run build`). Tests that build must run serially (npm test passes --test-concurrency=1).
//
// The warehouse: `warehouse` if given, else STRATA_WAREHOUSE, else a fresh temp warehouse for
// this test run, filled from STRATA_DATA (or the demo data set).
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { isAlive } from "../data-loaders/process-alive.ts";

export const PROJECT_DIR = fileURLToPath(new URL("..", import.meta.url));
export const DIST_DIR = fileURLToPath(new URL("../dist/", import.meta.url));
const STRATA_BIN = fileURLToPath(new URL("../bin/strata.js", import.meta.url));
const STAMP = join(DIST_DIR, ".strata-test-build.json");
const RUN = String(process.ppid);
const TEST_WAREHOUSE_PREFIX = "strata-test-warehouse-";

export interface BuildResult {
  dir: string;
  /** Wall time of `strata build` in ms; null when an existing dist/ was reused. */
  ms: number | null;
  /** The warehouse the site was built from. */
  warehouse: string;
}

/** Temp warehouses of earlier test runs that have ended. */
function removeOldTestWarehouses(): void {
  for (const name of readdirSync(tmpdir())) {
    if (name.startsWith(TEST_WAREHOUSE_PREFIX) && !isAlive(Number(name.slice(TEST_WAREHOUSE_PREFIX.length)))) {
      rmSync(join(tmpdir(), name), { recursive: true, force: true });
    }
  }
}

export function buildSite({ base = "/", warehouse }: { base?: string; warehouse?: string } = {}): BuildResult {
  const wh = resolve(PROJECT_DIR, warehouse ?? process.env.STRATA_WAREHOUSE ?? join(tmpdir(), `${TEST_WAREHOUSE_PREFIX}${RUN}`));
  if (process.env.STRATA_SKIP_BUILD === "1") {
    if (!existsSync(DIST_DIR)) throw new Error("STRATA_SKIP_BUILD=1 but dist/ does not exist");
    return { dir: DIST_DIR, ms: null, warehouse: process.env.STRATA_WAREHOUSE ? wh : resolve(PROJECT_DIR, "warehouse") };
  }
  const stamp = JSON.stringify({ run: RUN, base, warehouse: wh });
  if (existsSync(STAMP) && readFileSync(STAMP, "utf8") === stamp) return { dir: DIST_DIR, ms: null, warehouse: wh };
  removeOldTestWarehouses();
  const start = performance.now();
  const result = spawnSync(process.execPath, [STRATA_BIN, "build"], {
    cwd: PROJECT_DIR,
    env: { ...process.env, STRATA_BASE: base, STRATA_WAREHOUSE: wh, NO_COLOR: "1" },
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  const ms = performance.now() - start;
  if (result.status !== 0) {
    throw new Error(`strata build failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
  }
  writeFileSync(STAMP, stamp);
  return { dir: DIST_DIR, ms, warehouse: wh };
}
