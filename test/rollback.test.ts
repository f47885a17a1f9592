// The undo: `strata versions` lists the kept versions and what each did; `strata rollback
// --to-version N` publishes a new version with version N's content (files linked, history never
// rewritten), atomically and under the lock, refuses a version no longer kept, and says what it
// took out. The rolled-back nights stay landed, and ingesting one again loads it.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import { generate } from "../data-loaders/generate/index.ts";
import { ingestVendorNight } from "../data-loaders/sources/catalogue/ingest.ts";
import { processIdentity } from "../data-loaders/process-alive.ts";
import { listVersions } from "../data-loaders/warehouse/version-list.ts";
import { copyWarehouse } from "../data-loaders/warehouse/versions.ts";
import { publishedState, readManifestJson, strataAsync, strays, tableContents } from "./support/published.ts";
import { checksums, strata, tempDir } from "./support/warehouse.ts";

const NIGHTS = ["2022-03-01", "2022-03-02", "2022-03-03"];
const data = tempDir("rb-data");
const nightDir = (date: string) => join(data, "vendor", date);
/** the warehouse after night 1, and after nights 1 and 2: what rollbacks and re-ingests must equal */
const afterNight1 = tempDir("rb-ref1");
const afterNight2 = tempDir("rb-ref2");
const full = tempDir("rb-full");
const versionFile = (warehouse: string, version: number, file: string) => join(warehouse, "_versions", `v${String(version).padStart(6, "0")}`, file);

before(async () => {
  await generate({ outDir: data, scale: 0.3, nights: 3, seed: 8, internal: false });
  for (const [i, date] of NIGHTS.entries()) {
    await ingestVendorNight({ warehouse: full, dir: nightDir(date), date });
    if (i === 0) copyWarehouse(full, afterNight1);
    if (i === 1) copyWarehouse(full, afterNight2);
  }
});

describe("strata versions", () => {
  test("lists each kept version: number, when, the deliveries it added, which is current", () => {
    const json = strata(["versions", "--json", "--warehouse", full]);
    assert.equal(json.code, 0, json.stderr);
    const list = JSON.parse(json.stdout);
    assert.equal(list.current, 3);
    assert.deepEqual(list.versions.map((v: { version: number; current: boolean; change: unknown }) => [v.version, v.current, v.change]), [
      [1, false, { added: { vendor: [NIGHTS[0]] }, removed: {} }],
      [2, false, { added: { vendor: [NIGHTS[1]] }, removed: {} }],
      [3, true, { added: { vendor: [NIGHTS[2]] }, removed: {} }],
    ]);
    const manifest = readManifestJson(full) as unknown as { publishedAt: string };
    assert.equal(list.versions[2].publishedAt, manifest.publishedAt);
    const text = strata(["versions", "--warehouse", full]).stdout.trimEnd().split("\n");
    assert.equal(text[0], `versions kept in ${full} (the newest 7; * is the current one):`);
    assert.match(text[2], new RegExp(`^ {3,}1  \\S+Z  loaded vendor ${NIGHTS[0]}$`));
    assert.match(text[4], new RegExp(`^ {2}\\* +3  \\S+Z  loaded vendor ${NIGHTS[2]}$`));
  });

  test("a version written before changes were recorded: read against the version before, or said to be unknown", () => {
    const copy = tempDir("rb-legacy");
    copyWarehouse(full, copy);
    for (const v of [2, 3]) {
      const path = versionFile(copy, v, "_manifest.json");
      const { change: _, ...rest } = JSON.parse(readFileSync(path, "utf8"));
      rmSync(path); // a hard link shared with nothing else here, but never write through one
      writeFileSync(path, JSON.stringify(rest));
    }
    rmSync(join(copy, "_versions", "v000001"), { recursive: true });
    const changes = listVersions(copy).versions.map((v) => [v.version, v.change]);
    assert.deepEqual(changes, [[2, null], [3, { added: { vendor: [NIGHTS[2]] }, removed: {} }]]);
    assert.match(strata(["versions", "--warehouse", copy]).stdout, /not recorded \(version 1, the one before, is no longer kept\)/);
  });
});

