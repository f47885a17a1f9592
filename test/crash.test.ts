// Crash safety: a vendor ingest SIGKILLed at any point leaves the published warehouse as it was
// (or, once the manifest is swapped, the complete new version), and the next run recovers and ends
// exactly where a run that never crashed ends. Crashes are real: STRATA_FAILPOINT makes the CLI
// SIGKILL itself at a named point (data-loaders/failpoints.ts), and timed SIGKILLs hit random moments.
import assert from "node:assert/strict";
import { copyWarehouse } from "../data-loaders/warehouse/versions.ts";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { generate } from "../data-loaders/generate/index.ts";
import { ingestVendorNight } from "../data-loaders/sources/catalogue/ingest.ts";
import { FTP_PASSWORD, FTP_USER, startFtp, type RunningFtp } from "./support/ftp-fixtures.ts";
import { publishedState, readManifestJson, strataAsync, strays, tableContents, type PublishedState } from "./support/published.ts";
import { checksums, tempDir } from "./support/warehouse.ts";

const NIGHT1 = "2022-03-01";
const NIGHT2 = "2022-03-02";
// --verbose: progress lines on stderr, which the random kills are timed against
const ingestArgs = (source: string, warehouse: string) => ["ingest", "vendor", source, "--date", NIGHT2, "--warehouse", warehouse, "--verbose", "--json"];

/** What the published state must be right after the crash. */
type After = "old" | "old+landed" | "new";
const failpoints: { name: string; after: After; ftp?: boolean }[] = [
  { name: "vendor:after-download", after: "old", ftp: true },
  { name: "vendor:after-stage", after: "old" },
  { name: "history:after-write", after: "old" },
  // Landing happens before the publish: the raw night is in the landing zone but not in the
  // warehouse. Landed raw data is not the warehouse (nothing reads it through the manifest); the
  // next run finds the same files already landed and merges them.
  { name: "landing:in-place", after: "old+landed" },
  // the next version's folder is complete under _versions/, but `_current` still points at the old one
  { name: "manifest:before-swap", after: "old+landed" },
  { name: "manifest:after-swap", after: "new" },
];

/** `base` plus night `date`'s raw files (and its landing manifest.json) in the landing zone. */
function assertOldPlusLanded(state: PublishedState, base: PublishedState, nightDir: string, date: string) {
  assert.equal(state.manifest, base.manifest, "manifest unchanged");
  assert.deepEqual(state.tables, base.tables, "published table files unchanged");
  const added = Object.keys(state.landing).filter((p) => !(p in base.landing)).sort();
  assert.deepEqual(added, ["authors.json", "books.json", "manifest.json", "reviews.json"].map((f) => join(date, f)));
  for (const [p, sha] of Object.entries(base.landing)) assert.equal(state.landing[p], sha, `${p} unchanged`);
  const raw = checksums(nightDir);
  for (const f of ["authors.json", "books.json", "reviews.json"]) assert.equal(state.landing[join(date, f)], raw[f], `landed ${f} is byte-identical`);
}

/** Every file referenced exists, the new night is recorded, and the contents are the never-crashed run's. */
async function assertCompleteNew(warehouse: string, state: PublishedState, base: PublishedState, expected: Record<string, unknown[]>) {
  assert.notEqual(state.manifest, base.manifest);
  assert.ok(Object.values(state.tables).every((sha) => sha !== "MISSING"), "every referenced file exists");
  const m = readManifestJson(warehouse)!;
  assert.equal(m.version, JSON.parse(base.manifest!).version + 1);
  assert.deepEqual(m.sources.vendor.deliveries.map((n) => n.key), [NIGHT1, NIGHT2]);
  assert.deepEqual(await tableContents(warehouse), expected, "readable, and equal to a run that never crashed");
}

