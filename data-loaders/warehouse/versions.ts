/**
 * Snapshot-isolated versions. The layout:
 *
 *   _versions/v000042/_manifest.json        one immutable folder per published version, holding
 *   _versions/v000042/<table>/*.parquet     every file of every table (unchanged files are hard
 *                                           links to the previous version's: no bytes copied)
 *   _current -> _versions/v000042           the one pointer a publish swaps (rename of a link)
 *   <table>  -> _current/<table>            fixed links: the path external readers glob
 *   _manifest.json -> _current/_manifest.json
 *
 * A run builds version n+1 in a hidden `_versions/.incoming-*` folder, renames it into place and
 * swaps `_current`: at every instant `<table>/*.parquet` lists exactly one version's files, and a
 * file name never changes content (names carry the version that wrote them), so a reader racing
 * a publish sees the version before or the version after, never a mix. The newest
 * `STRATA_KEEP_VERSIONS` versions (default 7) stay readable under `_versions/` for time travel.
 */
import { copyFileSync, cpSync, existsSync, linkSync, lstatSync, mkdirSync, readdirSync, readlinkSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { StrataError } from "../errors.ts";
import { failpoint } from "../failpoints.ts";
import { fsyncPath } from "./fsync.ts";
import { type Change, describeChange, type Manifest, readSnapshot, type Snapshot, type VersionContent } from "./manifest.ts";
import { currentLink, landingRoot, scratchDir, versionName, versionsDir } from "./paths.ts";

const incomingPrefix = ".incoming-";

/** How many published versions stay on disk: env STRATA_KEEP_VERSIONS (≥ 1), else 7. */
export function versionsKept(): number {
  const raw = process.env.STRATA_KEEP_VERSIONS;
  if (raw === undefined || raw === "") return 7;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new StrataError(`STRATA_KEEP_VERSIONS=${raw}: expected a whole number ≥ 1`);
  return n;
}

/** The hidden folder where a run writes the new files of `version` (relative paths as in the manifest). */
export function startVersion(warehouse: string, version: number): string {
  const dir = join(versionsDir(warehouse), `${incomingPrefix}${versionName(version)}-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * Publishes `next` as version n+1 from the folder `incoming` (startVersion), whose new files must
 * already be durable: links every other file of `next` from the base version (or, for a rollback,
 * from the version folder `opts.from`), writes the manifest with what changed against the base,
 * renames the folder into place and swaps `_current` (the atomic step), then removes versions
 * past the number kept. Version numbers only grow: a rollback is a new version too. Cost: one
 * hard link per file not written by this run, a few fsyncs.
 */
export function publishVersion(
  warehouse: string,
  base: Snapshot,
  incoming: string,
  next: VersionContent,
  opts: { from?: string; restores?: number } = {},
): Manifest {
  const now = readSnapshot(warehouse);
  if (now.manifest.version !== base.manifest.version) {
    throw new StrataError(`${warehouse}: published version changed during this run (${base.manifest.version} → ${now.manifest.version}); nothing published`);
  }
  const change: Change = { ...describeChange(base.manifest, next), ...(opts.restores === undefined ? {} : { restores: opts.restores }) };
  const published: Manifest = { tables: next.tables, sources: next.sources, version: base.manifest.version + 1, publishedAt: new Date().toISOString(), change };
  const folders = new Set<string>([incoming]);
  for (const file of Object.values(published.tables).flat()) {
    const target = join(incoming, file);
    folders.add(dirname(target));
    if (existsSync(target)) continue; // written by this run
    mkdirSync(dirname(target), { recursive: true });
    linkOrCopy(join(opts.from ?? base.dir, file), target);
  }
  writeFileSync(join(incoming, "_manifest.json"), `${JSON.stringify(published, null, 2)}\n`);
  fsyncPath(join(incoming, "_manifest.json"));
  for (const folder of folders) fsyncPath(folder);
  const final = join(versionsDir(warehouse), versionName(published.version));
  rmSync(final, { recursive: true, force: true }); // a version folder a killed run renamed but never published
  renameSync(incoming, final);
  fsyncPath(versionsDir(warehouse));
  linkTables(warehouse, Object.keys(published.tables));
  failpoint("manifest:before-swap");
  pointCurrentAt(warehouse, final);
  failpoint("manifest:after-swap");
  pruneVersions(warehouse, versionsKept());
  return published;
}

/** Hard-links `from` as `to`; copies where links are not possible (another disk, a filesystem without them). */
function linkOrCopy(from: string, to: string): void {
  try {
    linkSync(from, to);
  } catch (error) {
    if (!["EXDEV", "EPERM", "ENOTSUP", "EMLINK"].includes((error as NodeJS.ErrnoException).code ?? "")) throw error;
    copyFileSync(from, to);
    fsyncPath(to);
  }
}

/** Replaces `path` with a symbolic link to `target` in one rename (a reader sees the old link or the new one). */
function replaceWithLink(path: string, target: string): void {
  const tmp = `${path}.link-${process.pid}`;
  rmSync(tmp, { force: true });
  symlinkSync(target, tmp);
  renameSync(tmp, path);
}

/** Swaps `_current` to the version folder `dir`: the one step that publishes. */
function pointCurrentAt(warehouse: string, dir: string): void {
  replaceWithLink(currentLink(warehouse), relative(warehouse, dir));
  fsyncPath(warehouse);
}

/**
 * Makes `<table>` (each of `tables`) and `_manifest.json` links through `_current`. They never
 * change once made; a table folder of a warehouse made before version folders is moved aside
 * first (its files are in the current version folder already, as hard links).
 */
function linkTables(warehouse: string, tables: string[]): void {
  let changed = false;
  for (const name of [...tables, "_manifest.json"]) {
    const path = join(warehouse, name);
    const target = join("_current", name);
    const stat = lstatSync(path, { throwIfNoEntry: false });
    if (stat?.isSymbolicLink() && readlinkSync(path) === target) continue;
    if (stat?.isDirectory()) {
      const aside = join(versionsDir(warehouse), `${incomingPrefix}legacy-${name}-${process.pid}`);
      renameSync(path, aside);
    }
    replaceWithLink(path, target);
    changed = true;
  }
  if (changed) fsyncPath(warehouse);
}

/** Removes published versions older than the newest `keep` (the one in force is always kept). */
export function pruneVersions(warehouse: string, keep: number): void {
  const current = readSnapshot(warehouse).manifest.version;
  for (const { name, version } of publishedVersions(warehouse)) {
    if (version <= current - keep) rmSync(join(versionsDir(warehouse), name), { recursive: true, force: true });
  }
}

/** The folder of published version `version`. */
export const versionDir = (warehouse: string, version: number) => join(versionsDir(warehouse), versionName(version));

/** The version folders on disk, oldest first. */
export function publishedVersions(warehouse: string): { name: string; version: number }[] {
  if (!existsSync(versionsDir(warehouse))) return [];
  return readdirSync(versionsDir(warehouse))
    .map((name) => ({ name, version: /^v(\d+)$/.exec(name) ? Number(name.slice(1)) : NaN }))
    .filter((v) => !Number.isNaN(v.version))
    .sort((a, b) => a.version - b.version);
}

/**
 * Removes what interrupted runs left (half-built and never-published version folders, scratch,
 * landing folders never renamed into place, link temp files) and brings a warehouse made before
 * version folders into this layout. Run under the lock, before any work.
 */
export function recover(warehouse: string): void {
  if (!existsSync(warehouse)) return;
  rmSync(scratchDir(warehouse), { recursive: true, force: true });
  for (const entry of readdirSync(warehouse)) {
    if (/\.link-\d+$/.test(entry) || entry.startsWith("_manifest.json.tmp-")) rmSync(join(warehouse, entry), { force: true });
  }
  const snapshot = readSnapshot(warehouse);
  if (snapshot.dir === warehouse && snapshot.manifest.version > 0) adoptLegacy(warehouse, snapshot);
  const current = readSnapshot(warehouse).manifest.version;
  if (existsSync(versionsDir(warehouse))) {
    for (const entry of readdirSync(versionsDir(warehouse))) {
      const m = /^v(\d+)$/.exec(entry);
      if (entry.startsWith(incomingPrefix) || (m && Number(m[1]) > current)) rmSync(join(versionsDir(warehouse), entry), { recursive: true, force: true });
    }
  }
  const landing = landingRoot(warehouse);
  if (existsSync(landing)) {
    for (const source of readdirSync(landing)) {
      for (const entry of readdirSync(join(landing, source))) {
        if (entry.startsWith(incomingPrefix)) rmSync(join(landing, source, entry), { recursive: true, force: true });
      }
    }
  }
}

/**
 * Moves a warehouse whose tables are plain folders (before version folders) into the versioned
 * layout: its version becomes a version folder of hard links, then each table folder becomes a
 * link. During this one-time step a table's path is briefly absent, never mixed.
 */
function adoptLegacy(warehouse: string, legacy: Snapshot): void {
  const incoming = startVersion(warehouse, legacy.manifest.version);
  for (const file of Object.values(legacy.manifest.tables).flat()) {
    mkdirSync(dirname(join(incoming, file)), { recursive: true });
    linkOrCopy(join(warehouse, file), join(incoming, file));
  }
  writeFileSync(join(incoming, "_manifest.json"), `${JSON.stringify(legacy.manifest, null, 2)}\n`);
  fsyncPath(join(incoming, "_manifest.json"));
  const final = join(versionsDir(warehouse), versionName(legacy.manifest.version));
  renameSync(incoming, final);
  fsyncPath(versionsDir(warehouse));
  pointCurrentAt(warehouse, final);
  linkTables(warehouse, Object.keys(legacy.manifest.tables));
  for (const entry of readdirSync(versionsDir(warehouse))) {
    if (entry.startsWith(`${incomingPrefix}legacy-`)) rmSync(join(versionsDir(warehouse), entry), { recursive: true, force: true });
  }
}

/**
 * Copies a warehouse folder (a backup, a test's starting state): its links are copied as links,
 * so the copy points at its own versions (a plain recursive copy would point it back at the
 * original's). Hard-linked files are copied once per version folder.
 */
export function copyWarehouse(from: string, to: string): void {
  cpSync(from, to, { recursive: true, verbatimSymlinks: true });
}
