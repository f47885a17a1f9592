import { Client, FileType, type FileInfo } from "basic-ftp";
import { access, mkdir, mkdtemp, open, rm } from "node:fs/promises";
import { join } from "node:path";
import { StrataError } from "../errors.ts";
import { NIGHT_FILES, assertNightDate, locateNight } from "./layout.ts";
import { firstNonWhitespace, HashingFileWriter, publishAll, syncDir } from "./local-files.ts";
import { FtpFailure, RetriesExhausted, classify, withRetry } from "./retry.ts";
import { formatLocation, parseFtpUrl, scrub, type FtpLocation } from "./url.ts";

export interface DownloadNightOptions {
  /**
   * `ftp://user@host[:port]/path` or `ftps://…` (explicit TLS): the night's own folder, or a root
   * whose `<date>/` folder holds the night (see `locateNight`).
   */
  url: string;
  /** Night to fetch, `YYYY-MM-DD`. */
  date: string;
  /** Where the three files end up. Created if missing; must not already contain them. */
  destDir: string;
  /** Defaults to env STRATA_FTP_PASSWORD. Never logged or put into an error. */
  password?: string;
  /** Total attempts for transient failures (first try included). Default 4. */
  attempts?: number;
  /** Wait before the second attempt, doubled each time. Default 5000. */
  backoffMs?: number;
  /** Idle timeout for the control and data connections. Default 30000. */
  timeoutMs?: number;
  /** Accept any TLS certificate (self-signed test servers). Defaults to env STRATA_FTP_INSECURE_TLS=1. */
  insecureTls?: boolean;
  /** Progress lines; already free of the password. Default: silent. */
  log?: (line: string) => void;
}

export interface DownloadedFile {
  name: string;
  /** Absolute or destDir-relative path of the published file. */
  path: string;
  size: number;
  sha256: string;
  /** The server's modification time as listed, verbatim (format varies by server). */
  remoteModifiedAt: string;
}

export interface DownloadNightResult {
  /** Redacted location of the night folder, e.g. `ftp://user@host/vendor/2022-03-01`. */
  source: string;
  date: string;
  files: DownloadedFile[];
}

interface Staged extends DownloadedFile {
  tempPath: string;
  listedSize: number;
}

const DEFAULTS = { attempts: 4, backoffMs: 5000, timeoutMs: 30_000 };

/**
 * Fetches one night's dump into destDir: all three files, complete and fsynced, or nothing.
 *
 * Completeness is judged without trusting the vendor to have finished writing: the folder is
 * listed before and after the transfer and each file's size and mtime must agree, and the bytes
 * received must equal the listed size. A mismatch is treated like a dropped connection (retried),
 * because the usual cause is an upload still in progress.
 */
