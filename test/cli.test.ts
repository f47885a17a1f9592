// The CLI's contract: exit codes, one-line errors, generate's determinism, answers as JSON.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { strata, tempDir } from "./support/warehouse.ts";

function treeHash(dir: string): string {
  const hash = createHash("sha256");
  for (const f of (readdirSync(dir, { recursive: true }) as string[]).sort()) {
    try {
      hash.update(f).update(readFileSync(join(dir, f)));
    } catch {
      // a folder
    }
  }
  return hash.digest("hex");
}

test("generate writes the same files for the same seed, and they ingest", () => {
  const a = tempDir("cli-gen-a");
  const b = tempDir("cli-gen-b");
  for (const out of [a, b]) assert.equal(strata(["generate", out, "--scale", "0.2", "--nights", "2", "--seed", "9"]).code, 0);
  assert.equal(treeHash(a), treeHash(b));
  const warehouse = tempDir("cli-wh");
  const nothingYet = strata(["answers", "--warehouse", warehouse]);
  assert.equal(nothingYet.code, 1);
  assert.equal(nothingYet.stderr, `strata: ${warehouse}: no published warehouse here (no _manifest.json)\n`);
  for (const night of readdirSync(join(a, "vendor")).sort()) {
    const r = strata(["ingest", "vendor", join(a, "vendor", night), "--date", night, "--warehouse", warehouse, "--json"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).status, "merged");
  }
  // published, but without the tables the questions read
  const noStreams = strata(["answers", "--warehouse", warehouse]);
  assert.equal(noStreams.code, 1);
  assert.match(noStreams.stderr, /^strata: .*no streams.* table yet[^\n]*\n$/);
  assert.equal(strata(["ingest", "internal", join(a, "internal"), "--warehouse", warehouse]).code, 0);
  const status = strata(["status"], { STRATA_WAREHOUSE: warehouse });
  assert.equal(status.code, 0, status.stderr);
  assert.equal(JSON.parse(status.stdout).warehouse, warehouse, "STRATA_WAREHOUSE names the warehouse");
  const answers = strata(["answers", "--json", "--warehouse", warehouse]);
  assert.equal(answers.code, 0, answers.stderr);
  const values = Object.values(JSON.parse(answers.stdout));
  assert.equal(values.length, 6);
  assert.ok(values.every((v) => typeof v === "number" && Number.isFinite(v)));
});

test("the warehouse defaults to STRATA_WAREHOUSE", () => {
  const warehouse = tempDir("cli-env");
  const r = strata(["status"], { STRATA_WAREHOUSE: warehouse });
  assert.equal(r.code, 1);
  assert.equal(r.stderr, `strata: ${warehouse}: no published warehouse here (no _manifest.json)\n`);
});

test("bad usage exits 2 with the usage; bad input exits 1 with one line", () => {
  const usage = strata(["bogus"]);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /^strata: unknown command bogus\nusage/);
  const noDate = strata(["ingest", "vendor", "/tmp"]);
  assert.equal(noDate.code, 2);
  const missing = strata(["ingest", "vendor", "/nonexistent-night", "--date", "2022-03-01", "--warehouse", tempDir("cli-missing")]);
  assert.equal(missing.code, 1);
  assert.equal(missing.stderr, "strata: /nonexistent-night: no such folder\n");
  const badDate = strata(["ingest", "vendor", "/tmp", "--date", "March 1st", "--warehouse", tempDir("cli-date")]);
  assert.equal(badDate.code, 1);
  assert.match(badDate.stderr, /^strata: --date March 1st: expected YYYY-MM-DD\n$/);
});