describe("strata rollback", () => {
  test("publishes version n+1 with version N's content, linking its files; says what it removed; history stays", async () => {
    const warehouse = tempDir("rb-wh");
    copyWarehouse(full, warehouse);
    const landing = checksums(join(warehouse, "landing"));
    const v2Manifest = readFileSync(versionFile(warehouse, 2, "_manifest.json"), "utf8");
    const r = strata(["rollback", "--to-version", "1", "--warehouse", warehouse]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `rolled back to version 1: the warehouse is now version 4, with version 1's tables and deliveries\n  removed: vendor ${NIGHTS[1]}, ${NIGHTS[2]}\n`);
    const m = readManifestJson(warehouse)!;
    assert.equal(m.version, 4, "version numbers only grow");
    assert.deepEqual(m.sources.vendor.deliveries.map((d) => d.key), [NIGHTS[0]]);
    assert.deepEqual(m.tables, readManifestJson(afterNight1)!.tables, "version 1's files");
    for (const file of Object.values(m.tables).flat()) {
      assert.equal(statSync(versionFile(warehouse, 4, file)).ino, statSync(versionFile(warehouse, 1, file)).ino, `${file} is a link, not a copy`);
    }
    assert.deepEqual(await tableContents(warehouse), await tableContents(afterNight1));
    assert.equal(readFileSync(versionFile(warehouse, 2, "_manifest.json"), "utf8"), v2Manifest, "the versions in between are kept as they were");
    assert.deepEqual(checksums(join(warehouse, "landing")), landing, "the landing zone is not touched");
    assert.deepEqual(strays(warehouse), []);
    const list = JSON.parse(strata(["versions", "--json", "--warehouse", warehouse]).stdout);
    assert.deepEqual(list.versions.at(-1).change, { added: {}, removed: { vendor: [NIGHTS[1], NIGHTS[2]] }, restores: 1 });
    assert.match(strata(["versions", "--warehouse", warehouse]).stdout, new RegExp(`\\* +4  \\S+Z  rollback to version 1: removed vendor ${NIGHTS[1]}, ${NIGHTS[2]}\\n$`));

    // a rolled-back night is landed already: ingesting it again finds the same files and loads it
    const again = strata(["ingest", "vendor", nightDir(NIGHTS[1]), "--date", NIGHTS[1], "--warehouse", warehouse, "--json"]);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(JSON.parse(again.stdout).status, "merged");
    assert.equal(readManifestJson(warehouse)!.version, 5);
    assert.deepEqual(await tableContents(warehouse), await tableContents(afterNight2));
    assert.deepEqual(checksums(join(warehouse, "landing")), landing, "the landed files were found, not copied again");
    assert.deepEqual(strays(warehouse), []);

    // rolling back to a rollback version, with fewer versions kept: the versions it linked age out, its files stay
    const back = strata(["rollback", "--to-version", "4", "--warehouse", warehouse], { STRATA_KEEP_VERSIONS: "2" });
    assert.equal(back.code, 0, back.stderr);
    assert.equal(back.stdout, `rolled back to version 4: the warehouse is now version 6, with version 4's tables and deliveries\n  removed: vendor ${NIGHTS[1]}\n`);
    assert.deepEqual(await tableContents(warehouse), await tableContents(afterNight1));
    assert.equal(existsSync(versionFile(warehouse, 4, "")), false, "version 4 aged out");
    assert.deepEqual(strays(warehouse), []);

    // refused: a version no longer kept (naming those that are), one that does not exist; the current one is a no-op
    const before = publishedState(warehouse);
    const gone = strata(["rollback", "--to-version", "3", "--warehouse", warehouse]);
    assert.equal(gone.code, 1);
    assert.equal(gone.stderr, "strata: --to-version 3: version 3 is no longer kept (kept: 5, 6; STRATA_KEEP_VERSIONS sets how many)\n");
    const none = strata(["rollback", "--to-version", "9", "--warehouse", warehouse]);
    assert.equal(none.stderr, "strata: --to-version 9: there is no version 9 (the current version is 6)\n");
    const same = strata(["rollback", "--to-version", "6", "--warehouse", warehouse]);
    assert.equal(same.code, 0, same.stderr);
    assert.equal(same.stdout, "version 6 is the current version; nothing to do\n");
    assert.deepEqual(publishedState(warehouse), before);
    assert.deepEqual(strays(warehouse), []);
  });

  test("runs under the lock: refused while another run holds it", () => {
    const warehouse = tempDir("rb-locked");
    copyWarehouse(full, warehouse);
    const other = spawn("sleep", ["60"], { stdio: "ignore" });
    try {
      writeFileSync(join(warehouse, "_lock"), JSON.stringify({ pid: other.pid, startedAt: "2024-01-01T00:00:00.000Z", procStart: processIdentity(other.pid!) }));
      const before = publishedState(warehouse);
      const r = strata(["rollback", "--to-version", "1", "--warehouse", warehouse]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, new RegExp(`^strata: ${warehouse}: locked by another strata run \\(pid ${other.pid}, `));
      assert.deepEqual(publishedState(warehouse), before);
    } finally {
      other.kill();
    }
  });

  test("atomic: killed before the swap, the warehouse is as it was and the next run recovers", async () => {
    const warehouse = tempDir("rb-crash");
    copyWarehouse(full, warehouse);
    const before = publishedState(warehouse);
    const killed = await strataAsync(["rollback", "--to-version", "1", "--warehouse", warehouse], { STRATA_FAILPOINT: "manifest:before-swap" });
    assert.equal(killed.signal, "SIGKILL");
    assert.deepEqual(publishedState(warehouse), before);
    const rerun = await strataAsync(["rollback", "--to-version", "1", "--warehouse", warehouse]);
    assert.equal(rerun.code, 0, rerun.stderr);
    assert.equal(readManifestJson(warehouse)!.version, 4);
    assert.deepEqual(await tableContents(warehouse), await tableContents(afterNight1));
    assert.deepEqual(strays(warehouse), []);
  });
});
