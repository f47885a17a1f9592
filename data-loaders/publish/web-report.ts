/**
 * What the web analytics report (/web/report) publishes, computed at build time: both answers per
 * period and postcode (site-sql/web_report_views.sql), the flows between postcodes caused by users
 * moving (site-sql/web_report_moves.sql), the views stored, and the feeds' freshness. The page
 * groups and filters these rows in the browser; the landing page shows `webFigures`.
 *
 * Size: the rows are baked at three grains (hour for the last 7 days loaded, day for the last 92,
 * month for the whole history), so the file grows with postcodes × (168 + 92 + months), not with
 * the views or the hours loaded. At demo scale it is a few hundred KB at most.
 */
import type { Figure } from "../../site/render.ts";
import { webMarts } from "../sources/web-analytics/index.ts";
import { webFreshness, type WebFreshness } from "../sources/web-analytics/freshness.ts";
import { tables } from "../sources/web-analytics/stamping.ts";
import { ensureWarehouse } from "../pipeline.ts";
import { deliveriesOf, readManifest } from "../warehouse/manifest.ts";
import { openWarehouse } from "../warehouse/open.ts";
import { siteSql } from "./site-sql.ts";

export type Grain = "hour" | "day" | "month";
/** One period and postcode: `a` views by postcode at view time, `c` by current postcode (pc null: unknown). */
export type ViewsRow = { g: Grain; t: string; pc: string | null; a: number; c: number };
export type MoveRow = { g: Grain; t: string; from: string | null; to: string | null; views: number };

export type WebReportData = {
  views: ViewsRow[];
  moves: MoveRow[];
  /** page views stored in web_pageviews (what both answers must add up to) */
  stored: number;
  /** every postcode seen, either basis, sorted (null, the unknown postcode, not included) */
  postcodes: string[];
  /** whether the unknown postcode occurs */
  unknown: boolean;
  freshness: WebFreshness & { usersLoadedAt: string | null; pageviewsLoadedAt: string | null };
};

/** The web report's data; empty rows when no page views have been loaded. */
export async function webReportData(warehouse: string): Promise<WebReportData> {
  const manifest = readManifest(warehouse);
  const f = webFreshness(manifest);
  const loadedAt = (source: string, key: string | null) => deliveriesOf(manifest, source).filter((d) => d.key === key).at(-1)?.loadedAt ?? null;
  const freshness = { ...f, usersLoadedAt: loadedAt("users", f.lastUsersExtract), pageviewsLoadedAt: deliveriesOf(manifest, "pageviews").at(-1)?.loadedAt ?? null };
  if (!manifest.tables[tables.counts]?.length) return { views: [], moves: [], stored: 0, postcodes: [], unknown: false, freshness };
  const { db } = await openWarehouse(warehouse, [tables.counts, tables.views], { views: webMarts });
  try {
    const views = await db.all<ViewsRow>(siteSql("web_report_views"));
    const moves = await db.all<MoveRow>(siteSql("web_report_moves"));
    const [{ n }] = await db.all<{ n: number }>(`SELECT CAST(count(*) AS DOUBLE) AS n FROM ${tables.views}`);
    const seen = new Set(views.map((r) => r.pc));
    return {
      views,
      moves,
      stored: Number(n),
      postcodes: [...seen].filter((p): p is string => p !== null).sort(),
      unknown: seen.has(null),
      freshness,
    };
  } finally {
    db.close();
  }
}

/** data/report.json of /web/report. */
export async function writeWebReportJson(): Promise<void> {
  process.stdout.write(JSON.stringify(await webReportData(await ensureWarehouse())));
}

/** The web domain's headline figures (the landing page and the report's cards); none before any page view is loaded. */
export function webFigures(data: WebReportData): Figure[] {
  const f = data.freshness;
  if (!f.firstHour) return [];
  const moved = data.moves.filter((m) => m.g === "month").reduce((s, m) => s + m.views, 0);
  const span = `${f.firstHour}:00 to ${f.lastHour}:59 UTC`;
  return [
    { id: "web_views", title: "Page views loaded", value: data.stored, definition: `every page view stored, ${span}; by current postcode and by postcode at view time alike` },
    { id: "web_moved_views", title: "Page views whose user has moved since", value: moved, definition: "views whose user's postcode at view time is not the current one: where the two answers differ" },
    { id: "web_missing_hours", title: "Hours of page views missing", value: f.missingHours.length, definition: `hours between the first and the last loaded with no delivery${f.missingHours.length ? ` (first: ${f.missingHours[0]})` : ""}` },
  ];
}
