/**
 * What the site's data loaders publish: each function writes one file's bytes to stdout after
 * making sure the warehouse is up to date (see build/pipeline.ts). The loaders in src/data are
 * one call each.
 */
import { basename } from "node:path";
import { ensureWarehouse } from "../build/pipeline.ts";
import { computeAnswers } from "../questions/answers.ts";
import { questions } from "../questions/index.ts";
import { readLanding } from "../vendor/land.ts";
import { readManifest } from "../warehouse/manifest.ts";
import { openWarehouse } from "../warehouse/open.ts";
import { queryArrowIPC } from "./arrow.ts";

/** The tables the browser loads into DuckDB-WASM, with the order rows are published in. */
export const siteTables: Record<string, string> = {
  streams: "stream_id",
  movies: "title",
  users: "email",
  authors_history: "business_key, valid_from",
  books_history: "business_key, valid_from",
  reviews_history: "business_key, valid_from",
  loads: "loaded_at, entity",
  quarantine: "load_id, entity, record_index",
};

const write = (bytes: string | Uint8Array) => process.stdout.write(bytes);

/** One warehouse table as an Arrow IPC stream. */
export async function writeTableArrow(table: string): Promise<void> {
  if (!(table in siteTables)) throw new Error(`unknown site table ${table}`);
  const warehouse = await ensureWarehouse();
  const { db } = await openWarehouse(warehouse, [table]);
  try {
    write(await queryArrowIPC(db, `SELECT * FROM ${table} ORDER BY ${siteTables[table]}`));
  } finally {
    db.close();
  }
}

/**
 * answers.json: every question's id, title, SQL text, primary value, definition and the
 * alternative definitions, plus the data's freshness (vendor night, extract) — all computed at
 * build time so the report needs no DuckDB in the browser.
 */
export async function writeAnswersJson(): Promise<void> {
  const warehouse = await ensureWarehouse();
  const answers = await computeAnswers(warehouse);
  const sqlById = new Map(questions().map((q) => [q.id, q.sql]));
  write(JSON.stringify({
    primary: answers.primary,
    questions: answers.questions.map((q) => ({ ...q, sql: sqlById.get(q.id) })),
    freshness: freshness(warehouse),
  }));
}

/** Which vendor night and which internal extract the warehouse reflects. */
export function freshness(warehouse: string) {
  const manifest = readManifest(warehouse);
  const night = manifest.vendorNights.at(-1);
  return {
    warehouseVersion: manifest.version,
    publishedAt: manifest.publishedAt,
    vendorNight: night?.date ?? null,
    vendorNightMergedAt: night?.mergedAt ?? null,
    vendorNightSource: night ? publicSource(readLanding(warehouse, night.date)?.source) : null,
    vendorNights: manifest.vendorNights.map((n) => n.date),
    internalExtractLoadedAt: manifest.internalExtract?.loadedAt ?? null,
    internalExtractFiles: manifest.internalExtract?.files ?? [],
  };
}

/** A drop's source as the site may show it: a (password-free) URL, or a local folder's name alone. */
function publicSource(source: string | undefined): string | null {
  if (!source) return null;
  return /^[a-z]+:\/\//i.test(source) ? source : basename(source);
}

/** questions.json: the Phase 2 SQL files, for the workbench's preloaded cells. */
export function writeQuestionsJson(): void {
  write(JSON.stringify(questions().map(({ id, number, title, sql }) => ({ id, number, title, sql }))));
}

/** schema.json: every published table with its columns, types and row count. */
export async function writeSchemaJson(): Promise<void> {
  const warehouse = await ensureWarehouse();
  const { db } = await openWarehouse(warehouse);
  try {
    const tables = [];
    for (const table of Object.keys(siteTables)) {
      const columns = await db.all<{ column_name: string; column_type: string }>(`DESCRIBE SELECT * FROM ${table}`);
      const [{ n }] = await db.all<{ n: number }>(`SELECT count(*)::BIGINT AS n FROM ${table}`);
      tables.push({ table, rows: Number(n), columns: columns.map((c) => ({ name: c.column_name, type: c.column_type })) });
    }
    write(JSON.stringify(tables));
  } finally {
    db.close();
  }
}

