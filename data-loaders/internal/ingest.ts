/**
 * The internal extracts (users.csv, movies.csv, streams.csv): full snapshots, so each load
 * replaces the three tables whole, published in one atomic step with its quarantine and counts.
 * Loading the same three files again is a no-op.
 */
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Db } from "../db.ts";
import { StrataError } from "../errors.ts";
import { describeFile } from "../hash-file.ts";
import { splitStaged, stageRecords } from "../stage.ts";
import { collectQuarantine, type LoadRow, startRunQuarantine, writeLoadRecords } from "../warehouse/loads.ts";
import { acquireLock } from "../warehouse/lock.ts";
import { newTableFile, publish, readManifest, recover } from "../warehouse/manifest.ts";
import { scratchDir } from "../warehouse/paths.ts";
import { writeParquet } from "../warehouse/write.ts";
import { internalExtracts } from "./schemas.ts";

export type InternalReport = { status: "loaded" | "already-loaded"; tables: { table: string; recordsIn: number; accepted: number; quarantined: number }[]; warehouseVersion: number };

const sql = (name: string) => fileURLToPath(new URL(`./sql/${name}`, import.meta.url));

export async function ingestInternal(opts: { warehouse: string; dir: string; waitMs?: number; log?: (line: string) => void }): Promise<InternalReport> {
  const { warehouse, dir } = opts;
  const log = opts.log ?? (() => {});
  if (!existsSync(dir)) throw new StrataError(`${dir}: no such folder`);
  const missing = internalExtracts.filter((e) => !existsSync(join(dir, e.file))).map((e) => e.file);
  if (missing.length > 0) throw new StrataError(`${dir}: missing ${missing.join(", ")}; the internal extract is refused`);
  const lock = await acquireLock(warehouse, opts.waitMs ?? 0);
  try {
    recover(warehouse);
    const manifest = readManifest(warehouse);
    const files = await Promise.all(internalExtracts.map((e) => describeFile(join(dir, e.file))));
    const previous = manifest.internalExtract?.files;
    if (previous && files.every((f) => previous.some((p) => p.name === f.name && p.sha256 === f.sha256))) {
      log("internal extract: already loaded, nothing to do");
      return { status: "already-loaded", tables: [], warehouseVersion: manifest.version };
    }
    mkdirSync(scratchDir(warehouse), { recursive: true });
    const db = await Db.open({ tempDir: join(scratchDir(warehouse), "duckdb") });
    try {
      const loadedAt = new Date().toISOString();
      const loadId = `internal/${loadedAt}`;
      const next = structuredClone(manifest);
      const rows: LoadRow[] = [];
      await startRunQuarantine(db);
      await db.setVariables({ load_id: loadId });
      for (const [i, extract] of internalExtracts.entries()) {
        const path = join(dir, extract.file);
        await db.setVariables({ entity: extract.table, source_file: extract.file });
        const parsed = await stageRecords(db, {
          path,
          kind: "csv",
          schema: extract.schema,
          what: `${extract.table} CSV`,
          normalizeSql: sql(`normalize_${extract.table}.sql`),
          materializeSql: sql("materialize.sql"),
        });
        await splitStaged(db);
        await collectQuarantine(db);
        await db.run(`INSERT INTO run_quarantine SELECT getvariable('load_id'), getvariable('entity'), getvariable('source_file'), NULL, reason, record FROM raw_rejects`);
        const [{ accepted, quarantined, rejected }] = await db.all<{ accepted: number; quarantined: number; rejected: number }>(
          `SELECT (SELECT count(*) FROM staged)::INTEGER AS accepted, (SELECT count(*) FROM quarantined)::INTEGER AS quarantined,
                  (SELECT count(*) FROM raw_rejects)::INTEGER AS rejected`);
        const file = newTableFile(manifest, extract.table, "extract");
        await writeParquet(db, warehouse, file, `SELECT * EXCLUDE (business_key) FROM staged ORDER BY business_key`);
        next.tables[extract.table] = [file];
        const recordsIn = parsed + rejected;
        if (accepted + quarantined + rejected !== recordsIn) throw new Error(`${path}: records lost between reading and splitting`);
        rows.push({
          entity: extract.table, format: "csv", file: extract.file, sha256: files[i].sha256, bytes: files[i].bytes,
          records_in: recordsIn, accepted, quarantined: quarantined + rejected,
          inserted: null, updated: null, deleted: null, reappeared: null, unchanged: null,
        });
        log(`internal ${extract.table}: ${recordsIn} in, ${accepted} accepted, ${quarantined + rejected} quarantined`);
      }
      await writeLoadRecords(db, warehouse, manifest, next, { loadId, source: "internal", dataDate: null, label: `internal-${loadedAt.replace(/[-:.]/g, "")}`, rows });
      next.internalExtract = { loadedAt, files };
      const published = publish(warehouse, manifest, next);
      return {
        status: "loaded",
        tables: rows.map((r) => ({ table: r.entity, recordsIn: r.records_in, accepted: r.accepted, quarantined: r.quarantined })),
        warehouseVersion: published.version,
      };
    } finally {
      db.close();
    }
  } catch (error) {
    recover(warehouse);
    throw error;
  } finally {
    lock.release();
  }
}
