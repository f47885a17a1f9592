// What the CLI prints: a short human summary by default and the whole report with --json (ingest,
// generate); answers' primary figures, or every definition with --all, as text; a warning (exit 0)
// when a night's folder is named for another date than --date.
import assert from "node:assert/strict";
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import { strata, tempDir } from "./support/warehouse.ts";

const root = tempDir("cli-out");
const data = join(root, "data");
const night = (date: string) => join(data, "vendor", date);

describe("generate", () => {
  let text: ReturnType<typeof strata>;
  before(() => {
    text = strata(["generate", data, "--scale", "0.3", "--nights", "2", "--seed", "3"]);
  });

  test("prints a few lines: what was written where, a line per night", () => {
    assert.equal(text.code, 0, text.stderr);
    assert.equal(text.stderr, "");
    const lines = text.stdout.trimEnd().split("\n");
    assert.match(lines[0], new RegExp(`^generated 2 nights \\(2022-03-01 to 2022-03-02\\) and the internal extracts in ${data}: [\\d.]+ MB in [\\d.]+ s \\(scale 0.3, seed 3\\)$`));
    assert.match(lines[1], /^ {2}night +folder +size +authors +books +reviews$/);
    assert.match(lines[2], /^ {2}2022-03-01 +vendor\/2022-03-01\/ +[\d.]+ MB +\d+ +\d+ +\d+$/);
    assert.match(lines[3], /^ {2}2022-03-02 /);
    assert.match(lines[4], /^ {2}internal\/: \d+ movies, \d+ users, \d+ streams/);
    assert.equal(lines[5], `  what changed each night: ${join(data, "generation.json")}`);
    assert.equal(lines.length, 6);
  });

  test("--json prints the whole summary (every night's changes)", () => {
    const json = strata(["generate", join(root, "again"), "--scale", "0.3", "--nights", "2", "--seed", "3", "--json"]);
    assert.equal(json.code, 0, json.stderr);
    const summary = JSON.parse(json.stdout);
    assert.deepEqual(summary.nights.map((n: { date: string }) => n.date), ["2022-03-01", "2022-03-02"]);
    assert.equal(typeof summary.nights[1].reviews.updated, "number");
    assert.ok(json.stdout.length > 5 * text.stdout.length, "the summary is the short form");
  });
});

describe("generate's output folder", () => {
  test("a folder that is not empty is refused; --force replaces one generate wrote, so no stale night stays", () => {
    const out = join(root, "gen-force");
    assert.equal(strata(["generate", out, "--scale", "0.1", "--nights", "3"]).code, 0);
    const refused = strata(["generate", out, "--scale", "0.1", "--nights", "1"]);
    assert.equal(refused.code, 1);
    assert.equal(refused.stderr, `strata: ${out}: not empty (its nights would mix with the new ones); pass --force to replace it\n`);
    assert.deepEqual(readdirSync(join(out, "vendor")), ["2022-03-01", "2022-03-02", "2022-03-03"], "untouched");
    const forced = strata(["generate", out, "--scale", "0.1", "--nights", "1", "--force"]);
    assert.equal(forced.code, 0, forced.stderr);
    assert.deepEqual(readdirSync(join(out, "vendor")), ["2022-03-01"], "only the new data set's night");
    assert.equal(JSON.parse(readFileSync(join(out, "generation.json"), "utf8")).nights.length, 1);
  });

  test("--force does not empty a folder generate did not write", () => {
    const other = join(root, "not-generated");
    mkdirSync(join(other, "vendor", "2022-03-01"), { recursive: true });
    writeFileSync(join(other, "notes.txt"), "mine");
    const r = strata(["generate", other, "--force"]);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, `strata: ${other}: not a folder generate wrote (it holds notes.txt); --force only replaces one, empty this one yourself\n`);
    assert.deepEqual(readdirSync(other).sort(), ["notes.txt", "vendor"]);
    rmSync(join(other, "notes.txt"));
    // vendor/ alone (real deliveries laid out by date, say): no generation.json, refused too
    assert.match(strata(["generate", other, "--force"]).stderr, /not a folder generate wrote \(no generation\.json\)/);
    assert.deepEqual(readdirSync(join(other, "vendor")), ["2022-03-01"]);
  });
});

