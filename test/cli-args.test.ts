// The CLI's arguments: each is checked before any work starts; a command line that does not fit
// is one line and the verb's usage (exit 2), a bad value or input one line (exit 1), never a stack
// trace; a folder that holds no warehouse is an error for every verb that reads one; every verb
// has its --help, and the README's CLI section shows the same usage lines.
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { assertDeliveryDate } from "../data-loaders/delivery-date.ts";
import { ingestVendorNight } from "../data-loaders/sources/catalogue/ingest.ts";
import { repoRoot, strata, tempDir } from "./support/warehouse.ts";

const utcDay = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

/** Exactly one line `strata: …` on stderr (then, for exit 2, the usage), no stack trace. */
function oneLine(r: { code: number; stderr: string }, code: number): string {
  assert.equal(r.code, code, r.stderr);
  assert.doesNotMatch(r.stderr, /\n\s+at |node:internal|Error \[ERR_/, "no stack trace");
  const [first, ...more] = r.stderr.trimEnd().split("\n");
  assert.match(first, /^strata: /);
  if (code === 2) assert.match(more[0] ?? "", /^usage/, "a usage error is followed by the usage");
  else assert.deepEqual(more, [], "one line");
  return first;
}

describe("--date", () => {
  test("a date after tomorrow (UTC) is refused before anything is done; tomorrow is accepted", () => {
    const root = tempDir("args-future");
    const warehouse = join(root, "wh");
    const future = utcDay(3);
    const line = oneLine(strata(["ingest", "vendor", join(root, "night"), "--date", future, "--warehouse", warehouse]), 1);
    assert.equal(line, `strata: --date ${future}: after tomorrow (${utcDay(1)}, UTC); a night cannot be delivered before it happens`);
    assert.equal(existsSync(warehouse), false, "no warehouse folder made");
    assert.equal(oneLine(strata(["ingest", "vendor", join(root, "night"), "--date", "2099-01-01", "--warehouse", warehouse]), 1).includes("after tomorrow"), true);
    // tomorrow passes the date check: the run goes on to the folder, which does not exist
    assert.equal(oneLine(strata(["ingest", "vendor", join(root, "night"), "--date", utcDay(1), "--warehouse", warehouse]), 1), `strata: ${join(root, "night")}: no such folder`);
  });

  test("the library refuses it too (the build's dated folders go through the same check)", async () => {
    const warehouse = tempDir("args-future-lib");
    await assert.rejects(ingestVendorNight({ warehouse, dir: warehouse, date: "2099-01-01" }), /--date 2099-01-01: after tomorrow/);
    assert.deepEqual(readdirSync(warehouse), []);
    assert.doesNotThrow(() => assertDeliveryDate("2024-02-29", new Date("2024-03-01T00:00:00Z")));
    assert.doesNotThrow(() => assertDeliveryDate("2024-03-02", new Date("2024-03-01T23:59:59Z")));
    assert.throws(() => assertDeliveryDate("2024-03-03", new Date("2024-03-01T23:59:59Z")), /after tomorrow \(2024-03-02, UTC\)/);
    assert.throws(() => assertDeliveryDate("2023-02-29"), /--date 2023-02-29: not a calendar date$/);
  });
});

describe("bad command lines: one line, never a stack trace", () => {
  test("values that are wrong exit 1 with one line naming the argument", () => {
    const out = tempDir("args-values");
    assert.equal(oneLine(strata(["ingest", "vendor", "/tmp", "--date", "2022-02-30"]), 1), "strata: --date 2022-02-30: not a calendar date");
    assert.equal(oneLine(strata(["generate", out, "--scale", "-5"]), 1), "strata: --scale -5: expected a number > 0");
    assert.equal(oneLine(strata(["generate", out, "--nights", "1.5"]), 1), "strata: --nights 1.5: expected a whole number from 1 to 366");
    assert.equal(oneLine(strata(["ingest", "internal", "/tmp", "--wait", "soon"]), 1), "strata: --wait soon: expected a number ≥ 0");
    assert.deepEqual(readdirSync(out), [], "generate wrote nothing");
  });

  test("a line that does not fit its verb exits 2: one line, then the verb's usage", () => {
    const cases: [string[], string][] = [
      [["ingest", "vendor", "/tmp", "--date"], "strata: ingest: --date needs a value (YYYY-MM-DD)"],
      [["ingest", "vendor", "/tmp", "--date", "--verbose"], "strata: ingest: --date needs a value (YYYY-MM-DD)"],
      [["ingest", "vendor", "/tmp"], "strata: ingest vendor: --date YYYY-MM-DD is required"],
      [["ingest", "internal", "/tmp", "--date", "2022-03-01"], "strata: ingest internal: --date is for sources whose deliveries are dated"],
      [["ingest", "nosuch", "/tmp"], "strata: ingest: unknown source nosuch (vendor or internal or users or pageviews or web)"],
      [["status", "--bogus"], "strata: status: unknown option --bogus"],
      [["answers", "-x"], "strata: answers: unknown option -x"],
      [["answers", "--json=yes"], "strata: answers: --json takes no value"],
      [["status", "extra"], 'strata: status: unexpected argument "extra"'],
      [["generate"], "strata: generate: missing <out-dir>"],
      [["query", "SELECT 1", "--csv", "--json"], "strata: query: --json and --csv cannot be used together"],
    ];
    for (const [args, expected] of cases) {
      const r = strata(args);
      assert.equal(oneLine(r, 2), expected, args.join(" "));
      assert.match(r.stderr, new RegExp(`\nusage: strata ${args[0]} `), "the verb's own usage");
    }
    const unknown = strata(["bogus"]);
    assert.equal(oneLine(unknown, 2), "strata: unknown command bogus");
    assert.match(unknown.stderr, /^usage \(strata <command> --help/m);
  });

  test("options may come before the verb", () => {
    const missing = join(tempDir("args-before"), "nowhere");
    assert.equal(oneLine(strata(["--warehouse", missing, "status"]), 1), `strata: ${missing}: no published warehouse here (no _manifest.json)`);
  });
});

describe("a folder that holds no warehouse", () => {
  const reads: string[][] = [["status"], ["check"], ["answers"], ["answers", "--all"], ["query", "SELECT 1"], ["versions"], ["rollback", "--to-version", "1"]];
  test("is an error for every verb that reads one, and is not created", () => {
    const root = tempDir("args-nowh");
    const missing = join(root, "mistyped");
    for (const args of reads) {
      assert.equal(oneLine(strata([...args, "--warehouse", missing]), 1), `strata: ${missing}: no published warehouse here (no _manifest.json)`, args.join(" "));
      assert.equal(existsSync(missing), false, `${args[0]} did not create it`);
    }
    // an existing folder that is not a warehouse: refused, and nothing is written into it
    for (const args of reads) oneLine(strata([...args, "--warehouse", root]), 1);
    assert.deepEqual(readdirSync(root), []);
  });
});

describe("help", () => {
  const verbs = () => {
    const usage = strata(["--help"]);
    assert.equal(usage.code, 0);
    return { text: usage.stdout, names: [...new Set(usage.stdout.split("\n").flatMap((l) => /^ {2}strata (\S+)/.exec(l)?.[1] ?? []))] };
  };

  test("every verb has its --help: its usage, what it does, each option", () => {
    const { names } = verbs();
    assert.ok(names.length >= 9, names.join(" "));
    for (const name of names) {
      const r = strata([name, "--help"]);
      assert.equal(r.code, 0, `${name}: ${r.stderr}`);
      assert.match(r.stdout, new RegExp(`^usage: strata ${name}\\b`), name);
      assert.match(r.stdout, /\noptions:\n/, name);
      for (const flag of r.stdout.split("\n")[0].match(/--[a-z-]+/g) ?? []) assert.match(r.stdout, new RegExp(`\\n  ${flag}\\b`), `${name} --help explains ${flag}`);
    }
    // --help answers even when the rest of the line would be refused
    assert.equal(strata(["ingest", "--help", "--date"]).code, 0);
  });

  test("the README's CLI section shows exactly the usage lines", () => {
    const readme = readFileSync(join(repoRoot, "README.md"), "utf8");
    const section = readme.slice(readme.indexOf("## The CLI"));
    const block = /```sh\n([\s\S]*?)```/.exec(section)![1];
    const documented = block.split("\n").filter((l) => l.startsWith("npx strata ")).map((l) => l.replace(/^npx /, "").replace(/\s+#.*$/, "").trim());
    const usage = verbs().text.split("\n").filter((l) => l.startsWith("  strata ")).map((l) => l.trim());
    assert.deepEqual(documented, usage);
  });
});
