// Shared by the tests that need a built site: builds src/ into dist/ with Framework,
// or trusts the existing dist/ when STRATA_SKIP_BUILD=1 (e.g. right after `npm run
// build:site`). Tests that build must run serially (npm test passes
// --test-concurrency=1): they all write the same dist/.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const PROJECT_DIR = fileURLToPath(new URL("..", import.meta.url));
export const DIST_DIR = fileURLToPath(new URL("../dist/", import.meta.url));
const OBSERVABLE_BIN = fileURLToPath(
  new URL("../node_modules/@observablehq/framework/dist/bin/observable.js", import.meta.url),
);

export interface BuildResult {
  dir: string;
  /** Wall time of `observable build` in ms; null when an existing dist/ was reused. */
  ms: number | null;
}

export function buildSite({ base = "/" }: { base?: string } = {}): BuildResult {
  if (process.env.STRATA_SKIP_BUILD === "1") {
    if (!existsSync(DIST_DIR)) throw new Error("STRATA_SKIP_BUILD=1 but dist/ does not exist");
    return { dir: DIST_DIR, ms: null };
  }
  const start = performance.now();
  const result = spawnSync(process.execPath, [OBSERVABLE_BIN, "build"], {
    cwd: PROJECT_DIR,
    env: { ...process.env, STRATA_BASE: base, NO_COLOR: "1" },
    encoding: "utf8",
  });
  const ms = performance.now() - start;
  if (result.status !== 0) {
    throw new Error(`observable build failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
  }
  return { dir: DIST_DIR, ms };
}
