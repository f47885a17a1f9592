/** Shared fixtures for warehouse tests: temp folders, the real data's paths, tree checksums, the CLI. */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { DuckDBInstance } from "@duckdb/node-api";

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
/** The real public data set, beside the checkout (never copied into the repo). */
export const realData = resolve(repoRoot, "..", "shared", "datasets", "strider");
export const realV1 = join(realData, "vendor_v1_2022-01-14");
export const realV2 = join(realData, "vendor_v2_2022-02-26");
export const realInternal = join(realData, "internal");
export const hasRealData = existsSync(realV1);

const tempDirs: string[] = [];
// one listener for all of them (a listener each trips Node's MaxListenersExceededWarning)
process.on("exit", () => tempDirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A fresh temp folder, removed when the process exits. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `strata-${prefix}-`));
  tempDirs.push(dir);
  return dir;
}

/** sha256 of every file under `dir` (relative path → hash): equal maps mean an unchanged tree. */
export function checksums(dir: string): Record<string, string> {
  if (!existsSync(dir)) return {};
  const out: Record<string, string> = {};
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    out[relative(dir, path)] = createHash("sha256").update(readFileSync(path)).digest("hex");
  }
  return out;
}

/** Runs the real CLI (`bin/strata.js`), `input` on its stdin, and returns its exit code and output. */
export function strata(args: string[], env: Record<string, string> = {}, input?: string): { code: number; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [join(repoRoot, "bin", "strata.js"), ...args], {
    cwd: repoRoot,
    encoding: "utf8",
    env: { ...process.env, ...env },
    input,
  });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** Runs SQL over Parquet with a plain DuckDB, independent of the library under test. */
export async function query<T = Record<string, unknown>>(sql: string): Promise<T[]> {
  const instance = await DuckDBInstance.create(":memory:");
  const conn = await instance.connect();
  try {
    return (await conn.runAndReadAll(sql)).getRowObjectsJson() as T[];
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

/** `read_parquet` over every file of a table, as any Parquet reader would see it. */
export const tableGlob = (warehouse: string, table: string) => `read_parquet('${join(warehouse, table)}/*.parquet', union_by_name = true)`;
