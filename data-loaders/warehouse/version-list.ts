/**
 * The published versions still kept under `_versions/` (`strata versions`): for each, when it was
 * published and what it changed against the version before: the deliveries it added per source,
 * or, for a rollback, the version it restores and what that removed. Reads only manifests.
 */
import { type Change, describeChange, type Manifest, readSnapshot, readVersion } from "./manifest.ts";
import { publishedVersions, versionsKept } from "./versions.ts";

export type VersionEntry = {
  version: number;
  publishedAt: string | null;
  current: boolean;
  /** null when not recorded (a version published before changes were) and the version before is no longer kept */
  change: Change | null;
};

export function listVersions(warehouse: string): { current: number; keep: number; versions: VersionEntry[] } {
  const current = readSnapshot(warehouse).manifest.version;
  const manifests = new Map<number, Manifest>();
  for (const { version } of publishedVersions(warehouse)) {
    const m = readVersion(warehouse, version);
    if (m) manifests.set(version, m);
  }
  const versions = [...manifests.values()].map((m): VersionEntry => {
    const before = manifests.get(m.version - 1) ?? (m.version === 1 ? { sources: {} } : undefined);
    return { version: m.version, publishedAt: m.publishedAt, current: m.version === current, change: m.change ?? (before ? describeChange(before, m) : null) };
  });
  return { current, keep: versionsKept(), versions };
}
