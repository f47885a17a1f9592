// Structural checks of the nightly workflow: the order of steps is the safety argument
// (state restored before ingest, saved only after a successful deploy), so it is tested.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import { parse } from "yaml";

type Step = { name?: string; uses?: string; run?: string; if?: string; env?: Record<string, string>; with?: Record<string, unknown>; "continue-on-error"?: unknown };
type Job = { steps: Step[]; env?: Record<string, string>; "continue-on-error"?: unknown };

const wf = parse(readFileSync(new URL("../.github/workflows/nightly.yml", import.meta.url), "utf8"));
// The YAML 1.1 quirk: a bare `on:` key may be read as boolean true by some parsers.
const on = wf.on ?? wf[true as unknown as string];
const jobs = Object.values(wf.jobs) as Job[];
const steps = jobs.flatMap((j) => j.steps);

function indexOf(what: string, pred: (s: Step) => boolean): number {
  const i = steps.findIndex(pred);
  assert.ok(i >= 0, `no step for: ${what}`);
  return i;
}
const runs = (re: RegExp) => (s: Step) => typeof s.run === "string" && re.test(s.run);
const uses = (prefix: string) => (s: Step) => typeof s.uses === "string" && s.uses.startsWith(prefix);

const idx = {
  checkout: indexOf("checkout", uses("actions/checkout@")),
  setupNode: indexOf("setup-node", uses("actions/setup-node@")),
  npmCi: indexOf("npm ci", runs(/^npm ci\b/m)),
  restore: indexOf("state restore", (s) => /^restore\b/i.test(s.name ?? "") && /state/i.test(s.name ?? "")),
  ingest: indexOf("ingest vendor", runs(/npx strata ingest vendor /)),
  web: indexOf("ingest web", runs(/npx strata ingest web /)),
  test: indexOf("npm test", runs(/^npm test\b/m)),
  build: indexOf("npm run build", runs(/^npm run build\b/m)),
  upload: indexOf("upload-pages-artifact", uses("actions/upload-pages-artifact@")),
  deploy: indexOf("deploy-pages", uses("actions/deploy-pages@")),
  save: indexOf("state save", (s) => /^save\b/i.test(s.name ?? "") && /state/i.test(s.name ?? "")),
};

