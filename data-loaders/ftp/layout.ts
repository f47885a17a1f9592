import { StrataError } from "../errors.ts";
import { vendorFiles } from "../sources/catalogue/contract.ts";

/**
 * The vendor's nightly dump (its contract's files). The whole catalogue is in these three files
 * every night, so a night without one of them is broken, never "everything of that kind was deleted".
 */
export const NIGHT_FILES = vendorFiles;
export type NightFileName = (typeof NIGHT_FILES)[number];

/**
 * Within a night's folder, its files are `NIGHT_FILES`. Dated folders (`<root>/<YYYY-MM-DD>/`, UTC
 * date of the 02:00 delivery) let a late or re-run ingest pick the night it means instead of
 * whatever is newest.
 */
export function nightFolder(date: string): string {
  assertNightDate(date);
  return date;
}

/** The names of the files (not folders) in `sub` of a location ("" = the location itself); undefined if that is not a folder. */
export type ListFolder = (sub: string) => Promise<string[] | undefined> | string[] | undefined;

/**
 * Which folder of a location (a local folder or an FTP URL) holds the night: the location itself
 * when it holds all of `NIGHT_FILES` (pointed straight at the night), otherwise its `<date>/`
 * folder (a root of dated folders, as the vendor delivers). One rule for every transport, so a
 * location means the same thing however it is reached. Returns the night's sub-path ("" or the
 * date), or why neither form fits, for the caller to prefix with the location as it names it
 * (an FTP URL redacted). Files missing from a `<date>/` folder that exists are left to the
 * caller's own check, which names that folder.
 */
export async function locateNight(date: string, list: ListFolder): Promise<{ night: string } | { problem: string }> {
  const folder = nightFolder(date);
  const here = await list("");
  if (here === undefined) return { problem: "no such folder" };
  const missing = NIGHT_FILES.filter((f) => !here.includes(f));
  if (missing.length === 0) return { night: "" };
  if ((await list(folder)) !== undefined) return { night: folder };
  const files = NIGHT_FILES.join(", ");
  // a partial night names what is missing: it is refused, never read as "everything deleted"
  const holds = missing.length === NIGHT_FILES.length ? files : `all of ${files} (missing ${missing.join(", ")})`;
  return { problem: `neither holds ${holds} nor has a folder ${folder}/ holding them` };
}

export function assertNightDate(date: string): void {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const valid =
    m !== null &&
    (() => {
      const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
      return d.toISOString().slice(0, 10) === date;
    })();
  if (!valid) throw new StrataError(`--date ${JSON.stringify(date)}: not a calendar date in the form YYYY-MM-DD`);
}
