// Keeps Observable Framework 1.13 from contacting any host while it builds or previews.
// Called from observablehq.config.ts, which Framework evaluates before doing any work.
//
// What Framework fetches by default, and what stops it here:
// - registry.npmjs.org: bundling its own client code (_observablehq/client.js,
//   stdlib.js) resolves a version for every lazy `import("npm:…")` in it (the implicit
//   globals Plot, d3, Inputs, lodash, react-dom, …), even when no page uses them. It
//   skips the request when src/.observablehq/cache/_npm/<name>@<version>/ exists:
//   seedNpmVersionCache() creates those directories.
// - cdn.jsdelivr.net: the code of any `npm:` import a page actually uses (implicit
//   globals, `sql` blocks, FileAttachment.csv()/.arrow()/.parquet(), …). Nothing here
//   can make that offline; pages import from node_modules instead (bare specifiers,
//   which Framework bundles into dist/_node), and blockNetwork() turns a slip into a
//   build error instead of a silent download.
// - extensions.duckdb.org: DuckDB extensions for Framework's DuckDBClient; the config
//   disables them and we use src/components/duckdb.js instead.
// - events.observablehq.com: telemetry; disabled by OBSERVABLE_TELEMETRY_DISABLE.
// - fonts.googleapis.com: a default global stylesheet; not network access at build
//   time but in every visitor's browser; the config sets globalStylesheets: [].
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

const FRAMEWORK_CLIENT = "node_modules/@observablehq/framework/dist/client";
const OFFLINE_VERSION = "0.0.0-offline";

/** The package names of every `npm:` specifier in Framework's client code. */
function frameworkNpmNames(clientDir: string): Set<string> {
  const names = new Set<string>();
  const visit = (dir: string) => {
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) visit(path);
      else if (path.endsWith(".js")) {
        for (const [, name] of readFileSync(path, "utf8").matchAll(/["'`]npm:((?:@[\w.-]+\/)?[\w.-]+)/g)) {
          names.add(name);
        }
      }
    }
  };
  visit(clientDir);
  return names;
}

/**
 * Give Framework's npm version cache an entry for each package its client code names.
 * Installed packages get their installed version (so an accidental `npm:d3` at least
 * names the version we have); others get a placeholder version. Either way the
 * resulting `_npm/…` paths are only reached through lazy imports that no page triggers.
 */
export function seedNpmVersionCache(root: string, projectDir = process.cwd()): void {
  const cacheDir = join(root, ".observablehq", "cache", "_npm");
  for (const name of frameworkNpmNames(join(projectDir, FRAMEWORK_CLIENT))) {
    const scopeDir = name.startsWith("@") ? join(cacheDir, name.split("/")[0]) : cacheDir;
    const base = name.startsWith("@") ? name.split("/")[1] : name;
    if (existsSync(scopeDir) && readdirSync(scopeDir).some((e) => e.startsWith(`${base}@`))) continue;
    let version = OFFLINE_VERSION;
    try {
      version = JSON.parse(readFileSync(join(projectDir, "node_modules", name, "package.json"), "utf8")).version;
    } catch {
      // not installed: the placeholder will do
    }
    mkdirSync(join(cacheDir, `${name}@${version}`), { recursive: true });
  }
}

const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** Make any fetch() to a non-loopback host from this (Framework) process throw. */
export function blockNetwork(): void {
  const realFetch = globalThis.fetch;
  if ((realFetch as { strataOffline?: boolean }).strataOffline) return;
  const guarded = (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (!LOOPBACK.has(url.hostname)) {
      return Promise.reject(
        new Error(
          `offline build: Framework tried to fetch ${url.href}. A page probably uses an ` +
            `implicit global (Plot, d3, Inputs, sql, …) or an npm: import; import the ` +
            `package from node_modules instead (see site/offline.ts). ` +
            `Set STRATA_ALLOW_NETWORK=1 to allow it.`,
        ),
      );
    }
    return realFetch(input, init);
  };
  globalThis.fetch = Object.assign(guarded, { strataOffline: true }) as typeof fetch;
}
