/**
 * Web analytics: the web site's users extract (daily, full) and page views extract (hourly),
 * answering "page views per postcode" by the user's current postcode and by the postcode at view
 * time (docs/web-analytics.md). Two sources, one folder: they share the contract, the stamping
 * and the marts, and a users extract restates the page views already stored.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { WarehouseView } from "../../warehouse/open.ts";
import { domains, type Source } from "../source.ts";
import { pendingArrivals, webArrivals } from "./data-folder.ts";
import { ingestWeb } from "./ingest-web.ts";
import { ingestPageviews } from "./pageviews.ts";
import { tables } from "./stamping.ts";
import { ingestUsers } from "./users.ts";

const mart = (name: string, description: string): WarehouseView => ({ name, description, sql: readFileSync(fileURLToPath(new URL(`./sql/${name}.sql`, import.meta.url)), "utf8") });

/** The two answers (pageviews_by_postcode) and where they differ (pageview_moves). */
export const webMarts: WarehouseView[] = [
  mart("pageviews_by_postcode", "page views per hour and postcode, by the user's current postcode or the one at view time (basis); postcode NULL: unknown"),
  mart("pageview_moves", "per hour, the views whose postcode at view time is not the user's current one: the flow between postcodes from users moving"),
];

export const webUsers: Source = {
  id: "users",
  domain: domains.web,
  title: "Web users extract (daily, full: id, postcode)",
  tables: [{ name: tables.users, rule: "snapshot-history", description: "every postcode of every web user, one row per version (valid from the extract's date, 00:00 UTC)", order: "business_key, valid_from" }],
  usage: "ingest users <file.csv|file.parquet> --date YYYY-MM-DD [--allow-mass-deletion]",
  dated: true,
  ingest: (args) => ingestUsers(args),
  // both web feeds, in the order they arrive (the page views source has nothing of its own to add)
  async ingestDataFolder({ warehouse, dataDir, waitMs }) {
    const said: string[] = [];
    for (const arrival of pendingArrivals(warehouse, webArrivals(dataDir))) {
      const args = { warehouse, location: arrival.file, waitMs };
      const report = arrival.feed === "users" ? await ingestUsers({ ...args, date: arrival.key }) : await ingestPageviews({ ...args, hour: arrival.key });
      if (report.status !== "already-loaded") said.push(`${report.status} ${arrival.feed} ${arrival.key} into ${warehouse}`);
    }
    return said;
  },
};

export const webPageviews: Source = {
  id: "pageviews",
  domain: domains.web,
  title: "Web page views extract (hourly: user_id, url, pageview_datetime)",
  tables: [
    { name: tables.views, rule: "partition-append", description: "one row per page view, with the viewer's postcode at view time (NULL: unknown); partitioned by view_date", order: "viewed_at, user_id, url" },
    { name: tables.counts, rule: "partition-append", description: "page views per delivery, hour, postcode at view and current postcode: what both answers are kept from", order: "hour, postcode, current_postcode, delivery_hour" },
    { name: tables.hourly, rule: "partition-append", description: "page views per hour and postcode, by postcode at view time and by current postcode (basis): the mart pageviews_by_postcode", order: "hour, basis, postcode" },
  ],
  usage: "ingest pageviews <file.csv|file.parquet> --hour YYYY-MM-DDTHH",
  dated: false,
  hourly: true,
  marts: webMarts,
  ingest: (args) => ingestPageviews(args),
};

/**
 * Both feeds from a location (a folder or an FTP URL), every delivery the warehouse lacks, in
 * arrival order, each its own load (ingest-web.ts); the hours missing through `--through` are
 * reported. Its loads are the two sources' own: it has no tables or deliveries of its own.
 */
export const webFeeds: Source = {
  id: "web",
  domain: domains.web,
  title: "Web feeds (users extract and page views, in arrival order)",
  tables: [],
  usage: "ingest web <dir|ftp-url> [--through YYYY-MM-DDTHH]",
  dated: false,
  batch: true,
  ingest: (args) => ingestWeb(args),
};
