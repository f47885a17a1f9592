/** Where a vendor night comes from: a local folder, or an FTP(S) URL downloaded to scratch first. */
import { mkdtempSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { ingestVendorNight, type NightReport } from "./ingest.ts";
import { failpoint } from "../failpoints.ts";

export type VendorSourceOptions = { warehouse: string; source: string; date: string; waitMs?: number; log?: (line: string) => void };

export async function ingestVendor(opts: VendorSourceOptions): Promise<NightReport> {
  if (!/^ftps?:\/\//i.test(opts.source)) return ingestVendorNight({ ...opts, dir: opts.source });
  const { downloadNight } = await import("../ftp/index.ts");
  mkdirSync(opts.warehouse, { recursive: true });
  const staging = mkdtempSync(join(opts.warehouse, ".download-"));
  try {
    await downloadNight({ url: opts.source, date: opts.date, destDir: staging, password: process.env.STRATA_FTP_PASSWORD, log: opts.log });
    failpoint("vendor:after-download");
    return await ingestVendorNight({ ...opts, dir: staging, source: opts.source });
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
