/**
 * What "the warehouse" is, for crash, lock and failure tests: `_manifest.json` (through
 * `_current`), the files it references, and the landing zone's dated folders. Anything else
 * under the warehouse directory (a version folder being built or never published, `.scratch/`,
 * `.download-*`, `landing/vendor/.incoming-*`, `_lock`, a link's temp file) is a stray:
 * invisible to readers, and removed by the next run.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { checksums, query, repoRoot } from "./warehouse.ts";

const sha256 = (path: string) => createHash("sha256").update(readFileSync(path)).digest("hex");

export type PublishedState = {
  /** `_manifest.json` verbatim (null before the first publish) */
  manifest: string | null;
  /** every file the manifest references → sha256 ("MISSING" if it does not exist) */
  tables: Record<string, string>;
  /** every file in the landing zone's dated folders (not `.incoming-*`) → sha256 */
  landing: Record<string, string>;
};

type ManifestJson = { version: number; tables: Record<string, string[]>; sources: Record<string, { deliveries: { key: string }[] }> };

export function readManifestJson(warehouse: string): ManifestJson | null {
  const path = join(warehouse, "_manifest.json");
  return existsSync(path) ? (JSON.parse(readFileSync(path, "utf8")) as ManifestJson) : null;
}

export function publishedState(warehouse: string): PublishedState {
  const path = join(warehouse, "_manifest.json");
  const manifest = existsSync(path) ? readFileSync(path, "utf8") : null;
  const tables: Record<string, string> = {};
  for (const file of Object.values(readManifestJson(warehouse)?.tables ?? {}).flat()) {
    const abs = join(warehouse, file);
    tables[file] = existsSync(abs) ? sha256(abs) : "MISSING";
  }
  const landing = Object.fromEntries(
    Object.entries(checksums(join(warehouse, "landing", "vendor"))).filter(([p]) => !p.startsWith(".")),
  );
  return { manifest, tables, landing };
}

/**
 * Files (and links) under the warehouse that are not part of its published state: the state is
 * the version in force and the older versions kept under `_versions/` (each exactly the files its
 * manifest lists), the links `_current`, `_manifest.json` and one per table, and the landing zone.
 * Empty directories are not counted: a clean run leaves an empty `.scratch/` (DuckDB's spill
 * folder's parent), which holds nothing.
 */
export function strays(warehouse: string): string[] {
  const state = publishedState(warehouse);
  const current = readManifestJson(warehouse);
  const known = new Set([
    "_manifest.json",
    "_current",
    ...Object.keys(current?.tables ?? {}),
    ...Object.keys(state.landing).map((p) => join("landing", "vendor", p)),
  ]);
  const versions = join(warehouse, "_versions");
  for (const v of existsSync(versions) ? readdirSync(versions) : []) {
    const manifest = join(versions, v, "_manifest.json");
    if (!/^v\d+$/.test(v) || !existsSync(manifest)) continue;
    const m = JSON.parse(readFileSync(manifest, "utf8")) as ManifestJson;
    if (current && m.version > current.version) continue; // built, never published
    known.add(join("_versions", v, "_manifest.json"));
    for (const f of Object.values(m.tables).flat()) known.add(join("_versions", v, f));
  }
  const out: string[] = [];
  const walk = (dir: string) => {
    const entries = readdirSync(dir, { withFileTypes: true });
    for (const e of entries) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (!known.has(relative(warehouse, p))) out.push(relative(warehouse, p));
    }
  };
  if (existsSync(warehouse)) walk(warehouse);
  return out.sort();
}

/** Column(s) that record when a run happened, not what it loaded: excluded when comparing runs. */
const runTimestamps: Record<string, string[]> = { loads: ["loaded_at"] };

/**
 * Every row of every published table, read through the manifest with a plain DuckDB, sorted,
 * as JSON-able values; load timestamps excluded. Equal results mean equal warehouse contents.
 * `sourceFileName`: compare quarantine.source_file by file name only (its folder is where the run read it).
 */
export async function tableContents(warehouse: string, opts: { sourceFileName?: boolean } = {}): Promise<Record<string, unknown[]>> {
  const manifest = readManifestJson(warehouse);
  const out: Record<string, unknown[]> = {};
  for (const [table, files] of Object.entries(manifest?.tables ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
    if (files.length === 0) continue;
    const list = files.map((f) => `'${join(warehouse, f).replaceAll("'", "''")}'`).join(", ");
    const exclude = runTimestamps[table] ? ` EXCLUDE (${runTimestamps[table].join(", ")})` : "";
    const replace = opts.sourceFileName && table === "quarantine" ? ` REPLACE (regexp_extract(source_file, '[^/]*$') AS source_file)` : "";
    out[table] = await query(`SELECT *${exclude}${replace} FROM read_parquet([${list}], union_by_name = true) ORDER BY ALL`);
  }
  return out;
}

export type RunResult = { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string; ms: number };

/**
 * Runs the real CLI without blocking this process's event loop (an in-process FTP server must keep
 * answering). `killAfterMs` sends SIGKILL after that long, `killAfterLines` that long after the
 * n-th line of progress on stderr: a crash at a chosen moment. `signal`: send that instead (SIGINT,
 * SIGTERM: an operator's stop rather than a crash).
 */
export function strataAsync(
  args: string[],
  env: Record<string, string> = {},
  opts: { killAfterMs?: number; killAfterLines?: { lines: number; delayMs: number }; signal?: NodeJS.Signals } = {},
): Promise<RunResult> {
  const started = Date.now();
  const child = spawn(process.execPath, [join(repoRoot, "bin", "strata.js"), ...args], {
    cwd: repoRoot,
    env: { ...process.env, STRATA_FAILPOINT: "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => (stdout += d));
  let timer = opts.killAfterMs === undefined ? undefined : setTimeout(() => child.kill(opts.signal ?? "SIGKILL"), opts.killAfterMs);
  child.stderr.on("data", (d) => {
    stderr += d;
    // killAfterLines: SIGKILL `delayMs` after the `lines`-th stderr line (progress), robust to a slow machine
    const k = opts.killAfterLines;
    if (k && timer === undefined && stderr.split("\n").length - 1 >= k.lines) timer = setTimeout(() => child.kill(opts.signal ?? "SIGKILL"), k.delayMs);
  });
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: Date.now() - started });
    });
  });
}

/** A copy of a warehouse directory (cp -a semantics), for starting several runs from one state. */
export { cpSync as copyTree } from "node:fs";
