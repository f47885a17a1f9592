/**
 * The warehouse manifest: the one file that says which Parquet files make up each table.
 * A run writes new files under new names, then publishes by atomically replacing the manifest,
 * then deletes the files no longer referenced. A run killed at any point leaves the previous
 * manifest in force; `recover` removes what such a run left behind.
 */
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { z } from "zod";
import { StrataError } from "../errors.ts";
import { failpoint } from "../failpoints.ts";
import { writeFileAtomic } from "./fsync.ts";
import { landingRoot, manifestFile, scratchDir } from "./paths.ts";

const fileRef = z.object({ name: z.string(), bytes: z.number(), sha256: z.string() });

const vendorNight = z.object({
  date: z.string(),
  mergedAt: z.string(),
  files: z.array(fileRef),
});

export const manifestSchema = z.object({
  version: z.number().int().nonnegative(),
  publishedAt: z.string().nullable(),
  /** table name → files relative to the warehouse directory */
  tables: z.record(z.string(), z.array(z.string())),
  /** vendor nights merged into the history tables, oldest first */
  vendorNights: z.array(vendorNight),
  /** the internal extract the internal tables were built from */
  internalExtract: z.object({ loadedAt: z.string(), files: z.array(fileRef) }).nullable(),
});
export type Manifest = z.infer<typeof manifestSchema>;
export type VendorNight = z.infer<typeof vendorNight>;
export type FileRef = z.infer<typeof fileRef>;

export const emptyManifest = (): Manifest => ({ version: 0, publishedAt: null, tables: {}, vendorNights: [], internalExtract: null });

/** Reads the manifest in force (an empty one for a new warehouse). */
export function readManifest(warehouse: string): Manifest {
  const path = manifestFile(warehouse);
  if (!existsSync(path)) return emptyManifest();
  const parsed = manifestSchema.safeParse(JSON.parse(readFileSync(path, "utf8")));
  if (!parsed.success) throw new StrataError(`${path}: not a Strata warehouse manifest (${parsed.error.issues[0]?.message})`);
  return parsed.data;
}

/** The relative path for a new file of `table`; the version stamp keeps it from ever replacing a published file. */
export function newTableFile(manifest: Manifest, table: string, label: string): string {
  return `${table}/${label}-v${String(manifest.version + 1).padStart(6, "0")}.parquet`;
}

/** Publishes `next` as version n+1 (the atomic step), then removes files it no longer references. */
export function publish(warehouse: string, previous: Manifest, next: Omit<Manifest, "version" | "publishedAt">): Manifest {
  const current = readManifest(warehouse);
  if (current.version !== previous.version) {
    throw new StrataError(`${manifestFile(warehouse)} changed during this run (version ${previous.version} → ${current.version}); nothing published`);
  }
  const published: Manifest = { ...next, version: previous.version + 1, publishedAt: new Date().toISOString() };
  failpoint("manifest:before-swap");
  writeFileAtomic(manifestFile(warehouse), JSON.stringify(published, null, 2) + "\n");
  failpoint("manifest:after-swap");
  removeUnreferenced(warehouse, published);
  return published;
}

/** Deletes table files the manifest does not reference, and leftovers of interrupted runs. */
export function recover(warehouse: string): void {
  if (!existsSync(warehouse)) return;
  removeUnreferenced(warehouse, readManifest(warehouse));
  rmSync(scratchDir(warehouse), { recursive: true, force: true });
  // a publish killed between writing the manifest's tmp file and the rename (only the lock holder writes it)
  for (const entry of readdirSync(warehouse)) if (entry.startsWith("_manifest.json.tmp-")) rmSync(join(warehouse, entry), { force: true });
  const landing = landingRoot(warehouse);
  if (existsSync(landing)) {
    for (const entry of readdirSync(landing)) {
      if (entry.startsWith(".incoming-")) rmSync(join(landing, entry), { recursive: true, force: true });
    }
  }
}

function removeUnreferenced(warehouse: string, manifest: Manifest): void {
  const referenced = new Set(Object.values(manifest.tables).flat());
  for (const entry of readdirSync(warehouse)) {
    const dir = join(warehouse, entry);
    if (entry.startsWith("_") || entry.startsWith(".") || entry === "landing" || !statSync(dir).isDirectory()) continue;
    for (const file of readdirSync(dir)) {
      const rel = relative(warehouse, join(dir, file));
      if (!referenced.has(rel)) rmSync(join(dir, file), { force: true });
    }
    if (readdirSync(dir).length === 0) rmSync(dir, { recursive: true, force: true });
  }
}
