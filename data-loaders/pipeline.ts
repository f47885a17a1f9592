/**
 * The build's ETL: make sure the warehouse holds every delivery of every source (sources/index.ts)
 * found in the configured data, loading only what is new. Every data loader calls `ensureWarehouse`
 * first; the warehouse lock serialises them, and each finds the work already done but the first.
 *
 * Data source: env STRATA_DATA, a folder holding vendor nights as dated folders (`vendor/2022-03-01/`,
 * or `vendor_v1_2022-01-14/` as in the real data set) and `internal/` with the CSV extracts.
 * Unset, the build generates the embedded demo data set (deterministic) and uses that.
 * STRATA_DATA=none publishes the warehouse as it stands (the nightly run ingests over FTP first).
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { StrataError } from "./errors.ts";
import { generate } from "./generate/index.ts";
import { sources } from "./sources/index.ts";
import { readManifest } from "./warehouse/manifest.ts";
import { warehouseDir } from "./warehouse/paths.ts";

/**
 * The demo data set: small, several nights of updates, deletions and reappearances; and 4 days of
 * web feeds with a missing hour, bad rows, re-delivered hours and late views.
 */
export const demoData = {
  scale: 1, nights: 7, seed: 20211201,
  web: { days: 4, users: 2000, viewsPerDay: 20000, startDate: "2022-03-01", format: "csv", missingHours: 1, badRows: 2 },
} as const;
const repoRoot = fileURLToPath(new URL("../", import.meta.url));
const generatorDir = fileURLToPath(new URL("./generate/", import.meta.url));

/** Names this version of the demo data: its parameters and the generator's code. */
function demoDataId(): string {
  const hash = createHash("sha256");
  for (const file of readdirSync(generatorDir).sort()) hash.update(file).update(readFileSync(join(generatorDir, file)));
  return `demo-data-s${demoData.scale}-n${demoData.nights}-w${demoData.web.days}-seed${demoData.seed}-g${hash.digest("hex").slice(0, 10)}`;
}
/** A cache of generated files, so it lives in the checkout whatever the working directory. */
const demoDir = () => resolve(repoRoot, ".tmp", demoDataId());
const sourceMarker = (warehouse: string) => join(warehouse, "_source.json");

/**
 * The build's warehouse remembers the data it was built from (`_source.json`). Built from the demo
 * data, it is generated data: rebuilt when the demo data changed or the build now reads another
 * source. Built from anything else, it is refused to another source rather than mixed with it.
 */
function checkSource(warehouse: string, source: string, log: (line: string) => void): void {
  if (!existsSync(sourceMarker(warehouse))) return;
  const { source: previous } = JSON.parse(readFileSync(sourceMarker(warehouse), "utf8")) as { source: string };
  if (previous === source) return;
  if (!previous.startsWith("demo:")) {
    throw new StrataError(`${warehouse}: built from ${previous}, not ${source}; point STRATA_WAREHOUSE at another folder`);
  }
  log(`${warehouse}: built from ${previous}; rebuilding it from ${source}`);
  rmSync(warehouse, { recursive: true, force: true });
}

/** The data folder the build reads: STRATA_DATA, or the demo data set (generated on first use). */
export async function dataDir(log: (line: string) => void): Promise<string> {
  const configured = process.env.STRATA_DATA;
  if (configured) {
    if (!existsSync(configured)) throw new StrataError(`STRATA_DATA=${configured}: no such folder`);
    return resolve(configured);
  }
  const dir = demoDir();
  if (!existsSync(join(dir, "generation.json"))) {
    log(`generating the demo data set into ${dir}`);
    await generate({ outDir: dir, ...demoData });
  }
  return dir;
}

/** Ingests whatever of the data source the warehouse lacks; returns the warehouse path. Cost: hashing the source files when nothing is new. */
export async function ensureWarehouse(opts: { warehouse?: string; log?: (line: string) => void } = {}): Promise<string> {
  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const warehouse = warehouseDir(opts.warehouse);
  if (process.env.STRATA_DATA === "none") {
    if (readManifest(warehouse).version === 0) throw new StrataError(`${warehouse}: empty warehouse and STRATA_DATA=none; nothing to publish`);
    return warehouse;
  }
  const source = await dataDir(log);
  const sourceId = process.env.STRATA_DATA ? source : `demo:${demoDataId()}`;
  checkSource(warehouse, sourceId, log);
  const waitMs = 10 * 60_000; // other loaders of the same build may hold the lock meanwhile
  // every loader calls this: say only what changed
  for (const s of sources) for (const line of (await s.ingestDataFolder?.({ warehouse, dataDir: source, waitMs })) ?? []) log(line);
  writeFileSync(sourceMarker(warehouse), `${JSON.stringify({ source: sourceId })}\n`);
  return warehouse;
}
