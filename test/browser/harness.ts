// Browser test harness: a static server for dist/ (under a base path, with byte
// accounting) and headless Chromium via playwright-core (which binary: findChromium), watching
// for console errors and for any request that leaves the loopback interface.
import { createReadStream, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, extname, join, normalize, sep } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { isAlive } from "../../data-loaders/process-alive.ts";

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  // Without this, WebAssembly.instantiateStreaming rejects and duckdb-wasm hangs silently.
  ".wasm": "application/wasm",
  ".arrow": "application/vnd.apache.arrow.stream",
  ".parquet": "application/vnd.apache.parquet",
  ".csv": "text/csv; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".txt": "text/plain; charset=utf-8",
};

export interface ServedRequest {
  path: string;
  status: number;
  bytes: number;
}

export interface StaticServer {
  /** e.g. http://127.0.0.1:PORT/strata/ */
  url: string;
  origin: string;
  requests: ServedRequest[];
  totalBytes(): number;
  close(): Promise<void>;
}

/**
 * Serve `root` at `base` on 127.0.0.1, resolving URLs like GitHub Pages does for a
 * Framework build: /x → x.html, /dir/ → dir/index.html. Anything outside `base` is 404,
 * which is what catches absolute URLs that ignore the base path.
 */
export async function serveDist(root: string, { base = "/" }: { base?: string } = {}): Promise<StaticServer> {
  if (!base.startsWith("/") || !base.endsWith("/")) throw new Error(`base must start and end with /: ${base}`);
  const requests: ServedRequest[] = [];
  const server: Server = createServer(async (req, res) => {
    const record = (status: number, bytes: number) => requests.push({ path: req.url ?? "", status, bytes });
    const pathname = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    const file = pathname.startsWith(base) ? await findFile(root, pathname.slice(base.length)) : null;
    if (!file || (req.method !== "GET" && req.method !== "HEAD")) {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found");
      return record(404, 0);
    }
    res.writeHead(200, {
      "content-type": CONTENT_TYPES[extname(file.path)] ?? "application/octet-stream",
      "content-length": file.size,
      "cache-control": "no-store",
    });
    if (req.method === "HEAD") return res.end(), record(200, 0);
    createReadStream(file.path).pipe(res);
    record(200, file.size);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: origin + base,
    origin,
    requests,
    totalBytes: () => requests.reduce((sum, r) => sum + r.bytes, 0),
    close: () =>
      new Promise((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

async function findFile(root: string, rel: string): Promise<{ path: string; size: number } | null> {
  const path = normalize(join(root, rel));
  if (path !== normalize(root) && !path.startsWith(normalize(root + sep))) return null;
  const candidates = rel === "" || rel.endsWith("/") ? [join(path, "index.html")] : [path, `${path}.html`];
  for (const candidate of candidates) {
    const s = await stat(candidate).catch(() => null);
    if (s?.isFile()) return { path: candidate, size: s.size };
  }
  return null;
}

/** The browser the tests and the browser bench run, and where it came from. */
export interface ChromiumExecutable {
  path: string;
  /** e.g. "bundled @sparticuz/chromium 143.0.4" or "STRATA_CHROMIUM" */
  source: string;
  /** Environment for the browser process (the bundled build's own NSS libraries). */
  env?: Record<string, string>;
}

const SYSTEM_CHROMIUM = "/usr/bin/chromium";
// Pinned to 143.x (Chromium 143): later releases declare Node >= 22.17 and this project runs on
// Node 20. playwright-core 1.65 is built against Chromium 159 but drives 143 through every
// browser test; Debian's chromium 156 passes them too (STRATA_CHROMIUM=/usr/bin/chromium).
const BUNDLED = "@sparticuz/chromium";

/**
 * Which Chromium to run, first match wins:
 *
 * 1. `STRATA_CHROMIUM`: path to a Chromium or Chrome binary (`CHROMIUM_PATH`, its old name, too);
 * 2. the headless Chromium of the devDependency @sparticuz/chromium, on Linux x64 (the package
 *    holds no other build): the same browser on every developer's machine and in CI, no apt;
 * 3. Debian's `/usr/bin/chromium` (`apt-get install chromium`), for Linux machines the bundled
 *    build does not run on (arm64).
 *
 * Anything else is an error that says to set STRATA_CHROMIUM. Memoized per process.
 */
export function findChromium(): Promise<ChromiumExecutable> {
  return (found ??= lookUpChromium());
}
let found: Promise<ChromiumExecutable> | undefined;

async function lookUpChromium(): Promise<ChromiumExecutable> {
  for (const name of ["STRATA_CHROMIUM", "CHROMIUM_PATH"]) {
    const path = process.env[name];
    if (!path) continue;
    if (!existsSync(path)) throw new Error(`${name}=${path}: no such file`);
    return { path, source: name };
  }
  if (process.platform === "linux" && process.arch === "x64") return unpackBundledChromium();
  if (existsSync(SYSTEM_CHROMIUM)) return { path: SYSTEM_CHROMIUM, source: SYSTEM_CHROMIUM };
  throw new Error(
    `no Chromium for the browser tests: ${BUNDLED} only has a Linux x64 build and ${SYSTEM_CHROMIUM} does not exist ` +
      `(${process.platform}-${process.arch}); set STRATA_CHROMIUM to a Chromium or Chrome binary`,
  );
}

/**
 * The package holds Chromium brotli-compressed; its executablePath() unpacks it into the temp
 * folder (2–4 s here). Left to itself it writes to a fixed /tmp/chromium shared by every version and
 * user, and returns whatever is there, even half-written by a run that was killed. So here each
 * version is unpacked once, by one process, into a private folder, renamed into place only when
 * complete: <tmp>/strata-chromium-<version>-<uid>/.
 */
async function unpackBundledChromium(): Promise<ChromiumExecutable> {
  const version = bundledVersion();
  const tmp = tmpdir();
  const uid = process.getuid?.() ?? 0;
  const dir = join(tmp, `strata-chromium-${version}-${uid}`);
  const bundled = (): ChromiumExecutable => {
    const owner = statSync(dir).uid;
    if (owner !== uid) throw new Error(`${dir} belongs to uid ${owner}, not to this user (${uid})`);
    const libs = join(dir, "al2023", "lib");
    return {
      path: join(dir, "chromium"),
      source: `bundled ${BUNDLED} ${version}`,
      // The build is Amazon Linux's; it needs NSS (libnss3, libnspr4) and libexpat, which minimal
      // Debian and Ubuntu images lack. The package's own copies go first on the library path, of
      // the browser process only.
      env: { ...stringEnv(), LD_LIBRARY_PATH: [libs, process.env.LD_LIBRARY_PATH].filter(Boolean).join(":") },
    };
  };
  if (existsSync(join(dir, "chromium"))) return bundled();

  // Folders of unpacks that were killed half-way.
  const prefix = `strata-chromium-${version}-${uid}.unpack-`;
  for (const name of readdirSync(tmp)) {
    if (name.startsWith(prefix) && !isAlive(Number(name.slice(prefix.length)))) {
      rmSync(join(tmp, name), { recursive: true, force: true });
    }
  }
  const staging = join(tmp, `${prefix}${process.pid}`);
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { mode: 0o700 });
  const start = performance.now();
  const saved = { TMPDIR: process.env.TMPDIR, AWS_EXECUTION_ENV: process.env.AWS_EXECUTION_ENV };
  try {
    const { default: chromium } = await import(BUNDLED);
    // executablePath() unpacks into os.tmpdir(), which reads TMPDIR on every call; and it unpacks
    // the NSS libraries (al2023.tar.br) only when it believes it runs on AWS Lambda.
    process.env.TMPDIR = staging;
    process.env.AWS_EXECUTION_ENV = "AWS_Lambda_nodejs20.x";
    const path = await chromium.executablePath();
    if (path !== join(staging, "chromium")) throw new Error(`${BUNDLED} unpacked to ${path}, expected ${staging}`);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
  try {
    renameSync(staging, dir);
    console.error(`chromium: unpacked ${BUNDLED} ${version} into ${dir} in ${((performance.now() - start) / 1000).toFixed(1)} s`);
  } catch (error) {
    // Another process got there first: use its copy.
    rmSync(staging, { recursive: true, force: true });
    if (!existsSync(join(dir, "chromium"))) throw error;
  }
  return bundled();
}

/** The installed version of @sparticuz/chromium (its package.json is not in its exports). */
function bundledVersion(): string {
  for (let dir = dirname(createRequire(import.meta.url).resolve(BUNDLED)); dir !== dirname(dir); dir = dirname(dir)) {
    const file = join(dir, "package.json");
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, "utf8")) as { name?: string; version: string };
    if (pkg.name === BUNDLED) return pkg.version;
  }
  throw new Error(`${BUNDLED}: package.json not found`);
}

const stringEnv = () =>
  Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined));

// Not @sparticuz/chromium's `chromium.args`: under playwright none of them is needed on a Linux
// machine (playwright passes --headless and --no-sandbox itself; --single-process and --no-zygote
// are for AWS Lambda's sandbox), and several would make the test browser more permissive than a
// visitor's (--disable-web-security, --allow-running-insecure-content, site isolation off,
// SharedArrayBuffer without cross-origin isolation), hiding exactly what these tests look for.
const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export interface Browser {
  context: BrowserContext;
  /** The binary and where it came from (see findChromium). */
  chromium: ChromiumExecutable;
  close(): Promise<void>;
}

/** Headless Chromium with a fresh profile (playwright adds --headless and --user-data-dir). */
export async function launchChromium(): Promise<Browser> {
  const executable = await findChromium();
  const profile = await mkdtemp(join(tmpdir(), "strata-chromium-profile-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: executable.path,
    env: executable.env,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 900 },
  });
  return {
    context,
    chromium: executable,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

export interface PageWatch {
  /** console.error messages, uncaught page errors and failed same-origin requests */
  errors: string[];
  /** URLs of requests to anything but the loopback server (all are aborted) */
  offOrigin: string[];
}

const isLoopback = (url: URL) =>
  url.hostname === "127.0.0.1" || url.hostname === "localhost" || url.hostname === "[::1]";

/**
 * Record problems on every page and worker of `context`. Off-origin requests are
 * aborted, so a test fails on them quickly instead of waiting on a dead network.
 */
export async function watchContext(context: BrowserContext): Promise<PageWatch> {
  const watch: PageWatch = { errors: [], offOrigin: [] };
  await context.route(
    (url) => !isLoopback(url) && url.protocol !== "data:" && url.protocol !== "blob:",
    (route) => {
      watch.offOrigin.push(route.request().url());
      return route.abort("blockedbyclient");
    },
  );
  const watchPage = (page: Page) => {
    page.on("console", (message) => {
      if (message.type() === "error") watch.errors.push(`console: ${message.text()}`);
    });
    page.on("pageerror", (error) => watch.errors.push(`pageerror: ${error.message}`));
    page.on("worker", (worker) => {
      worker.on("console", (message) => {
        if (message.type() === "error") watch.errors.push(`worker console: ${message.text()}`);
      });
    });
  };
  context.pages().forEach(watchPage);
  context.on("page", watchPage);
  context.on("requestfailed", (request) => {
    // ERR_ABORTED is the browser dropping in-flight loads when a test navigates away.
    if (request.failure()?.errorText === "net::ERR_ABORTED") return;
    if (isLoopback(new URL(request.url()))) {
      watch.errors.push(`requestfailed: ${request.url()} ${request.failure()?.errorText ?? ""}`);
    }
  });
  context.on("response", (response) => {
    if (response.status() >= 400) watch.errors.push(`HTTP ${response.status()}: ${response.url()}`);
  });
  return watch;
}