describe("nightly workflow", () => {
  test("runs on a daily schedule after the 02:00 UTC delivery, and by hand", () => {
    assert.ok(Array.isArray(on.schedule) && on.schedule.length > 0, "schedule missing");
    const [minute, hour, dom, month, dow] = String(on.schedule[0].cron).trim().split(/\s+/);
    assert.equal([dom, month, dow].join(" "), "* * *", "must run every day");
    const at = Number(hour) * 60 + Number(minute);
    assert.ok(at > 2 * 60 && at < 6 * 60, `cron ${on.schedule[0].cron} should be shortly after 02:00 UTC`);
    assert.ok("workflow_dispatch" in on, "workflow_dispatch missing");
  });

  test("has the Pages permissions and a non-cancelling concurrency group", () => {
    assert.equal(wf.permissions?.pages, "write");
    assert.equal(wf.permissions?.["id-token"], "write");
    assert.ok(typeof wf.concurrency?.group === "string" && wf.concurrency.group.length > 0);
    assert.equal(wf.concurrency["cancel-in-progress"], false);
  });

  test("sets up Node 20 with the npm cache and installs the locked dependencies", () => {
    const setup = steps[idx.setupNode]!;
    assert.equal(String(setup.with?.["node-version"]), "20");
    assert.equal(setup.with?.cache, "npm");
    assert.ok(idx.checkout < idx.setupNode && idx.setupNode < idx.npmCi && idx.npmCi < idx.ingest);
    // The tests' Chromium comes with npm ci (@sparticuz/chromium), not from apt.
    assert.ok(!steps.some(runs(/apt-get install\b[^\n]*\bchromium\b/)), "no apt chromium: npm ci brings the tests' browser");
  });

  test("restore -> ingest -> ingest web -> test -> build -> upload -> deploy -> save, in that order", () => {
    const order = ["restore", "ingest", "web", "test", "build", "upload", "deploy", "save"] as const;
    for (let i = 1; i < order.length; i++) {
      assert.ok(idx[order[i - 1]!] < idx[order[i]!], `${order[i - 1]} must come before ${order[i]}`);
    }
    assert.equal(idx.save, steps.length - 1, "saving the state is the very last step");
  });

  test("the state is saved only when everything before it succeeded", () => {
    const save = steps[idx.save]!;
    const cond = String(save.if ?? "success()");
    assert.match(cond, /success\(\)/);
    assert.doesNotMatch(cond, /always\(\)|failure\(\)|cancelled\(\)/);
    for (const s of steps.slice(0, idx.save)) {
      assert.ok(!s["continue-on-error"], `"${s.name}" must not continue on error: a failure has to stop the save`);
      assert.doesNotMatch(String(s.if ?? ""), /always\(\)/, `"${s.name}" must not run regardless of failures`);
    }
    for (const j of jobs) assert.ok(!j["continue-on-error"]);
  });

  test("the ingests read the FTP password from a secret through env, and nothing prints it", () => {
    const ingest = steps[idx.ingest]!;
    const web = steps[idx.web]!;
    for (const s of [ingest, web]) assert.equal(s.env?.STRATA_FTP_PASSWORD, "${{ secrets.STRATA_FTP_PASSWORD }}");
    assert.match(ingest.run!, /--date\s/);
    assert.match(ingest.run!, /"ftp:\/\/[^"]*@[^"]*\/vendor"/);
    // the URL names the user and the host, never a password; --through the hour before the run
    assert.match(web.run!, /npx strata ingest web "ftp:\/\/\$\{FTP_USER\}@\$\{FTP_HOST\}\/web" --through "\$THROUGH"/);
    assert.doesNotMatch(web.run!, /ftp:\/\/[^"@\s]*:[^"@\s]*@/, "no user:password in the URL");
    const pick = steps.find((s) => /^Pick the night/.test(s.name ?? ""))!;
    assert.match(pick.run!, /THROUGH=\$\(date -u -d '1 hour ago' \+%Y-%m-%dT%H\)/);
    assert.ok(steps.indexOf(pick) < idx.web);
    // the summary goes to the run's page (missing hours included), the exit code is strata's
    assert.match(web.run!, /set -euo pipefail/);
    assert.match(web.run!, /GITHUB_STEP_SUMMARY/);
    // Scoped to the steps that need it, not the whole job or workflow.
    assert.ok(!wf.env || !("STRATA_FTP_PASSWORD" in wf.env));
    for (const j of jobs) assert.ok(!j.env || !("STRATA_FTP_PASSWORD" in j.env));
    for (const s of steps) {
      if (s !== ingest && s !== web) assert.ok(!s.env || !("STRATA_FTP_PASSWORD" in s.env), `"${s.name}" does not need the password`);
      const run = s.run ?? "";
      assert.doesNotMatch(run, /STRATA_FTP_PASSWORD/, `"${s.name}" must not reference the password in its script`);
      assert.doesNotMatch(run, /\$\{\{\s*secrets\./, `"${s.name}": pass secrets via env, not interpolated into the script`);
      assert.doesNotMatch(run, /set -[a-z]*x|set -o xtrace/, `"${s.name}": xtrace would print expanded values`);
    }
  });

  test("the build sees the warehouse location", () => {
    const build = steps[idx.build]!;
    const warehouse = build.env?.STRATA_WAREHOUSE ?? jobs[0]!.env?.STRATA_WAREHOUSE ?? wf.env?.STRATA_WAREHOUSE;
    assert.equal(warehouse, "./warehouse");
  });

  test("the Pages artifact is the built dist/ folder", () => {
    assert.equal(steps[idx.upload]!.with?.path, "dist");
  });

  test("docs/nightly.md describes this run: its time, its steps in order, the ingest command, the build's settings", () => {
    const doc = readFileSync(new URL("../docs/nightly.md", import.meta.url), "utf8");
    const [minute, hour] = String(on.schedule[0].cron).trim().split(/\s+/);
    assert.ok(doc.includes(`**${hour.padStart(2, "0")}:${minute.padStart(2, "0")} UTC**`), "the time it runs");
    const numbered = doc.split("\n## ")[0];
    const order = ["`npm ci`", "pick the night", "**restore**", "npx strata ingest vendor", "npx strata ingest web", "`npm test`", "`npm run build`", "deploy it to GitHub Pages", "**save**"];
    const at = order.map((what) => numbered.indexOf(what));
    assert.ok(at.every((i) => i >= 0), `every step is listed: ${order.filter((_, i) => at[i] < 0).join(", ")}`);
    assert.deepEqual([...at].sort((a, b) => a - b), at, "in the workflow's order");
    assert.ok(doc.includes(steps[idx.ingest]!.run!.trim()), "the ingest command, as the workflow runs it");
    const webCommand = steps[idx.web]!.run!.split("\n").find((l) => l.includes("npx strata ingest web"))!.split(" | ")[0].trim();
    assert.ok(doc.includes(webCommand), "the web ingest command, as the workflow runs it");
    for (const name of Object.keys(steps[idx.build]!.env ?? {})) assert.match(numbered, new RegExp(`\`${name}=`), `the build's ${name}`);
  });
});
