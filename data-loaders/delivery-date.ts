/**
 * The date of a dated delivery (a vendor night): the one check every dated source's `--date`
 * goes through, and what a folder's name says about its date.
 */
import { StrataError } from "./errors.ts";

/** A date at the end of a folder's name: `2022-03-01`, `vendor_v1_2022-01-14`. */
const datedName = /(\d{4}-\d{2}-\d{2})$/;

/** The date a folder's name carries at its end, if any (the build's rule for dated folders too). */
export function dateInName(name: string): string | undefined {
  return datedName.exec(name)?.[1];
}

/**
 * What to warn about when the folder a delivery is read from (a path or URL) is named for a date
 * other than the one it is loaded as: loaded as told, but more likely a slip than meant.
 */
export function namedForAnotherDate(location: string, date: string): string | undefined {
  const named = dateInName(location.replace(/\/+$/, "").split("/").at(-1) ?? "");
  if (named === undefined || named === date) return undefined;
  return `${location}: the folder is named for ${named} but is loaded as the night of --date ${date}`;
}

/** Today's date in UTC, YYYY-MM-DD, `days` days on. */
export function utcDate(now: Date, days = 0): string {
  return new Date(now.getTime() + days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * Refuses a delivery date that is not a calendar date YYYY-MM-DD, or that is after tomorrow
 * (UTC). Deliveries are merged in date order and an older one is refused, so one future date
 * would lock out every real night after it. Tomorrow is allowed: a night is named for its UTC
 * date, and a clock a little ahead (or a delivery just after midnight) must not be refused.
 */
export function assertDeliveryDate(date: string, now = new Date()): void {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) throw new StrataError(`--date ${date}: expected YYYY-MM-DD`);
  const day = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  if (Number.isNaN(day.getTime()) || day.toISOString().slice(0, 10) !== date) throw new StrataError(`--date ${date}: not a calendar date`);
  const tomorrow = utcDate(now, 1);
  if (date > tomorrow) {
    throw new StrataError(`--date ${date}: after tomorrow (${tomorrow}, UTC); a night cannot be delivered before it happens`);
  }
}
