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
import { describeHours } from "../sources/web-analytics/delivery-names.ts";
import type { WebIngestReport } from "../sources/web-analytics/ingest-web.ts";

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
  if (Array.isArray((report as Partial<WebIngestReport>).loaded) && (report as Partial<WebIngestReport>).through !== undefined) return webIngestSummary(report as WebIngestReport);
  let key: string;
  let loaded: boolean;
  let tables: (Counts & { name: string; details?: Record<string, unknown> })[];
  if (Array.isArray(night.entities) && night.date !== undefined) {
    ({ date: key } = night as NightReport);
    loaded = night.status === "merged";
    tables = night.entities.map((e) => ({ ...e, name: e.entity }));
  } else if (Array.isArray(delivery.tables) && delivery.key !== undefined) {
    ({ key } = delivery as DeliveryReport);
    loaded = delivery.status === "loaded" || delivery.status === "reloaded";
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
  const said = [...tables.flatMap((t) => (t.details ? [`${t.name}: ${webDetails(t.details)}`] : [])), ...(delivery.details ? [webDetails(delivery.details)] : [])].filter((line) => !line.endsWith(": "));
  return [`${source} ${key}: ${delivery.status === "reloaded" ? "reloaded (replaces the earlier delivery)" : "loaded"}; the warehouse is now version ${version}`, ...aligned(rows), ...said.map((line) => `  ${line}`)].join("\n") + "\n";
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/**
 * What a web delivery's load derived, in words: a page views hour's views (late ones, those under
 * the unknown postcode and why, those of an earlier delivery replaced), a users extract's
 * restatement (views restamped, users moved, views recounted). Other details are left out.
 */
function webDetails(d: Record<string, unknown>): string {
  const n = (key: string) => (typeof d[key] === "number" ? (d[key] as number) : undefined);
  const parts: string[] = [];
  if (n("views") !== undefined) parts.push(`${plural(n("views")!, "view")} stored (${n("late") ?? 0} late)`);
  const unknown = d.unknownPostcode as Record<string, number> | undefined;
  if (unknown && typeof unknown === "object") {
    const total = Object.values(unknown).reduce((a, b) => a + b, 0);
    if (total > 0) parts.push(`${total} under the unknown postcode (${Object.entries(unknown).map(([why, k]) => `${why} ${k}`).join(", ")})`);
  }
  if (n("replacedViews")) parts.push(`${plural(n("replacedViews")!, "view")} of the earlier delivery replaced`);
  if (n("restampedViews") !== undefined) parts.push(`${plural(n("restampedViews")!, "view")} restamped`);
  if (n("movedUsers") !== undefined) parts.push(`${plural(n("movedUsers")!, "user")} moved`);
  if (n("recountedViews") !== undefined) parts.push(`${plural(n("recountedViews")!, "view")} recounted under the new current postcode`);
  return parts.join("; ");
}

/** `ingest web`: a row per delivery loaded, what that made of the feeds, and the hours still missing. */
export function webIngestSummary(r: WebIngestReport): string {
  const done = r.loaded.filter((d) => d.report.status !== "already-loaded");
  const head = done.length === 0
    ? `web from ${r.location}: nothing new (${plural(r.seen, "delivery", "deliveries")} there, all loaded); the warehouse stays at version ${r.warehouseVersion}`
    : `web from ${r.location}: ${plural(done.length, "delivery", "deliveries")} loaded in arrival order, each published; the warehouse is now version ${r.warehouseVersion}`;
  const rows = [
    ["delivery", "status", "records", "quarantined", "version", "details"],
    ...done.map((d) => {
      const records = d.report.tables.reduce((n, t) => n + t.recordsIn, 0);
      const quarantined = d.report.tables.reduce((n, t) => n + t.quarantined, 0);
      const details = [...d.report.tables.flatMap((t) => (t.details ? [webDetails(t.details)] : [])), ...(d.report.details ? [webDetails(d.report.details)] : [])].join("; ");
      const name = d.file.slice(d.file.lastIndexOf("/") + 1);
      return [`${d.feed}/${name}`, d.report.status, String(records), String(quarantined), String(d.report.warehouseVersion), details];
    }),
  ];
  const f = r.freshness;
  const lines = [
    head,
    ...(done.length > 0 ? aligned(rows) : []),
    `  users extracts loaded: ${r.usersExtracts.join(", ") || "none"}${f.lastUsersExtract ? ` (newest in the warehouse: ${f.lastUsersExtract})` : ""}`,
    `  hours loaded: ${r.hours.length > 0 ? describeHours([...r.hours].sort()) : "none"}${r.redeliveries.length > 0 ? ` (re-delivered: ${r.redeliveries.join(", ")})` : ""}`,
    `  quarantined: ${plural(r.quarantined, "record")}`,
    f.firstHour === null
      ? `  missing hours: cannot tell, no hour of page views loaded yet (through ${r.through})`
      : `  missing hours (${f.firstHour} through ${r.through}): ${r.missingHours.length === 0 ? "none" : `${describeHours(r.missingHours)} (${plural(r.missingHours.length, "hour")})`}`,
  ];
  return lines.join("\n") + "\n";
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
