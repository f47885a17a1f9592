// The built site must load nothing from any host but its own, and must not depend on
// an import map or CDN: every module specifier has to be a relative path that exists
// in dist/. Run with STRATA_SKIP_BUILD=1 to check an existing dist/ without rebuilding.
//
// What counts as a reference to an off-origin URL (http(s)://… or //host…):
// - HTML: the value of any URL-bearing attribute (src, href, srcset, action, poster,
//   data, formaction, content), even <a href>: a published report should not link
//   out without someone adding that link to ALLOWED below. Page text is not checked.
// - CSS (files, <style>, style=""): url(…) and @import targets.
// - JS (files and inline <script>s): every string literal or template chunk that
//   *starts* with a URL. That covers import/fetch/Worker/new URL targets as well as URL
//   prefixes that code concatenates (the way duckdb-wasm builds jsDelivr URLs), yet
//   skips comments (license banners, sourceMappingURL), which the parser drops, and
//   URLs inside prose such as error messages ("see https://…"), which nothing fetches.
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, posix, relative } from "node:path";
import { before, test } from "node:test";
import * as acorn from "acorn";
import * as walk from "acorn-walk";
import { buildSite } from "./build-site.ts";

const BASE = "/strata/";

// Exact strings, each with the reason it can never cause a request.
const ALLOWED_EVERYWHERE = new Set([
  // XML namespace names (d3, Plot, htl create SVG/HTML elements with them): identifiers,
  // never dereferenced.
  "http://www.w3.org/2000/svg",
  "http://www.w3.org/1999/xhtml",
  "http://www.w3.org/1999/xlink",
  "http://www.w3.org/2000/xmlns/",
  "http://www.w3.org/XML/1998/namespace",
]);
const ALLOWED: { file: RegExp; url: string; why: string }[] = [
  {
    file: /^_node\/@duckdb\/duckdb-wasm@[^/]+\/dist\/duckdb-browser\.[0-9a-f]+\.js$/,
    url: "https://cdn.jsdelivr.net/npm/",
    why: "prefix used only by getJsDelivrBundles(), which src/components/duckdb.js never calls",
  },
];

const LAZY_FRAMEWORK = /^(_npm|_observablehq\/stdlib)\//;
const OFF_ORIGIN = /^\s*(?:https?:)?\/\/[\w-]/i;
const URL_ATTRIBUTES = /\s(src|(?:xlink:)?href|srcset|action|poster|data|formaction|content)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))/gi;

interface Finding {
  file: string;
  what: string;
}

let dist: string;
let files: string[];

before(() => {
  dist = buildSite({ base: BASE }).dir;
  files = readdirSync(dist, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => relative(dist, join(d.parentPath, d.name)).split("\\").join("/"));
});

const read = (file: string) => readFileSync(join(dist, file), "utf8");
const byExt = (re: RegExp) => files.filter((f) => re.test(f));

function isAllowed(file: string, url: string): boolean {
  return ALLOWED_EVERYWHERE.has(url) || ALLOWED.some((a) => a.url === url && a.file.test(file));
}

function parseJs(file: string, source: string): acorn.Program {
  try {
    return acorn.parse(source, { ecmaVersion: "latest", sourceType: "module" });
  } catch (error) {
    throw new Error(`${file}: cannot parse: ${(error as Error).message}`);
  }
}

function jsUrls(program: acorn.Program): string[] {
  const urls: string[] = [];
  walk.full(program, (node) => {
    const value =
      node.type === "Literal" && typeof (node as acorn.Literal).value === "string"
        ? ((node as acorn.Literal).value as string)
        : node.type === "TemplateElement"
          ? (node as acorn.TemplateElement).value.cooked
          : null;
    if (value && OFF_ORIGIN.test(value)) urls.push(value.trim());
  });
  return urls;
}

