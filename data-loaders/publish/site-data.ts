/**
 * What the site's data loaders publish: each function writes one file's bytes to stdout after
 * making sure the warehouse is up to date (see build/pipeline.ts). The loaders in src/data are
 * one call each.
 */
import { basename } from "node:path";
import { ensureWarehouse } from "../pipeline.ts";
import { computeAnswers } from "../questions/answers.ts";
import { questions } from "../questions/index.ts";
import { readLanding } from "../load/landing.ts";
import { publishedTables, sources } from "../sources/index.ts";
import { deliveriesOf, readManifest } from "../warehouse/manifest.ts";
import { martsIn } from "../warehouse/marts.ts";
import { openWarehouse, quoteIdentifier } from "../warehouse/open.ts";
import { queryArrowIPC } from "./arrow.ts";

/** The tables the browser loads into DuckDB-WASM (every source's and the audit tables), with the order rows are published in. */
export const siteTables: Record<string, string> = Object.fromEntries(publishedTables().map((t) => [t.name, t.order]));

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

/** What the warehouse reflects: each source's deliveries, and the vendor night and internal extract by name (the streaming pages). */
export function freshness(warehouse: string) {
  const manifest = readManifest(warehouse);
  const nights = deliveriesOf(manifest, "vendor");
  const night = nights.at(-1);
  const extract = deliveriesOf(manifest, "internal").at(-1);
  return {
    warehouseVersion: manifest.version,
    publishedAt: manifest.publishedAt,
    sources: sources.map((s) => {
      const last = deliveriesOf(manifest, s.id).at(-1);
      return { id: s.id, title: s.title, domain: s.domain.id, deliveries: deliveriesOf(manifest, s.id).length, lastKey: last?.key ?? null, lastLoadedAt: last?.loadedAt ?? null };
    }),
    vendorNight: night?.key ?? null,
    vendorNightMergedAt: night?.loadedAt ?? null,
    vendorNightSource: night ? publicSource(readLanding(warehouse, "vendor", night.key)?.source) : null,
    vendorNights: nights.map((n) => n.key),
    internalExtractLoadedAt: extract?.loadedAt ?? null,
    internalExtractFiles: extract?.files ?? [],
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

/** schema.json: every published table with its columns, types and row count, then the marts (`view: true`). */
export async function writeSchemaJson(): Promise<void> {
  const warehouse = await ensureWarehouse();
  const { db, manifest } = await openWarehouse(warehouse);
  try {
    const tables = [];
    for (const { name: table, domain, description } of publishedTables()) {
      if (!manifest.tables[table]?.length) continue; // a source not loaded yet
      const columns = await db.all<{ column_name: string; column_type: string }>(`DESCRIBE SELECT * FROM ${table}`);
      const [{ n }] = await db.all<{ n: number }>(`SELECT count(*)::BIGINT AS n FROM ${table}`);
      tables.push({ table, domain, description, rows: Number(n), columns: columns.map((c) => ({ name: c.column_name, type: c.column_type })) });
    }
    // the marts, as the workbench creates them (views over the tables above)
    for (const mart of martsIn(manifest)) {
      await db.run(`CREATE VIEW ${quoteIdentifier(mart.name)} AS ${mart.sql}`);
      const columns = await db.all<{ column_name: string; column_type: string }>(`DESCRIBE SELECT * FROM ${quoteIdentifier(mart.name)}`);
      const [{ n }] = await db.all<{ n: number }>(`SELECT count(*)::BIGINT AS n FROM ${quoteIdentifier(mart.name)}`);
      tables.push({ table: mart.name, domain: mart.domain, description: `view: ${mart.description ?? ""}`, view: true, rows: Number(n), columns: columns.map((c) => ({ name: c.column_name, type: c.column_type })) });
    }
    write(JSON.stringify(tables));
  } finally {
    db.close();
  }
}

