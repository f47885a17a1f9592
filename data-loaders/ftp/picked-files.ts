/**
 * Fetches chosen files from the folders of an FTP location (the web feeds' `users/` and
 * `pageviews/`): one connection lists the folders, `pick` chooses by name what to fetch (what the
 * warehouse lacks), and each chosen file is downloaded to `<destDir>/<sub>/<name>`, complete (the
 * bytes received are the listed size, and the folder lists it the same after) or the attempt is
 * retried like a night's download (retry.ts). The password comes from the caller (the
 * environment), is never logged and is scrubbed from every line and error.
 */
import { Client, FileType } from "basic-ftp";
import { mkdir, open, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { StrataError } from "../errors.ts";
import { logIn, toStrataError } from "./download.ts";
import type { ListFolder } from "./layout.ts";
import { HashingFileWriter } from "./local-files.ts";
import { FtpFailure, classify, withRetry } from "./retry.ts";
import { formatLocation, parseFtpUrl, scrub } from "./url.ts";

/** A file of the location: its folder (a path under the URL's, "" for the URL's own) and name. */
export type RemoteFile = { sub: string; name: string };
export type FetchedFile = RemoteFile & { path: string; size: number; sha256: string };

export interface FetchPickedOptions {
  /** `ftp://user@host[:port]/path` or `ftps://…` */
  url: string;
  /** where the files go, as `<sub>/<name>`; created, and emptied again before a retry */
  destDir: string;
  /** given the location's folders (as `locateNight` lists them), the files to fetch */
  pick: (list: ListFolder) => Promise<RemoteFile[]>;
  password: string | undefined;
  attempts?: number;
  backoffMs?: number;
  timeoutMs?: number;
  insecureTls?: boolean;
  log?: (line: string) => void;
}

const DEFAULTS = { attempts: 4, backoffMs: 5000, timeoutMs: 30_000 };

/** Lists, picks and downloads; returns the files fetched (in `pick`'s order) and the location, redacted. */
export async function fetchPicked(opts: FetchPickedOptions): Promise<{ source: string; files: FetchedFile[] }> {
  const loc = parseFtpUrl(opts.url);
  const where = formatLocation(loc);
  const password = opts.password;
  if (password === undefined || password === "") {
    throw new StrataError(`${where}: STRATA_FTP_PASSWORD is not set (the FTP password is only read from the environment)`);
  }
  const timeoutMs = opts.timeoutMs ?? DEFAULTS.timeoutMs;
  const insecureTls = opts.insecureTls ?? process.env.STRATA_FTP_INSECURE_TLS === "1";
  const log = (line: string) => opts.log?.(scrub(line, password));
  if (loc.protocol === "ftp") log(`ftp: note: ${where} is plain FTP, the password travels unencrypted; prefer ftps://`);

  const attempt = async (): Promise<FetchedFile[]> => {
    await rm(opts.destDir, { recursive: true, force: true });
    await mkdir(opts.destDir, { recursive: true });
    const client = new Client(timeoutMs);
    try {
      const cdTo = await logIn(client, loc, password, insecureTls);
      const listing = async (sub: string) => ((await cdTo(sub)) ? new Map((await client.list()).filter((f) => f.type === FileType.File).map((f) => [f.name, f])) : undefined);
      const picked = await opts.pick(async (sub) => {
        const files = await listing(sub);
        return files && [...files.keys()];
      });
      const fetched: FetchedFile[] = [];
      for (const { sub, name } of picked) {
        const shown = [sub, name].filter((p) => p !== "").join("/");
        const before = (await listing(sub))?.get(name);
        if (!before) throw new FtpFailure(`${shown} disappeared before it was downloaded`, true);
        if (before.size === 0) throw new FtpFailure(`${shown} is empty (still being written?)`, true);
        await mkdir(join(opts.destDir, sub), { recursive: true });
        const path = join(opts.destDir, sub, name);
        const fh = await open(`${path}.partial`, "w");
        const writer = new HashingFileWriter(fh);
        try {
          await client.downloadTo(writer, name);
          if (writer.bytes !== before.size) throw new FtpFailure(`${shown}: received ${writer.bytes} of ${before.size} bytes`, true);
          await fh.sync();
        } finally {
          await fh.close();
        }
        const after = (await listing(sub))?.get(name);
        if (!after || after.size !== before.size || after.rawModifiedAt !== before.rawModifiedAt) {
          throw new FtpFailure(`${shown} changed while downloading; the upload may still be in progress`, true);
        }
        await rename(`${path}.partial`, path);
        const file = { sub, name, path, size: writer.bytes, sha256: writer.digest() };
        log(`ftp: ${shown}: ${file.size} bytes, sha256 ${file.sha256}`);
        fetched.push(file);
      }
      return fetched;
    } finally {
      client.close();
    }
  };

  try {
    const files = await withRetry(
      attempt,
      { attempts: opts.attempts ?? DEFAULTS.attempts, backoffMs: opts.backoffMs ?? DEFAULTS.backoffMs },
      (err) => classify(err, timeoutMs),
      (failure, n, delay) => log(`ftp: attempt ${n} failed: ${failure.reason}; retrying in ${delay} ms`),
    );
    return { source: where, files };
  } catch (err) {
    throw toStrataError(err, where, password);
  }
}