function cssUrls(css: string): string[] {
  const urls: string[] = [];
  for (const m of css.matchAll(/url\(\s*(?:"([^"]*)"|'([^']*)'|([^)]*))\s*\)/gi)) urls.push((m[1] ?? m[2] ?? m[3]).trim());
  for (const m of css.matchAll(/@import\s+(?:"([^"]*)"|'([^']*)')/gi)) urls.push(m[1] ?? m[2]);
  return urls;
}

/** Module specifiers (static, dynamic with a literal, import.meta.resolve) in a program. */
function moduleSpecifiers(program: acorn.Program): { specifier: string; dynamic: boolean }[] {
  const found: { specifier: string; dynamic: boolean }[] = [];
  const literal = (node: acorn.Node | null | undefined) =>
    node?.type === "Literal" && typeof (node as acorn.Literal).value === "string"
      ? ((node as acorn.Literal).value as string)
      : node?.type === "TemplateLiteral" && (node as acorn.TemplateLiteral).expressions.length === 0
        ? (node as acorn.TemplateLiteral).quasis[0].value.cooked
        : null;
  const add = (node: acorn.Node | null | undefined, dynamic: boolean) => {
    const specifier = literal(node);
    if (specifier != null) found.push({ specifier, dynamic });
  };
  walk.full(program, (node) => {
    if (node.type === "ImportDeclaration" || node.type === "ExportAllDeclaration" || node.type === "ExportNamedDeclaration") {
      add((node as acorn.ImportDeclaration).source, false);
    } else if (node.type === "ImportExpression") {
      add((node as acorn.ImportExpression).source, true);
    } else if (node.type === "CallExpression") {
      const { callee, arguments: args } = node as acorn.CallExpression;
      if (
        callee.type === "MemberExpression" &&
        callee.object.type === "MetaProperty" &&
        callee.property.type === "Identifier" &&
        callee.property.name === "resolve"
      ) {
        add(args[0], true);
      }
    }
  });
  return found;
}

/** Inline <script> bodies and <style> / style="" CSS of an HTML file. */
function inlineParts(html: string) {
  const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)].map((m) => ({
    module: /type\s*=\s*["']?module/i.test(m[1]),
    source: m[2],
  }));
  const styles = [
    ...[...html.matchAll(/<style\b[^>]*>([\s\S]*?)<\/style>/gi)].map((m) => m[1]),
    ...[...html.matchAll(/\sstyle\s*=\s*(?:"([^"]*)"|'([^']*)')/gi)].map((m) => m[1] ?? m[2]),
  ];
  return { scripts, styles };
}

test("dist has the pages and self-hosted DuckDB files", () => {
  for (const page of ["index.html", "streaming/report.html", "streaming/history.html", "web/report.html", "workbench.html", "quality.html"]) assert.ok(files.includes(page), page);
  assert.ok(files.some((f) => /^_node\/@duckdb\/duckdb-wasm@[^/]+\/dist\/duckdb-eh\.wasm$/.test(f)), "duckdb-eh.wasm");
  assert.ok(files.some((f) => /duckdb-browser-eh\.worker\.[0-9a-f]+\.js$/.test(f)), "duckdb eh worker");
});

test("no file references an off-origin URL", () => {
  const findings: Finding[] = [];
  const check = (file: string, urls: string[]) => {
    for (const url of urls) if (OFF_ORIGIN.test(url) && !isAllowed(file, url)) findings.push({ file, what: url });
  };
  // SVG files (the site's icon, any image) can load images, fonts and stylesheets too.
  for (const file of byExt(/\.(html|svg)$/)) {
    const html = read(file);
    const { scripts, styles } = inlineParts(html);
    const attributes = [...html.matchAll(URL_ATTRIBUTES)].flatMap((m) => {
      const value = m[2] ?? m[3] ?? m[4];
      // srcset lists "url size" pairs; meta refresh content is "0; url=…".
      if (m[1].toLowerCase() === "srcset") return value.split(",").map((s) => s.trim().split(/\s+/)[0]);
      if (m[1].toLowerCase() === "content") return [value.replace(/^\s*\d+\s*;\s*url\s*=\s*/i, "")];
      return [value];
    });
    check(file, attributes);
    for (const { module, source } of scripts) {
      if (source.trim()) check(file, jsUrls(parseJs(`${file} <script>`, module ? source : `${source}\n`)));
    }
    for (const css of styles) check(file, cssUrls(css));
  }
  for (const file of byExt(/\.css$/)) check(file, cssUrls(read(file)));
  for (const file of byExt(/\.m?js$/)) check(file, jsUrls(parseJs(file, read(file))));
  assert.deepEqual(findings, [], "off-origin references (add to ALLOWED only with a reason)");
});

test("every module specifier is a relative path to a file in dist", () => {
  const findings: Finding[] = [];
  const lazyNpm: string[] = [];
  const check = (file: string, program: acorn.Program) => {
    for (const { specifier, dynamic } of moduleSpecifiers(program)) {
      if (!specifier.startsWith("./") && !specifier.startsWith("../")) {
        // Bare ("d3"), npm:/jsr:/observablehq: ones or root-absolute paths: the browser
        // can't resolve the first kinds, and "/…" ignores the base path.
        findings.push({ file, what: `unresolved specifier ${JSON.stringify(specifier)}` });
        continue;
      }
      const target = posix.normalize(posix.join(dirname(file), specifier.replace(/[?#].*$/, "")));
      if (existsSync(join(dist, target))) continue;
      // Framework's client defines the implicit globals (Plot, d3, Inputs, sql, …) and
      // FileAttachment's csv/xlsx/zip/… readers as lazy imports of _npm/ and
      // _observablehq/stdlib/ modules that a build only contains if a page uses them;
      // ours import from node_modules instead, and the next test proves nothing does.
      if (dynamic && LAZY_FRAMEWORK.test(target) && /^_observablehq\//.test(file)) {
        lazyNpm.push(target);
        continue;
      }
      findings.push({ file, what: `${specifier} → missing ${target}` });
    }
  };
  for (const file of byExt(/\.m?js$/)) check(file, parseJs(file, read(file)));
  for (const file of byExt(/\.html$/)) {
    for (const { module, source } of inlineParts(read(file)).scripts) {
      if (module && source.trim()) check(file, parseJs(`${file} <script>`, source));
    }
  }
  assert.deepEqual(findings, []);
});

test("no page or module of ours loads Framework's lazy, CDN-backed modules", () => {
  const users = files
    .filter((f) => /\.(html|m?js|css)$/.test(f) && !f.startsWith("_observablehq/"))
    .filter((f) => /["'(][^"'()]*(_npm|_observablehq\/stdlib)\//.test(read(f)));
  assert.deepEqual(users, []);
  assert.ok(!files.some((f) => f.startsWith("_npm/")), "dist/_npm/ exists: something was downloaded from jsDelivr");
});

test("every page links the site's icon, a file in dist (so no browser asks for /favicon.ico)", () => {
  const findings: Finding[] = [];
  for (const file of byExt(/\.html$/)) {
    const links = [...read(file).matchAll(/<link\b[^>]*\brel="icon"[^>]*>/gi)].map((m) => m[0]);
    const href = links.length === 1 ? /\shref="([^"]*)"/.exec(links[0]!)?.[1] : undefined;
    if (!href) findings.push({ file, what: `${links.length} icon links` });
    else if (!href.startsWith("./") && !href.startsWith("../")) findings.push({ file, what: `icon href not relative: ${href}` });
    else if (!existsSync(join(dist, posix.join(dirname(file), href)))) findings.push({ file, what: `icon ${href} not in dist` });
  }
  assert.deepEqual(findings, []);
});

test("HTML URLs are relative or under the base path", () => {
  const findings: Finding[] = [];
  for (const file of byExt(/\.html$/)) {
    for (const m of read(file).matchAll(/\s(src|href)\s*=\s*"(\/[^"]*)"/gi)) {
      if (!m[2].startsWith(BASE) && !m[2].startsWith("//")) findings.push({ file, what: m[2] });
    }
  }
  assert.deepEqual(findings, []);
});
