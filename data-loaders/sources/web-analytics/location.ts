/**
 * Where the web feeds come from for `strata ingest web`: a local folder or an FTP(S) URL holding
 * `users/` and `pageviews/`, or a `web/` folder holding them (as a data folder does), the same rule
 * for both transports. Gives the deliveries the warehouse lacks, in arrival order (data-folder.ts),
 * as local files: from FTP only those are downloaded (chosen by name; the load then compares
 * sha256 with what is loaded), into a scratch folder in the warehouse that `done` removes.
 */
import { readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { ftpEnv, makeDownloadScratch, removeKilledDownloads } from "../../download-scratch.ts";
import { StrataError } from "../../errors.ts";
import type { ListFolder } from "../../ftp/layout.ts";
import { onInterrupt } from "../../interrupt.ts";
import { type Arrival, arrivalsOf, pendingArrivals } from "./data-folder.ts";

/** A delivery to load: its local file, and how the location names it (for lines and errors). */
export type Pending = Arrival & { shown: string };

export type WebLocation = {
  /** the location as said in lines: the folder, or the URL without password */
  source: string;
  /** the deliveries the warehouse lacks, in arrival order */
  pending: Pending[];
  /** how many deliveries the location holds */
  seen: number;
  /** the folder the files are in when they were downloaded (errors name the location instead) */
  scratch?: string;
  /** removes the downloads */
  done(): void;
};

/** Which folder holds the feeds: the location itself (users/, pageviews/) or its web/ folder. */
export async function locateWebFeeds(list: ListFolder): Promise<{ root: string; users: string[]; pageviews: string[] } | { problem: string }> {
  if ((await list("")) === undefined) return { problem: "no such folder" };
  for (const root of ["", "web"]) {
    const sub = (feed: string) => [root, feed].filter((p) => p !== "").join("/");
    const users = await list(sub("users"));
    const pageviews = await list(sub("pageviews"));
    if (users !== undefined || pageviews !== undefined) return { root, users: users ?? [], pageviews: pageviews ?? [] };
  }
  return { problem: "holds neither users/ nor pageviews/, nor a folder web/ holding them" };
}

export async function webLocation(location: string, warehouse: string, log?: (line: string) => void): Promise<WebLocation> {
  removeKilledDownloads(warehouse);
  if (/^ftps?:\/\//i.test(location)) return ftpLocation(location, warehouse, log);
  const found = await locateWebFeeds((sub) => {
    const folder = join(location, sub);
    if (!statSync(folder, { throwIfNoEntry: false })?.isDirectory()) return undefined;
    return readdirSync(folder).filter((name) => statSync(join(folder, name), { throwIfNoEntry: false })?.isFile());
  });
  if ("problem" in found) throw new StrataError(`${location}: ${found.problem}`);
  const arrivals = arrivalsOf(found, (feed, name) => join(location, found.root, feed, name));
  const pending = pendingArrivals(warehouse, arrivals).map((a) => ({ ...a, shown: a.file }));
  return { source: location, pending, seen: arrivals.length, done: () => {} };
}

async function ftpLocation(url: string, warehouse: string, log?: (line: string) => void): Promise<WebLocation> {
  const { fetchPicked } = await import("../../ftp/picked-files.ts");
  const scratch = makeDownloadScratch(warehouse);
  const remove = () => rmSync(scratch, { recursive: true, force: true });
  // interrupted while downloading, the process exits without waiting: the downloads go with it
  const removeOnInterrupt = onInterrupt(remove);
  const done = () => {
    removeOnInterrupt();
    remove();
  };
  try {
    let pending: Arrival[] = [];
    let seen = 0;
    const { source } = await fetchPicked({
      url, destDir: scratch, log, ...ftpEnv(),
      async pick(list) {
        const found = await locateWebFeeds(list);
        if ("problem" in found) throw new StrataError(found.problem);
        // relative paths on the server: <root>/<feed>/<name>
        const arrivals = arrivalsOf(found, (feed, name) => [found.root, feed, name].filter((p) => p !== "").join("/"));
        seen = arrivals.length;
        pending = pendingArrivals(warehouse, arrivals);
        return pending.map((a) => ({ sub: a.file.slice(0, a.file.lastIndexOf("/")), name: a.file.slice(a.file.lastIndexOf("/") + 1) }));
      },
    });
    const shownPending = pending.map((a) => ({ ...a, shown: `${source}/${a.file}`, file: join(scratch, a.file) }));
    return { source, pending: shownPending, seen, scratch, done };
  } catch (error) {
    done();
    throw error;
  }
}
