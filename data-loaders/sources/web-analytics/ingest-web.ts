/**
 * `strata ingest web <dir|ftp-url> [--through HOUR]`: every web delivery at a location that the
 * warehouse lacks (location.ts), loaded in arrival order, each as its own load run (its own
 * atomic publish). A failure stops at that delivery: the ones before it stay published, and the
 * error names the file. Then the hours missing from the first hour loaded through `--through`
 * (freshness.ts): reported, in the report and as a warning, never a failure (a missing hour is
 * the vendor's to deliver; refusing the run would hold back every hour that did arrive).
 */
import { StrataError } from "../../errors.ts";
import type { DeliveryReport } from "../../load/delivery.ts";
import { readManifest } from "../../warehouse/manifest.ts";
import type { IngestArgs } from "../source.ts";
import { describeHours, hourOf, hourStartOf } from "./delivery-names.ts";
import { webFreshness, type WebFreshness } from "./freshness.ts";
import { webLocation } from "./location.ts";
import { ingestPageviews } from "./pageviews.ts";
import { ingestUsers } from "./users.ts";

export type WebDelivery = {
  feed: "users" | "pageviews";
  /** the extract's date, or the hour */
  key: string;
  /** the file as the location names it */
  file: string;
  /** 1 for an hour's first delivery, N for `.rN` (pageviews only) */
  redelivery?: number;
  report: DeliveryReport;
};

export type WebIngestReport = {
  location: string;
  /** the last hour expected */
  through: string;
  /** deliveries at the location, and of them those the warehouse lacked */
  seen: number;
  /** the deliveries loaded, in the order they were */
  loaded: WebDelivery[];
  usersExtracts: string[];
  hours: string[];
  /** hours loaded again from a re-delivery (`.rN`) */
  redeliveries: string[];
  /** records quarantined, over every delivery loaded */
  quarantined: number;
  /** the hours no delivery brought, from the first hour loaded (ever) through `through` */
  missingHours: string[];
  freshness: WebFreshness;
  warehouseVersion: number;
};

/** The default `--through`: the hour before the current one (UTC), the last that has ended. */
export const defaultThrough = (now = Date.now()) => hourOf(now - 3_600_000);

/** Checks a `--through` value: an hour, not one that has not started yet. */
export function checkThrough(value: string, flag = "--through", now = Date.now()): void {
  if (hourStartOf(value, flag).getTime() > now) throw new StrataError(`${flag} ${value}: after the current hour (${hourOf(now)} UTC); its views cannot have arrived`);
}

export async function ingestWeb(args: Pick<IngestArgs, "warehouse" | "location" | "through" | "waitMs" | "log" | "warn">): Promise<WebIngestReport> {
  const through = args.through ?? defaultThrough();
  checkThrough(through);
  const location = await webLocation(args.location, args.warehouse, args.log);
  const loaded: WebDelivery[] = [];
  try {
    for (const arrival of location.pending) {
      const common = { warehouse: args.warehouse, location: arrival.file, waitMs: args.waitMs, log: args.log };
      try {
        const report = arrival.feed === "users" ? await ingestUsers({ ...common, date: arrival.key }) : await ingestPageviews({ ...common, hour: arrival.key });
        loaded.push({ feed: arrival.feed, key: arrival.key, file: arrival.shown, ...(arrival.feed === "pageviews" ? { redelivery: arrival.redelivery } : {}), report });
        args.log?.(`web: ${arrival.shown}: ${report.status}, version ${report.warehouseVersion}`);
      } catch (error) {
        if (!(error instanceof StrataError)) throw error;
        // the file's own name, as the location says it (a download's path would be gone)
        const said = location.scratch ? error.message.split(location.scratch).join(location.source) : error.message;
        const reason = said.startsWith(`${arrival.shown}: `) ? said.slice(arrival.shown.length + 2) : said;
        const before = loaded.filter((d) => d.report.status !== "already-loaded");
        const kept = before.length === 0
          ? "this run loaded nothing before it"
          : `the ${before.length === 1 ? "delivery this run loaded before it stays" : `${before.length} deliveries this run loaded before it stay`} published (version ${before.at(-1)!.report.warehouseVersion})`;
        throw new StrataError(`${arrival.shown}: ${reason}; ${kept}`);
      }
    }
  } finally {
    location.done();
  }
  const manifest = readManifest(args.warehouse);
  const freshness = webFreshness(manifest, { through });
  const done = loaded.filter((d) => d.report.status !== "already-loaded");
  const report: WebIngestReport = {
    location: location.source,
    through,
    seen: location.seen,
    loaded,
    usersExtracts: done.filter((d) => d.feed === "users").map((d) => d.key),
    hours: done.filter((d) => d.feed === "pageviews").map((d) => d.key),
    redeliveries: done.filter((d) => d.feed === "pageviews" && d.report.status === "reloaded").map((d) => d.key),
    quarantined: done.reduce((n, d) => n + d.report.tables.reduce((m, t) => m + t.quarantined, 0), 0),
    missingHours: freshness.missingHours,
    freshness,
    warehouseVersion: manifest.version,
  };
  if (freshness.firstHour === null) args.warn?.(`web: no hour of page views loaded yet (expected through ${through})`);
  else if (report.missingHours.length > 0) {
    args.warn?.(`web: ${report.missingHours.length === 1 ? "1 hour" : `${report.missingHours.length} hours`} of page views missing (${freshness.firstHour} through ${through}): ${describeHours(report.missingHours)}`);
  }
  return report;
}