export async function downloadNight(opts: DownloadNightOptions): Promise<DownloadNightResult> {
  const loc = parseFtpUrl(opts.url);
  assertNightDate(opts.date);
  // Which folder holds the night is only known once the server has been listed: until then
  // errors name the URL as given, afterwards the night's folder.
  const night: { sub?: string } = {};
  const where = () => formatLocation(loc, night.sub ?? "");
  const password = opts.password ?? process.env.STRATA_FTP_PASSWORD;
  if (password === undefined || password === "") {
    throw new StrataError(`${where()}: STRATA_FTP_PASSWORD is not set (the FTP password is only read from the environment)`);
  }
  const insecureTls = opts.insecureTls ?? process.env.STRATA_FTP_INSECURE_TLS === "1";
  const timeoutMs = opts.timeoutMs ?? DEFAULTS.timeoutMs;
  const userLog = opts.log ?? (() => {});
  const log = (line: string) => userLog(scrub(line, password));

  if (loc.protocol === "ftp") log(`ftp: note: ${where()} is plain FTP, the password travels unencrypted; prefer ftps://`);
  if (loc.protocol === "ftps" && insecureTls) log("ftp: TLS certificate verification is OFF (STRATA_FTP_INSECURE_TLS)");

  const created = await mkdir(opts.destDir, { recursive: true });
  let stagingDir: string | undefined;
  try {
    for (const name of NIGHT_FILES) {
      if (await exists(join(opts.destDir, name))) {
        throw new StrataError(`${opts.destDir}: already contains ${name}; pass an empty staging directory`);
      }
    }
    // Inside destDir so the final rename never crosses a filesystem (and so stays atomic).
    stagingDir = await mkdtemp(join(opts.destDir, ".ftp-partial-"));
    const staged = new Map<string, Staged>();

    await withRetry(
      (attempt) => fetchOnce({ loc, date: opts.date, night, password, insecureTls, timeoutMs, stagingDir: stagingDir!, staged, log, attempt }),
      { attempts: opts.attempts ?? DEFAULTS.attempts, backoffMs: opts.backoffMs ?? DEFAULTS.backoffMs },
      (err) => classify(err, timeoutMs),
      (failure, attempt, delay) =>
        log(`ftp: attempt ${attempt} failed: ${failure.reason}; retrying in ${delay} ms`),
    );

    const files = NIGHT_FILES.map((name) => staged.get(name)!);
    for (const f of files) {
      const first = await firstNonWhitespace(f.tempPath);
      if (first !== "[") {
        const found = first === undefined ? "only whitespace" : `${JSON.stringify(first)}`;
        throw new StrataError(`${where()}/${f.name}: not a JSON array (starts with ${found})`);
      }
    }
    await publishAll(files.map((f) => ({ from: f.tempPath, to: join(opts.destDir, f.name) })));
    await syncDir(opts.destDir);
    for (const f of files) log(`ftp: ${f.name}: ${f.size} bytes, sha256 ${f.sha256}`);
    return {
      source: where(),
      date: opts.date,
      files: files.map(({ name, size, sha256, remoteModifiedAt }) => ({
        name,
        path: join(opts.destDir, name),
        size,
        sha256,
        remoteModifiedAt,
      })),
    };
  } catch (err) {
    if (created !== undefined) await rm(created, { recursive: true, force: true });
    throw toStrataError(err, where(), password);
  } finally {
    if (stagingDir !== undefined) await rm(stagingDir, { recursive: true, force: true });
  }
}

interface AttemptContext {
  loc: FtpLocation;
  date: string;
  /** The night's folder under the URL's path, decided by the first attempt that could list the server. */
  night: { sub?: string };
  password: string;
  insecureTls: boolean;
  timeoutMs: number;
  stagingDir: string;
  /** Files already verified by an earlier attempt; reused if the server still lists them the same. */
  staged: Map<string, Staged>;
  log: (line: string) => void;
  attempt: number;
}

