/**
 * The warehouse manifest: which Parquet files make up each table in one published version, and
 * what each source has delivered into it. Every version folder holds its own manifest
 * (`_versions/v<n>/_manifest.json`, see versions.ts); the one in force is read through `_current`.
 */
import { existsSync, readFileSync, realpathSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { StrataError } from "../errors.ts";
import { currentLink, legacyManifestFile, versionName, versionsDir } from "./paths.ts";

const fileRef = z.object({ name: z.string(), bytes: z.number(), sha256: z.string() });

/** One delivery a source has loaded: a vendor night (key: its date), an extract (key: its load time). */
const delivery = z.object({ key: z.string(), loadedAt: z.string(), files: z.array(fileRef) });

/** source id → delivery keys */
const deliveryKeys = z.record(z.string(), z.array(z.string()));

/** What a version changed, against the version it was published on (`strata versions`). */
const change = z.object({
  /** deliveries this version holds that the version before did not */
  added: deliveryKeys,
  /** deliveries the version before held that this one does not (a rollback) */
  removed: deliveryKeys,
  /** a rollback: the version whose tables and deliveries this one restores */
  restores: z.number().int().positive().optional(),
});

const manifestShape = z.object({
  version: z.number().int().nonnegative(),
  publishedAt: z.string().nullable(),
  /** table name → files relative to the version folder */
  tables: z.record(z.string(), z.array(z.string())),
  /** source id → the deliveries loaded into this version, oldest first */
  sources: z.record(z.string(), z.object({ deliveries: z.array(delivery) })),
  /** absent from manifests written before it was recorded */
  change: change.optional(),
});

/** Manifests written before sources were modules named their two sources' deliveries apart. */
function fromLegacy(raw: unknown): unknown {
  if (typeof raw !== "object" || raw === null || "sources" in raw || !("vendorNights" in raw)) return raw;
  const { vendorNights, internalExtract, ...rest } = raw as {
    vendorNights: { date: string; mergedAt: string; files: unknown[] }[];
    internalExtract: { loadedAt: string; files: unknown[] } | null;
  };
  const sources: Record<string, { deliveries: unknown[] }> = {};
  if (vendorNights.length > 0) sources.vendor = { deliveries: vendorNights.map((n) => ({ key: n.date, loadedAt: n.mergedAt, files: n.files })) };
  if (internalExtract) sources.internal = { deliveries: [{ key: internalExtract.loadedAt, ...internalExtract }] };
  return { ...rest, sources };
}

export const manifestSchema = z.preprocess(fromLegacy, manifestShape);
export type Manifest = z.infer<typeof manifestShape>;
export type Delivery = z.infer<typeof delivery>;
export type FileRef = z.infer<typeof fileRef>;
export type Change = z.infer<typeof change>;
/** A version's content: what a run builds and a publish stamps with its number, time and change. */
export type VersionContent = Pick<Manifest, "tables" | "sources">;

export const emptyManifest = (): Manifest => ({ version: 0, publishedAt: null, tables: {}, sources: {} });

/** A published version: its manifest and the folder its table files are relative to. */
export type Snapshot = { manifest: Manifest; dir: string };

/**
 * The version in force, pinned: `dir` is the version's own folder, so a reader holding it keeps
 * reading that version while later ones are published. An empty manifest for a new warehouse.
 * Cost: two small file reads.
 */
export function readSnapshot(warehouse: string): Snapshot {
  if (existsSync(currentLink(warehouse))) {
    const dir = realpathSync(currentLink(warehouse));
    return { manifest: parseManifest(join(dir, "_manifest.json")), dir };
  }
  // a warehouse from before version folders: files relative to the warehouse itself
  if (existsSync(legacyManifestFile(warehouse))) return { manifest: parseManifest(legacyManifestFile(warehouse)), dir: warehouse };
  return { manifest: emptyManifest(), dir: warehouse };
}

/**
 * Refuses a folder that holds no published warehouse: read as an empty warehouse, a mistyped
 * `--warehouse` would pass every check and report nothing. Reads only; creates nothing.
 */
export function assertPublished(warehouse: string): void {
  if (!existsSync(legacyManifestFile(warehouse))) throw new StrataError(`${warehouse}: no published warehouse here (no _manifest.json)`);
}

/** The manifest of published version `version`, or null when its folder is no longer kept. */
export function readVersion(warehouse: string, version: number): Manifest | null {
  const path = join(versionsDir(warehouse), versionName(version), "_manifest.json");
  return existsSync(path) ? parseManifest(path) : null;
}

/** The deliveries `after` holds that `before` does not, and the other way round, per source. */
export function describeChange(before: Pick<Manifest, "sources">, after: Pick<Manifest, "sources">): Omit<Change, "restores"> {
  const minus = (a: Pick<Manifest, "sources">, b: Pick<Manifest, "sources">) => {
    const out: Record<string, string[]> = {};
    for (const [source, { deliveries }] of Object.entries(a.sources)) {
      const keys = new Set(deliveriesOf(b, source).map((d) => d.key));
      const only = deliveries.map((d) => d.key).filter((k) => !keys.has(k));
      if (only.length > 0) out[source] = only;
    }
    return out;
  };
  return { added: minus(after, before), removed: minus(before, after) };
}

/** The manifest in force (see readSnapshot). */
export const readManifest = (warehouse: string): Manifest => readSnapshot(warehouse).manifest;

function parseManifest(path: string): Manifest {
  const parsed = manifestSchema.safeParse(JSON.parse(readFileSync(path, "utf8")));
  if (!parsed.success) throw new StrataError(`${path}: not a Strata warehouse manifest (${parsed.error.issues[0]?.message})`);
  return parsed.data;
}

/** A source's deliveries in a manifest, oldest first (none for a source never loaded). */
export const deliveriesOf = (manifest: Pick<Manifest, "sources">, source: string): Delivery[] => manifest.sources[source]?.deliveries ?? [];

/** The relative path for a new file of `table`; the version stamp keeps it from ever naming another file. */
export function newTableFile(manifest: Manifest, table: string, label: string): string {
  return `${table}/${label}-v${String(manifest.version + 1).padStart(6, "0")}.parquet`;
}
