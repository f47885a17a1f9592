/**
 * How fresh the web feeds are in a published version: the last users extract, the hours of page
 * views loaded, and the hours missing: every hour from the first loaded to `through` (default:
 * the last loaded) that no delivery brought. A missing hour is reported (the page, the nightly
 * summary), never skipped silently. Cost: a walk of the manifest's deliveries.
 */
import { deliveriesOf, type Manifest } from "../../warehouse/manifest.ts";
import { hoursBetween } from "./delivery-names.ts";

export type WebFreshness = {
  /** the date of the newest users extract loaded (taken at 00:00 UTC that day), or null */
  lastUsersExtract: string | null;
  usersExtracts: number;
  /** the first and last hours of page views loaded (YYYY-MM-DDTHH), or null */
  firstHour: string | null;
  lastHour: string | null;
  hoursLoaded: number;
  /** hours from firstHour to `through` (or lastHour) with no delivery */
  missingHours: string[];
};

export function webFreshness(manifest: Pick<Manifest, "sources">, opts: { through?: string } = {}): WebFreshness {
  const users = deliveriesOf(manifest, "users").map((d) => d.key).sort();
  const hours = deliveriesOf(manifest, "pageviews").map((d) => d.key).sort();
  const loaded = new Set(hours);
  const firstHour = hours[0] ?? null;
  const lastHour = hours.at(-1) ?? null;
  const until = opts.through && (!lastHour || opts.through > lastHour) ? opts.through : lastHour;
  const missingHours = firstHour && until ? hoursBetween(firstHour, until).filter((h) => !loaded.has(h)) : [];
  return { lastUsersExtract: users.at(-1) ?? null, usersExtracts: users.length, firstHour, lastHour, hoursLoaded: hours.length, missingHours };
}
