/**
 * Where a vendor night comes from: a local folder, or an FTP(S) URL downloaded to scratch first.
 * Either may be the night's own folder or a root of dated folders (ftp/layout.ts, locateNight).
 */
import { readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { assertDeliveryDate, namedForAnotherDate } from "../../delivery-date.ts";
import { ftpEnv, makeDownloadScratch, removeKilledDownloads } from "../../download-scratch.ts";
import { StrataError } from "../../errors.ts";
import { locateNight } from "../../ftp/layout.ts";
import { ingestVendorNight, type NightReport } from "./ingest.ts";
import { failpoint } from "../../failpoints.ts";
import { onInterrupt } from "../../interrupt.ts";

export type VendorSourceOptions = {
  warehouse: string;
  source: string;
  date: string;
  waitMs?: number;
  allowMassDeletion?: boolean;
  log?: (line: string) => void;
  warn?: (line: string) => void;
};

export async function ingestVendor(opts: VendorSourceOptions): Promise<NightReport> {
  removeKilledDownloads(opts.warehouse);
  assertDeliveryDate(opts.date);
  if (!/^ftps?:\/\//i.test(opts.source)) {
    const dir = await localNight(opts.source, opts.date);
    warnIfNamedForAnotherDate(dir, opts);
    return ingestVendorNight({ ...opts, dir, source: dir });
  }
  const { downloadNight } = await import("../../ftp/index.ts");
  // the pid in the name lets a later run remove it if this run is killed (see removeKilledDownloads)
  const staging = makeDownloadScratch(opts.warehouse);
  // interrupted while downloading, the process exits without waiting for the transfer: the
  // download is removed on the way out (during the load run, the finally below removes it)
  const removeOnInterrupt = onInterrupt(() => rmSync(staging, { recursive: true, force: true }));
  let night: string | undefined;
  try {
    ({ source: night } = await downloadNight({
      url: opts.source,
      date: opts.date,
      destDir: staging,
      ...ftpEnv(),
      log: opts.log,
    }));
    failpoint("vendor:after-download");
    removeOnInterrupt();
    warnIfNamedForAnotherDate(night, opts);
    // the download is this run's own, on the warehouse's disk: it moves into the landing zone
    return await ingestVendorNight({ ...opts, dir: staging, source: opts.source, moveFiles: true });
  } catch (error) {
    // Errors about the downloaded files name the temp folder, which is gone once this returns:
    // name the night on the server instead (already redacted: the URL never holds the password).
    if (night !== undefined && error instanceof StrataError && error.message.includes(staging)) {
      throw new StrataError(error.message.split(staging).join(night));
    }
    throw error;
  } finally {
    removeOnInterrupt();
    rmSync(staging, { recursive: true, force: true });
  }
}

function warnIfNamedForAnotherDate(night: string, opts: VendorSourceOptions): void {
  const warning = namedForAnotherDate(night, opts.date);
  if (warning) opts.warn?.(warning);
}

/** The folder holding the night: `dir` itself or its `<date>/` folder, by the rule FTP follows too. */
async function localNight(dir: string, date: string): Promise<string> {
  const found = await locateNight(date, (sub) => {
    const folder = join(dir, sub);
    if (!statSync(folder, { throwIfNoEntry: false })?.isDirectory()) return undefined;
    return readdirSync(folder).filter((name) => statSync(join(folder, name), { throwIfNoEntry: false })?.isFile());
  });
  if ("problem" in found) throw new StrataError(`${dir}: ${found.problem}`);
  return found.night === "" ? dir : join(dir, found.night);
}
