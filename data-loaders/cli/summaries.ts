/**
 * What the CLI prints for people: a few aligned lines saying what a run did. `--json` prints the
 * library's whole report instead, for scripts.
 */
import { join } from "node:path";
import type { GenerationSummary } from "../generate/index.ts";
import type { DeliveryReport } from "../load/delivery.ts";
import type { RollbackReport } from "../load/rollback.ts";
import type { Change } from "../warehouse/manifest.ts";
import type { VersionEntry } from "../warehouse/version-list.ts";
import type { NightReport } from "../sources/catalogue/ingest.ts";

/**
 * A header row and rows as columns padded to their widest cell, two spaces apart, indented; a
 * column of numbers (sizes too) is right-aligned, its header with it.
 */
export function aligned([header, ...body]: string[][], indent = "  "): string[] {
  const rows = [header, ...body];
  const length = (text: string) => [...text].length;
  const widths = header.map((_, j) => Math.max(...rows.map((r) => length(r[j]))));
  const numeric = header.map((_, j) => body.length > 0 && body.every((r) => /^-?[\d.]+( [KMG]?B)?$/.test(r[j])));
  return rows.map((r) =>
    indent + r.map((cell, j) => {
      const pad = " ".repeat(widths[j] - length(cell));
      return numeric[j] ? pad + cell : cell + pad;
    }).join("  ").trimEnd(),
  );
}

const megabytes = (bytes: number) => `${(bytes / 1e6).toFixed(bytes < 1e7 ? 2 : 0)} MB`;

type Counts = { recordsIn: number; accepted: number; quarantined: number; warned: number } & Partial<Record<(typeof historyCounts)[number], number>>;
const historyCounts = ["inserted", "updated", "deleted", "reappeared", "unchanged", "kept"] as const;

/**
 * An ingest's report as lines: the delivery, whether it was loaded and the version it published,
 * then a row of counts per table. Knows the two report shapes the load machinery returns: a
 * vendor night's (NightReport) and a delivery's (DeliveryReport, load/delivery.ts); anything else
 * is shown as JSON.
 */
export function ingestSummary(source: string, report: unknown): string {
  const night = report as Partial<NightReport>;
  const delivery = report as Partial<DeliveryReport>;
  let key: string;
  let loaded: boolean;
  let tables: (Counts & { name: string })[];
  if (Array.isArray(night.entities) && night.date !== undefined) {
    ({ date: key } = night as NightReport);
    loaded = night.status === "merged";
    tables = night.entities.map((e) => ({ ...e, name: e.entity }));
  } else if (Array.isArray(delivery.tables) && delivery.key !== undefined) {
    ({ key } = delivery as DeliveryReport);
    loaded = delivery.status === "loaded";
    tables = delivery.tables.map((t) => ({ ...t, name: t.table }));
  } else {
    return `${JSON.stringify(report)}\n`;
  }
  const version = (report as { warehouseVersion: number }).warehouseVersion;
  if (!loaded) return `${source} ${key}: already loaded from the same files; nothing to do (the warehouse stays at version ${version})\n`;
  const extra = historyCounts.filter((c) => tables.some((t) => t[c] !== undefined && t[c] !== null));
  const rows = [
    ["table", "records", "accepted", "quarantined", "warned", ...extra],
    ...tables.map((t) => [t.name, ...[t.recordsIn, t.accepted, t.quarantined, t.warned, ...extra.map((c) => t[c] ?? 0)].map(String)]),
  ];
  return [`${source} ${key}: loaded; the warehouse is now version ${version}`, ...aligned(rows)].join("\n") + "\n";
}