describe("ingest and answers", () => {
  const warehouse = join(root, "wh");

  test("ingest prints the delivery, the version it published and a row of counts per table; --json the report", () => {
    const first = strata(["ingest", "vendor", night("2022-03-01"), "--date", "2022-03-01", "--warehouse", warehouse]);
    assert.equal(first.code, 0, first.stderr);
    const lines = first.stdout.trimEnd().split("\n");
    assert.equal(lines[0], "vendor 2022-03-01: loaded; the warehouse is now version 1");
    assert.match(lines[1], /^ {2}table +records +accepted +quarantined +warned +inserted +updated +deleted +reappeared +unchanged +kept$/);
    assert.deepEqual(lines.slice(2).map((l) => l.trim().split(/ +/)[0]), ["authors", "books", "reviews"]);
    for (const l of lines.slice(2)) assert.match(l, /^ {2}\w+( +\d+){10}$/);

    const again = strata(["ingest", "vendor", night("2022-03-01"), "--date", "2022-03-01", "--warehouse", warehouse]);
    assert.equal(again.stdout, "vendor 2022-03-01: already loaded from the same files; nothing to do (the warehouse stays at version 1)\n");
    const json = strata(["ingest", "vendor", night("2022-03-01"), "--date", "2022-03-01", "--warehouse", warehouse, "--json"]);
    assert.deepEqual(JSON.parse(json.stdout), { date: "2022-03-01", status: "already-merged", entities: [], warehouseVersion: 1 });

    const internal = strata(["ingest", "internal", join(data, "internal"), "--warehouse", warehouse]);
    assert.equal(internal.code, 0, internal.stderr);
    assert.match(internal.stdout, /^internal \d{8}T\d{9}Z: loaded; the warehouse is now version 2\n {2}table +records +accepted +quarantined +warned\n/);
  });

  test("a night's folder named for another date than --date: a warning, and it is loaded as told", () => {
    const misnamed = join(root, "vendor_v2_2022-03-05");
    cpSync(night("2022-03-02"), misnamed, { recursive: true });
    const r = strata(["ingest", "vendor", misnamed, "--date", "2022-03-02", "--warehouse", warehouse]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, `strata: warning: ${misnamed}: the folder is named for 2022-03-05 but is loaded as the night of --date 2022-03-02\n`);
    assert.match(r.stdout, /^vendor 2022-03-02: loaded/);
    // named for its own date, or found as <root>/<date>/: nothing to say
    for (const location of [night("2022-03-02"), join(data, "vendor")]) {
      const quiet = strata(["ingest", "vendor", location, "--date", "2022-03-02", "--warehouse", warehouse]);
      assert.equal(quiet.code, 0, quiet.stderr);
      assert.equal(quiet.stderr, "");
    }
  });

  test("answers: the primary figures as text; --all adds every other definition, as --json --all has them", () => {
    const primary = strata(["answers", "--warehouse", warehouse]);
    const all = strata(["answers", "--all", "--warehouse", warehouse]);
    const json = JSON.parse(strata(["answers", "--all", "--json", "--warehouse", warehouse]).stdout) as { questions: { title: string; variants: { variant: string; is_primary: boolean }[] }[] };
    assert.equal(primary.code, 0, primary.stderr);
    assert.equal(all.code, 0, all.stderr);
    const variantLines = (text: string) => text.split("\n").filter((l) => /^ {4}\S/.test(l));
    assert.deepEqual(variantLines(primary.stdout), []);
    assert.match(primary.stdout, /\(--all: every definition of each question\)\n$/);
    const expected = json.questions.flatMap((q) => q.variants.filter((v) => !v.is_primary).map((v) => v.variant));
    assert.ok(expected.length > 6);
    assert.deepEqual(variantLines(all.stdout).map((l) => l.trim().split(":")[0]), expected);
    for (const q of json.questions) {
      assert.ok(primary.stdout.includes(`${q.title}\n`), q.title);
      assert.ok(all.stdout.includes(`${q.title}\n`), q.title);
    }
  });
});
