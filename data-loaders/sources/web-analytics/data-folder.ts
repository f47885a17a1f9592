/**
 * The web feeds in a data folder (the build's, or a nightly drop), and the order they arrived in:
 *   web/users/YYYY-MM-DD.csv|parquet            the users extract taken at 00:00 UTC of that date
 *   web/pageviews/YYYY-MM-DDTHH.csv|parquet     the page views of that hour
 *   web/pageviews/YYYY-MM-DDTHH.rN.csv|parquet  a re-delivery (re-extract) of that hour, N = 2, 3, …
 * The files carry no arrival time, so they are loaded in the order they would arrive: an hour's
 * views one hour after its start, a users extract at 01:30 on its date (after the views of hour
 * 00, which its load restamps), a re-delivery N−1 × 6 hours after the first. The warehouse ends
 * the same whatever the order (tests show it); the order only decides what each load restates.
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { deliveriesOf, readManifest } from "../../warehouse/manifest.ts";

export type Arrival =
  | { feed: "users"; key: string; file: string; at: number }
  | { feed: "pageviews"; key: string; file: string; redelivery: number; at: number };

const hourMs = 3_600_000;

/** Every delivery in `<dataDir>/web/`, in arrival order; none when the folder has no web feeds. */
export function webArrivals(dataDir: string): Arrival[] {
  const files = (feed: string) => {
    const dir = join(dataDir, "web", feed);
    return existsSync(dir) ? readdirSync(dir) : [];
  };
  return arrivalsOf({ users: files("users"), pageviews: files("pageviews") }, (feed, name) => join(dataDir, "web", feed, name));
}

/**
 * The deliveries among the file names of a `users/` and a `pageviews/` folder (other names are
 * not deliveries and are passed over), in arrival order; `fileOf` says where each file is.
 */
export function arrivalsOf(names: { users: string[]; pageviews: string[] }, fileOf: (feed: Arrival["feed"], name: string) => string): Arrival[] {
  const out: Arrival[] = [];
  for (const name of [...names.users].sort()) {
    const m = /^(\d{4}-\d{2}-\d{2})\.(csv|parquet)$/.exec(name);
    if (m) out.push({ feed: "users", key: m[1], file: fileOf("users", name), at: Date.parse(`${m[1]}T01:30:00Z`) });
  }
  for (const name of [...names.pageviews].sort()) {
    const m = /^(\d{4}-\d{2}-\d{2}T\d{2})(?:\.r(\d+))?\.(csv|parquet)$/.exec(name);
    if (!m) continue;
    const redelivery = m[2] === undefined ? 1 : Number(m[2]);
    out.push({ feed: "pageviews", key: m[1], file: fileOf("pageviews", name), redelivery, at: Date.parse(`${m[1]}:00:00Z`) + hourMs + (redelivery - 1) * 6 * hourMs });
  }
  return out.sort((a, b) => a.at - b.at || a.feed.localeCompare(b.feed));
}

/**
 * The arrivals the warehouse still lacks: an hour whose newest delivery there is file k skips
 * the files before k (loading the first delivery again would replace the re-delivery).
 */
export function pendingArrivals(warehouse: string, arrivals: Arrival[]): Arrival[] {
  const manifest = readManifest(warehouse);
  const loadedViews = new Map(deliveriesOf(manifest, "pageviews").map((d) => [d.key, d.files.map((f) => f.name)]));
  const loadedUsers = new Set(deliveriesOf(manifest, "users").map((d) => d.key));
  const newestLoaded = new Map<string, number>();
  for (const a of arrivals) {
    if (a.feed === "pageviews" && loadedViews.get(a.key)?.some((name) => a.file.endsWith(`/${name}`))) newestLoaded.set(a.key, a.redelivery);
  }
  return arrivals.filter((a) => (a.feed === "users" ? !loadedUsers.has(a.key) : a.redelivery > (newestLoaded.get(a.key) ?? 0)));
}
