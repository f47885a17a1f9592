/**
 * How the web feeds' deliveries are named: a users extract by its date, a page views delivery by
 * its hour (`YYYY-MM-DDTHH`, UTC: the views of [HH:00, HH+1:00), plus late ones). Both arrive as
 * CSV or Parquet, told apart by the file's extension.
 */
import { extname } from "node:path";
import { StrataError } from "../../errors.ts";

/** Checks an hour key (the value of option `flag`) and returns the instant its hour starts. */
export function hourStartOf(hour: string, flag = "--hour"): Date {
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2})$/.exec(hour);
  const start = match ? new Date(`${match[1]}T${match[2]}:00:00Z`) : null;
  if (!match || !start || Number.isNaN(start.getTime()) || start.toISOString().slice(0, 13) !== hour) {
    throw new StrataError(`${flag} ${hour}: expected an hour as YYYY-MM-DDTHH (UTC), e.g. 2019-10-11T14`);
  }
  return start;
}

/** The hour key (YYYY-MM-DDTHH, UTC) of an instant. */
export const hourOf = (t: Date | number): string => new Date(t).toISOString().slice(0, 13);

/** Checks an hour key and returns the end of the hour it names, as `YYYY-MM-DD HH:00:00`. */
export function hourEnd(hour: string): string {
  const start = hourStartOf(hour);
  const end = new Date(start.getTime() + 3_600_000).toISOString();
  return `${end.slice(0, 10)} ${end.slice(11, 13)}:00:00`;
}

/** The file kind the loader reads a delivery as, from its extension. */
export function fileKind(file: string): "csv" | "parquet" {
  const ext = extname(file).toLowerCase();
  if (ext === ".csv") return "csv";
  if (ext === ".parquet") return "parquet";
  throw new StrataError(`${file}: expected a .csv or .parquet file`);
}

/** The hours from `first` to `last` (keys, inclusive), in order. */
export function hoursBetween(first: string, last: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${first}:00:00Z`); t <= Date.parse(`${last}:00:00Z`); t += 3_600_000) out.push(new Date(t).toISOString().slice(0, 13));
  return out;
}

/** Hours (sorted keys) as runs, `2019-10-11T03 to 2019-10-11T05` or one hour alone; after `max` runs, how many more. */
export function describeHours(hours: string[], max = 8): string {
  const runs: [string, string][] = [];
  for (const h of hours) {
    const last = runs.at(-1);
    if (last && Date.parse(`${h}:00:00Z`) - Date.parse(`${last[1]}:00:00Z`) === 3_600_000) last[1] = h;
    else runs.push([h, h]);
  }
  const said = runs.slice(0, max).map(([a, b]) => (a === b ? a : `${a} to ${b}`));
  if (runs.length > max) said.push(`and ${runs.length - max} more`);
  return said.join(", ");
}
