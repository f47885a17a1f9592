// `npm ci` on any developer's or CI machine: package-lock.json must list every platform build of
// each native package (npm ci refuses a lock that lacks optional dependencies package.json's tree
// asks for, and a machine of a missing platform would get no binary at all), and the documented
// install commands must be `npm ci`, so that everyone runs the locked versions.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import { parse } from "yaml";

const read = (path: string) => readFileSync(new URL(`../${path}`, import.meta.url), "utf8");

interface LockEntry {
  version?: string;
  os?: string[];
  cpu?: string[];
  libc?: string[];
  optional?: boolean;
  integrity?: string;
  link?: boolean;
  optionalDependencies?: Record<string, string>;
}
const lock = JSON.parse(read("package-lock.json")) as { lockfileVersion: number; packages: Record<string, LockEntry> };
const entries = lock.packages;

/** The lock key that `name` resolves to from the package at `from` (node_modules lookup, innermost first). */
function resolveKey(from: string, name: string): string | undefined {
  let dir = from;
  for (;;) {
    const key = `${dir ? `${dir}/` : ""}node_modules/${name}`;
    if (key in entries) return key;
    if (!dir) return undefined;
    const at = dir.lastIndexOf("/node_modules/");
    dir = at < 0 ? "" : dir.slice(0, at);
  }
}

const isPlatformSpecific = (e: LockEntry | undefined) => !!e && (!!e.os || !!e.cpu);

/**
 * Packages whose optional dependencies are per-platform builds (at least one of them, as locked,
 * is restricted by os/cpu). Derived from the lock, not a fixed list, so a new native dependency
 * is covered too.
 */
const natives = Object.entries(entries)
  .filter(([key, e]) => key !== "" && e.optionalDependencies)
  .filter(([key, e]) => Object.keys(e.optionalDependencies!).some((n) => isPlatformSpecific(entries[resolveKey(key, n) ?? ""])))
  .map(([key, e]) => ({ key, entry: e }));

const TARGETS = [
  { os: "linux", cpu: "x64" },
  { os: "linux", cpu: "arm64" },
  { os: "darwin", cpu: "x64" },
  { os: "darwin", cpu: "arm64" },
  { os: "win32", cpu: "x64" },
] as const;

/** npm's own os/cpu/libc matching ("!x" excludes), for a glibc Linux, macOS or Windows machine. */
function matches(list: string[] | undefined, value: string): boolean {
  if (!list || list.length === 0) return true;
  if (list.includes(`!${value}`)) return false;
  const positive = list.filter((v) => !v.startsWith("!"));
  return positive.length === 0 || positive.includes(value);
}
const installsOn = (e: LockEntry, t: (typeof TARGETS)[number]) =>
  matches(e.os, t.os) && matches(e.cpu, t.cpu) && (t.os !== "linux" || matches(e.libc, "glibc"));

describe("package-lock.json", () => {
  test("is a v3 lock and has the native packages this project needs", () => {
    assert.equal(lock.lockfileVersion, 3);
    const names = natives.map((n) => n.key.replace(/^.*node_modules\//, ""));
    for (const expected of ["@duckdb/node-bindings", "rollup", "esbuild"]) {
      assert.ok(names.includes(expected), `expected ${expected} among the native packages, found ${names.join(", ")}`);
    }
  });

  test("lists every optional dependency of every native package, at the version it asks for", () => {
    const missing: string[] = [];
    for (const { key, entry } of natives) {
      for (const [name, spec] of Object.entries(entry.optionalDependencies!)) {
        const dep = resolveKey(key, name);
        if (!dep) {
          missing.push(`${key} → ${name}@${spec}`);
          continue;
        }
        const locked = entries[dep]!;
        assert.ok(locked.optional, `${dep} should be marked optional`);
        assert.ok(locked.integrity || locked.link, `${dep} has no integrity`);
        if (/^\d+\.\d+\.\d+(-[\w.]+)?$/.test(spec)) assert.equal(locked.version, spec, `${dep}: ${key} asks for ${spec}`);
      }
    }
    assert.deepEqual(missing, [], "optional dependencies missing from the lock (npm install --package-lock-only adds them)");
  });

  test("has a build of each multi-platform native package for linux, macOS and Windows, x64 and arm64", () => {
    const gaps: string[] = [];
    for (const { key, entry } of natives) {
      const builds = Object.keys(entry.optionalDependencies!)
        .map((n) => entries[resolveKey(key, n) ?? ""])
        .filter((e): e is LockEntry => isPlatformSpecific(e));
      // A dependency for one OS only (tsx → fsevents, macOS file watching) is not a per-platform build set.
      if (new Set(builds.flatMap((b) => b.os ?? [])).size < 2) continue;
      for (const t of TARGETS) {
        if (!builds.some((b) => installsOn(b, t))) gaps.push(`${key}: no ${t.os}-${t.cpu} build`);
      }
    }
    assert.deepEqual(gaps, []);
  });

  test("the DuckDB bindings for macOS (arm64 and x64), linux-arm64 and Windows are locked", () => {
    for (const platform of ["darwin-arm64", "darwin-x64", "linux-arm64", "linux-x64", "win32-x64"]) {
      assert.ok(`node_modules/@duckdb/node-bindings-${platform}` in entries, `@duckdb/node-bindings-${platform}`);
    }
  });
});

describe("install commands", () => {
  const npmInstall = /(^|[\s;&|(])npm (install|i)\b/m;

  test("README's commands install with npm ci", () => {
    const readme = read("README.md");
    const blocks = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
    const commands = blocks.join("\n").split("\n").filter((l) => /\bnpm (ci|install|i|test|run)\b/.test(l));
    assert.ok(commands.some((l) => /^npm ci && npm run build\b/.test(l)), "README: npm ci && npm run build");
    assert.ok(commands.some((l) => /^npm ci && npm test\b/.test(l)), "README: npm ci && npm test");
    assert.doesNotMatch(blocks.join("\n"), npmInstall);
  });

  test(".ci/run installs with npm ci", () => {
    const run = read(".ci/run");
    assert.match(run, /^npm ci\b/m);
    assert.doesNotMatch(run.replace(/#.*$/gm, ""), npmInstall);
  });

  test("the nightly workflow installs with npm ci, and docs/nightly.md says so", () => {
    const wf = parse(read(".github/workflows/nightly.yml"));
    const runs = Object.values(wf.jobs as Record<string, { steps: { run?: string }[] }>)
      .flatMap((j) => j.steps)
      .map((s) => s.run ?? "");
    assert.ok(runs.some((r) => /^npm ci\b/m.test(r)), "a step runs npm ci");
    for (const r of runs) assert.doesNotMatch(r, npmInstall);
    const doc = read("docs/nightly.md");
    assert.match(doc, /`npm ci`/);
    assert.doesNotMatch(doc, /npm install/);
  });
});
