/**
 * How the web feeds' deliveries are named: a users extract by its date, a page views delivery by
 * its hour (`YYYY-MM-DDTHH`, UTC: the views of [HH:00, HH+1:00), plus late ones). Both arrive as
 * CSV or Parquet, told apart by the file's extension.
 */
import { extname } from "node:path";
import { StrataError } from "../../errors.ts";

/** Checks an hour key and returns the end of the hour it names, as `YYYY-MM-DD HH:00:00`. */
export function hourEnd(hour: string): string {
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2})$/.exec(hour);
  const start = match ? new Date(`${match[1]}T${match[2]}:00:00Z`) : null;
  if (!match || !start || Number.isNaN(start.getTime()) || start.toISOString().slice(0, 13) !== hour) {
    throw new StrataError(`--hour ${hour}: expected an hour as YYYY-MM-DDTHH (UTC), e.g. 2019-10-11T14`);
  }
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
