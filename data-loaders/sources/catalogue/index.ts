/**
 * The vendor catalogue (streaming domain): a nightly full dump of authors, books and reviews,
 * by FTP or from a folder, in two JSON formats (contract.ts), each night merged into a type-2
 * history per entity.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { dateInName } from "../../delivery-date.ts";
import { StrataError } from "../../errors.ts";
import { domains, type Source } from "../source.ts";
import { ingestVendorNight, SOURCE } from "./ingest.ts";

export type VendorNightDir = { date: string; dir: string };

/** Dated vendor folders under `dataDir` and `dataDir/vendor` (`vendor/2022-03-01/`, `vendor_v1_2022-01-14/`), oldest first. */
export function vendorNights(dataDir: string): VendorNightDir[] {
  const roots = [dataDir, join(dataDir, "vendor")].filter((d) => existsSync(d) && statSync(d).isDirectory());
  const nights = roots.flatMap((root) =>
    readdirSync(root)
      .map((name) => ({ name, date: dateInName(name) }))
      .filter((e): e is { name: string; date: string } => e.date !== undefined && statSync(join(root, e.name)).isDirectory())
      .map((e) => ({ date: e.date, dir: join(root, e.name) })),
  );
  return nights.sort((a, b) => a.date.localeCompare(b.date));
}

const history = (entity: string, description: string) =>
  ({ name: `${entity}_history`, rule: "snapshot-history", description, order: "business_key, valid_from" }) as const;

export const catalogue: Source = {
  id: SOURCE,
  domain: domains.streaming,
  title: "Vendor catalogue (authors, books, reviews)",
  tables: [
    history("authors", "every version of every author, one row per version (type 2)"),
    history("books", "every version of every book (type 2)"),
    history("reviews", "every version of every review (type 2)"),
  ],
  usage: "ingest vendor <dir|ftp-url> --date YYYY-MM-DD [--allow-mass-deletion]",
  dated: true,
  async ingest(args) {
    const { ingestVendor } = await import("./location.ts");
    return ingestVendor({ ...args, source: args.location, date: args.date! });
  },
  async ingestDataFolder({ warehouse, dataDir, waitMs }) {
    const nights = vendorNights(dataDir);
    if (nights.length === 0) throw new StrataError(`${dataDir}: no vendor nights (dated folders such as vendor/2022-03-01/)`);
    const said: string[] = [];
    for (const night of nights) {
      const report = await ingestVendorNight({ warehouse, dir: night.dir, date: night.date, waitMs });
      if (report.status === "merged") said.push(`merged vendor night ${night.date} into ${warehouse}`);
    }
    return said;
  },
};
