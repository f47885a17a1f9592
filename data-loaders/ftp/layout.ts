import { StrataError } from "../errors.ts";

/**
 * The vendor's nightly dump. The whole catalogue is in these three files every night, so a
 * night without one of them is broken, never "everything of that kind was deleted".
 */
export const NIGHT_FILES = ["authors.json", "books.json", "reviews.json"] as const;
export type NightFileName = (typeof NIGHT_FILES)[number];

/**
 * A night's files live in `<base>/<YYYY-MM-DD>/` (UTC date of the 02:00 delivery), both on the
 * FTP server and in a local folder source. Dated folders let a late or re-run ingest pick the
 * night it means instead of whatever is newest.
 */
export function nightFolder(date: string): string {
  assertNightDate(date);
  return date;
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