/** generate's summary: what was written where, a line per night; the whole truth is in generation.json. */
export function generateSummary(s: GenerationSummary): string {
  const lines: string[] = [];
  const parts: string[] = [];
  if (s.nights.length > 0) {
    const first = s.nights[0];
    const last = s.nights.at(-1)!;
    parts.push(`${s.nights.length} ${s.nights.length === 1 ? "night" : "nights"} (${s.nights.length === 1 ? first.date : `${first.date} to ${last.date}`})`);
    const rows = [
      ["night", "folder", "size", "authors", "books", "reviews"],
      ...s.nights.map((n) => [n.date, `${n.dir}/`, megabytes(n.bytes), String(n.authors.records), String(n.books.records), String(n.reviews.records)]),
    ];
    lines.push(...aligned(rows));
  }
  if (s.internal) {
    parts.push("the internal extracts");
    lines.push(`  internal/: ${s.internal.movies} movies, ${s.internal.users} users, ${s.internal.streams} streams (${megabytes(s.internal.bytes)})`);
  }
  if (s.web) {
    const w = s.web;
    const t = w.totals;
    parts.push(`${w.days} ${w.days === 1 ? "day" : "days"} of web feeds`);
    lines.push(
      `  web/: ${w.days} users extracts (${t.userRows} rows), ${w.days * 24 - t.missingHours} hourly page-view deliveries (${t.views} views, ${t.late} late, ` +
        `${t.unknownUser} by unknown users), ${t.redelivered} re-delivered, ${t.missingHours} missing, ${t.badRows} bad rows; ${w.format}, ${megabytes(t.bytes)}`,
    );
  }
  const scale = s.nights.length > 0 || s.internal ? `scale ${s.scale}, ` : "";
  return [
    `generated ${parts.join(" and ")} in ${s.outDir}: ${megabytes(s.totalBytes)} in ${s.seconds.toFixed(1)} s (${scale}seed ${s.seed})`,
    ...lines,
    `  what changed each night: ${s.truthFile}${s.web ? `; the web feeds' truth: ${join(s.outDir, s.web.truthFile)}` : ""}`,
  ].join("\n") + "\n";
}

/** Deliveries per source as text: `vendor 2022-03-02, 2022-03-03; internal 20261128T…`. */
const deliveries = (bySource: Record<string, string[]>) =>
  Object.entries(bySource).map(([source, keys]) => `${source} ${keys.join(", ")}`).join("; ");

/** What a version did, in words: loaded which deliveries, or rolled back to which version and what that removed. */
export function describeChange(version: number, change: Change | null): string {
  if (!change) return `not recorded (version ${version - 1}, the one before, is no longer kept)`;
  const added = deliveries(change.added);
  const removed = deliveries(change.removed);
  if (change.restores !== undefined) {
    const what = [removed && `removed ${removed}`, added && `restored ${added}`].filter(Boolean).join("; ");
    return `rollback to version ${change.restores}${what ? `: ${what}` : ""}`;
  }
  return [added && `loaded ${added}`, removed && `removed ${removed}`].filter(Boolean).join("; ") || "no delivery added or removed";
}

/** `strata versions`: a row per kept version, oldest first, the current one marked. */
export function versionsSummary(warehouse: string, list: { keep: number; versions: VersionEntry[] }): string {
  const rows = [
    ["", "version", "published at", "what it did"],
    ...list.versions.map((v) => [v.current ? "*" : "", String(v.version), v.publishedAt ?? "", describeChange(v.version, v.change)]),
  ];
  return [`versions kept in ${warehouse} (the newest ${list.keep}; * is the current one):`, ...aligned(rows)].join("\n") + "\n";
}

/** `strata rollback`: the version published and the deliveries it took out (and brought back). */
export function rollbackSummary(r: RollbackReport): string {
  if (r.status === "already-current") return `version ${r.to} is the current version; nothing to do\n`;
  return [
    `rolled back to version ${r.to}: the warehouse is now version ${r.warehouseVersion}, with version ${r.to}'s tables and deliveries`,
    `  removed: ${deliveries(r.removed) || "no deliveries"}`,
    ...(Object.keys(r.restored).length > 0 ? [`  restored: ${deliveries(r.restored)}`] : []),
  ].join("\n") + "\n";
}
