/**
 * The undo: make a kept version's content current again. History is never rewritten: the rollback
 * publishes a new version (n+1) whose manifest is the old version's tables and deliveries, its
 * files hard-linked from the old version's folder (no bytes copied), through the same run as a
 * load (load/run.ts: the lock, recovery, the atomic publish). The versions in between stay kept
 * (and can be rolled back to in turn) until they age out.
 *
 * The landing zone is not touched: the raw files of the deliveries rolled back stay landed, so
 * ingesting such a delivery again finds the same files landed already and loads it.
 */
import { StrataError } from "../errors.ts";
import { describeChange, type Manifest, readVersion } from "../warehouse/manifest.ts";
import { publishedVersions, versionDir } from "../warehouse/versions.ts";
import { withLoadRun } from "./run.ts";

export type RollbackReport = {
  status: "rolled-back" | "already-current";
  /** the version rolled back to */
  to: number;
  /** the version in force before */
  from: number;
  /** the version published (the current one when nothing was done) */
  warehouseVersion: number;
  /** source → the deliveries the rollback took out of the warehouse */
  removed: Record<string, string[]>;
  /** source → deliveries it brought back (rolling back over an earlier rollback) */
  restored: Record<string, string[]>;
};

export async function rollback(opts: { warehouse: string; toVersion: number; waitMs?: number }): Promise<RollbackReport> {
  const { warehouse, toVersion } = opts;
  return withLoadRun({ warehouse, waitMs: opts.waitMs }, async (run) => {
    const current = run.base.manifest.version;
    if (toVersion === current) return { status: "already-current", to: toVersion, from: current, warehouseVersion: current, removed: {}, restored: {} };
    if (toVersion > current) throw new StrataError(`--to-version ${toVersion}: there is no version ${toVersion} (the current version is ${current})`);
    const target: Manifest | null = readVersion(warehouse, toVersion);
    if (!target) {
      const kept = publishedVersions(warehouse).map((v) => v.version);
      throw new StrataError(`--to-version ${toVersion}: version ${toVersion} is no longer kept (kept: ${kept.join(", ")}; STRATA_KEEP_VERSIONS sets how many)`);
    }
    const { added: restored, removed } = describeChange(run.base.manifest, target);
    const published = run.commit({ tables: target.tables, sources: target.sources }, { from: versionDir(warehouse, toVersion), restores: toVersion });
    return { status: "rolled-back", to: toVersion, from: current, warehouseVersion: published.version, removed, restored };
  });
}
