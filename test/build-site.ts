// Shared by the tests that need a built site: runs the full `strata build` (the ETL into the
// warehouse, clearing Framework's loader cache — it would otherwise reuse stale loader output —
// then `observable build` into dist/), or trusts the existing dist/ when STRATA_SKIP_BUILD=1
// (e.g. right after `npm run build`). Tests that build must run serially (npm test passes
// --test-concurrency=1): they all write the same dist/.
//
// The warehouse: `warehouse` if given, else STRATA_WAREHOUSE, else ./warehouse (the CLI's
// default). Whatever it holds is brought up to date from STRATA_DATA (or the demo data set).
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const PROJECT_DIR = fileURLToPath(new URL("..", import.meta.url));
export const DIST_DIR = fileURLToPath(new URL("../dist/", import.meta.url));
const STRATA_BIN = fileURLToPath(new URL("../bin/strata.js", import.meta.url));

export interface BuildResult {
  dir: string;
  /** Wall time of `strata build` in ms; null when an existing dist/ was reused. */
  ms: number | null;
  /** The warehouse the site was built from (for STRATA_SKIP_BUILD=1: the one it presumably was). */
  warehouse: string;
}

export function buildSite({ base = "/", warehouse }: { base?: string; warehouse?: string } = {}): BuildResult {
  const wh = resolve(PROJECT_DIR, warehouse ?? process.env.STRATA_WAREHOUSE ?? "warehouse");
  if (process.env.STRATA_SKIP_BUILD === "1") {
    if (!existsSync(DIST_DIR)) throw new Error("STRATA_SKIP_BUILD=1 but dist/ does not exist");
    return { dir: DIST_DIR, ms: null, warehouse: wh };
  }
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
  return { dir: DIST_DIR, ms, warehouse: wh };
}