/** One connection: log in, find the night, list it, fetch what is not yet staged, list again. */
async function fetchOnce(ctx: AttemptContext): Promise<void> {
  const { loc } = ctx;
  const client = new Client(ctx.timeoutMs);
  try {
    const cdTo = await logIn(client, loc, ctx.password, ctx.insecureTls);
    // Decided once: a retry must not switch folders under files already staged from the other.
    if (ctx.night.sub === undefined) {
      const found = await locateNight(ctx.date, async (sub) =>
        (await cdTo(sub)) ? (await client.list()).filter((f) => f.type === FileType.File).map((f) => f.name) : undefined,
      );
      if ("problem" in found) throw new FtpFailure(found.problem, false);
      ctx.night.sub = found.night;
      ctx.log(`ftp: night ${ctx.date} is ${formatLocation(loc, found.night)}`);
    }
    if (!(await cdTo(ctx.night.sub))) throw new FtpFailure("night folder not found (550)", false);

    const before = listingByName(await client.list());
    const missing = NIGHT_FILES.filter((n) => before.get(n)?.type !== FileType.File);
    if (missing.length > 0) {
      const present = [...before.keys()].sort().join(", ") || "nothing";
      throw new FtpFailure(`missing ${missing.join(", ")} (folder holds: ${present})`, false);
    }

    for (const name of NIGHT_FILES) {
      const entry = before.get(name)!;
      const prior = ctx.staged.get(name);
      if (prior && prior.listedSize === entry.size && prior.remoteModifiedAt === entry.rawModifiedAt) continue;
      ctx.staged.delete(name);
      if (entry.size === 0) throw new FtpFailure(`${name} is empty (still being written?)`, true);
      ctx.staged.set(name, await fetchFile(client, name, entry, ctx));
    }

    const after = listingByName(await client.list());
    for (const name of NIGHT_FILES) {
      const was = ctx.staged.get(name)!;
      const now = after.get(name);
      if (now === undefined || now.size !== was.listedSize || now.rawModifiedAt !== was.remoteModifiedAt) {
        ctx.staged.delete(name);
        const change = now === undefined ? "disappeared" : `size ${was.listedSize} -> ${now.size}, mtime "${was.remoteModifiedAt}" -> "${now.rawModifiedAt}"`;
        throw new FtpFailure(`${name} changed while downloading (${change}); the upload may still be in progress`, true);
      }
    }
  } finally {
    client.close();
  }
}

async function fetchFile(client: Client, name: string, entry: FileInfo, ctx: AttemptContext): Promise<Staged> {
  const tempPath = join(ctx.stagingDir, `${name}.attempt${ctx.attempt}`);
  const fh = await open(tempPath, "w");
  const writer = new HashingFileWriter(fh);
  try {
    await client.downloadTo(writer, name);
    if (writer.bytes !== entry.size) {
      throw new FtpFailure(`${name}: received ${writer.bytes} of ${entry.size} bytes`, true);
    }
    // Durable before it can be published: a crash after the rename must not leave a short file.
    await fh.sync();
  } finally {
    await fh.close();
  }
  return {
    name,
    path: tempPath,
    tempPath,
    size: writer.bytes,
    listedSize: entry.size,
    sha256: writer.digest(),
    remoteModifiedAt: entry.rawModifiedAt,
  };
}

function listingByName(list: FileInfo[]): Map<string, FileInfo> {
  return new Map(list.map((f) => [f.name, f]));
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/**
 * Logs `client` in at `loc` and returns `cdTo(sub)`: changes to `<loc.path>/<sub>`, false when the
 * server has no such folder (550). The URL's path is relative to the login directory, so every
 * change starts from there.
 */
export async function logIn(client: Client, loc: FtpLocation, password: string, insecureTls: boolean): Promise<(sub: string) => Promise<boolean>> {
  await client.access({
    host: loc.host, port: loc.port, user: loc.user, password,
    secure: loc.protocol === "ftps", secureOptions: loc.protocol === "ftps" ? { rejectUnauthorized: !insecureTls } : undefined,
  });
  const home = await client.pwd();
  return async (sub: string): Promise<boolean> => {
    const dir = [loc.path, sub].filter((p) => p !== "").join("/");
    await client.cd(home);
    try {
      if (dir !== "") await client.cd(dir);
      return true;
    } catch (err) {
      if ((err as { code?: unknown }).code === 550) return false;
      throw err;
    }
  };
}

export function toStrataError(err: unknown, where: string, password: string): Error {
  if (err instanceof StrataError) return new StrataError(scrub(err.message, password));
  if (err instanceof RetriesExhausted || err instanceof FtpFailure) {
    return new StrataError(scrub(`${where}: ${err.message}`, password));
  }
  // Unexpected errors keep their stack for debugging, but never the password.
  const e = err instanceof Error ? err : new Error(String(err));
  e.message = scrub(e.message, password);
  if (e.stack) e.stack = e.stack.split(password).join("***");
  return e;
}