describe("crash at each failpoint", () => {
  const data = tempDir("crash-data");
  const base = tempDir("crash-base");
  const reference = tempDir("crash-ref");
  let baseState: PublishedState;
  let expected: Record<string, unknown[]>;
  let ftp: RunningFtp;
  let ftpUrl: string;

  before(async () => {
    await generate({ outDir: data, scale: 0.3, nights: 3, seed: 11, internal: false });
    await ingestVendorNight({ warehouse: base, dir: join(data, "vendor", NIGHT1), date: NIGHT1 });
    baseState = publishedState(base);
    assert.deepEqual(strays(base), [], "a clean run leaves nothing but the published state");
    copyWarehouse(base, reference);
    await ingestVendorNight({ warehouse: reference, dir: join(data, "vendor", NIGHT2), date: NIGHT2 });
    expected = await tableContents(reference);
    // the generated nights are served as <root>/vendor/<date>/ for the FTP source
    ftp = await startFtp({ root: data });
    ftpUrl = `ftp://${FTP_USER}@127.0.0.1:${ftp.port}/vendor`;
  });
  after(async () => ftp?.close());

  for (const fp of failpoints) {
    test(`${fp.name}: published state ${fp.after === "new" ? "is the complete new version" : "unchanged"}; the next run recovers`, async () => {
      const warehouse = tempDir("crash-wh");
      copyWarehouse(base, warehouse);
      const source = fp.ftp ? ftpUrl : join(data, "vendor", NIGHT2);
      const env: Record<string, string> = fp.ftp ? { STRATA_FTP_PASSWORD: FTP_PASSWORD } : {};

      const crashed = await strataAsync(ingestArgs(source, warehouse), { ...env, STRATA_FAILPOINT: fp.name });
      assert.equal(crashed.signal, "SIGKILL", `died by SIGKILL at ${fp.name} (exit ${crashed.code}, stderr: ${crashed.stderr})`);

      const state = publishedState(warehouse);
      if (fp.after === "old") assert.deepEqual(state, baseState);
      else if (fp.after === "old+landed") assertOldPlusLanded(state, baseState, join(data, "vendor", NIGHT2), NIGHT2);
      else await assertCompleteNew(warehouse, state, baseState, expected);

      // What the crash left outside the published state: never referenced, so invisible to readers.
      const left = strays(warehouse);
      // (an FTP run downloads before it takes the lock)
      if (!fp.ftp) assert.ok(left.includes("_lock"), `the killed run's lock is left behind (strays: ${left.join(", ")})`);
      if (fp.name === "history:after-write") assert.ok(left.some((p) => p.startsWith("_versions/.incoming-") && p.endsWith(".parquet")), "an unpublished Parquet file was left");
      if (fp.name === "manifest:before-swap") assert.ok(left.includes("_versions/v000002/_manifest.json"), `the unpublished version folder was left (${left.join(", ")})`);
      if (fp.ftp) assert.ok(left.some((p) => p.startsWith(".download-")), "the download folder was left");

      const rerun = await strataAsync(ingestArgs(source, warehouse), env);
      assert.equal(rerun.code, 0, `the next run succeeds (stderr: ${rerun.stderr})`);
      assert.equal(JSON.parse(rerun.stdout).status, fp.after === "new" ? "already-merged" : "merged");
      // quarantine.source_file holds the folder a file was read from: for the FTP source a temp
      // .download-* folder, so there it is compared by file name only (see the report on this).
      const opts = { sourceFileName: fp.ftp };
      assert.deepEqual(await tableContents(warehouse, opts), fp.ftp ? await tableContents(reference, opts) : expected);
      assert.deepEqual(strays(warehouse), [], "the next run's recovery removed everything the crash left");
    });
  }
});

/** A small seeded PRNG (mulberry32), so the kill moments are the same on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("SIGKILL at random moments during a larger ingest", () => {
  const data = tempDir("crash-big-data");
  const base = tempDir("crash-big-base");
  const reference = tempDir("crash-big-ref");
  let baseState: PublishedState;
  let expected: Record<string, unknown[]>;
  let cleanMs = 0;

  before(async () => {
    await generate({ outDir: data, scale: 20, nights: 2, seed: 3, internal: false });
    await ingestVendorNight({ warehouse: base, dir: join(data, "vendor", NIGHT1), date: NIGHT1 });
    baseState = publishedState(base);
    copyWarehouse(base, reference);
    const clean = await strataAsync(ingestArgs(join(data, "vendor", NIGHT2), reference));
    assert.equal(clean.code, 0, clean.stderr);
    cleanMs = clean.ms;
    expected = await tableContents(reference);
  });

  test("each kill leaves the old or the complete new version, and the next run succeeds", async (t) => {
    const random = prng(20220302);
    const outcomes: string[] = [];
    for (let i = 0; i < 4; i++) {
      const warehouse = tempDir("crash-big-wh");
      copyWarehouse(base, warehouse);
      // A moment tied to progress, so a loaded machine still kills inside the work: 0–300 ms after the
      // k-th entity's merge line (after line 3: loads, landing, publish), or for k = 0 anywhere in a
      // clean run's duration from the start.
      const lines = Math.floor(random() * 4);
      const delayMs = Math.round(random() * (lines === 0 ? cleanMs : 300));
      const kill = lines === 0 ? { killAfterMs: delayMs } : { killAfterLines: { lines, delayMs } };
      const run = await strataAsync(ingestArgs(join(data, "vendor", NIGHT2), warehouse), {}, kill);
      const state = publishedState(warehouse);
      let outcome: string;
      if (state.manifest === baseState.manifest) {
        outcome = Object.keys(state.landing).length === Object.keys(baseState.landing).length ? "old" : "old+landed";
        if (outcome === "old") assert.deepEqual(state, baseState);
        else assertOldPlusLanded(state, baseState, join(data, "vendor", NIGHT2), NIGHT2);
      } else {
        outcome = "new";
        await assertCompleteNew(warehouse, state, baseState, expected);
      }
      const merged = run.stderr.split("\n").filter((l) => / in, \d+ accepted/.test(l)).length;
      const when = lines === 0 ? `${delayMs} ms after start` : `${delayMs} ms after merge line ${lines}`;
      outcomes.push(`kill ${when} (${run.signal ?? `exit ${run.code}`}, ${merged}/3 merged): ${outcome}, ${strays(warehouse).length} strays`);

      const rerun = await strataAsync(ingestArgs(join(data, "vendor", NIGHT2), warehouse));
      assert.equal(rerun.code, 0, `the next run succeeds (stderr: ${rerun.stderr})`);
      assert.deepEqual(await tableContents(warehouse), expected);
      assert.deepEqual(strays(warehouse), []);
    }
    t.diagnostic(`clean run ${cleanMs} ms; ${outcomes.join("; ")}`);
  });
});
