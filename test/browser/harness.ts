// Browser test harness: a static server for dist/ (under a base path, with byte
// accounting) and headless Chromium via playwright-core, watching for console errors
// and for any request that leaves the loopback interface.
import { createReadStream } from "node:fs";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { extname, join, normalize, sep } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";

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

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
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
  close(): Promise<void>;
}

/** Headless Chromium with a fresh profile (playwright adds --headless and --user-data-dir). */
export async function launchChromium(): Promise<Browser> {
  const profile = await mkdtemp(join(tmpdir(), "strata-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 900 },
  });
  return {
    context,
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
