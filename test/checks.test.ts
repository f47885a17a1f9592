// The warehouse's data tests (data-loaders/checks/*.sql) pass on real and generated warehouses,
// and fail, naming the broken invariant, on a warehouse corrupted on purpose.
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { copyWarehouse } from "../data-loaders/warehouse/versions.ts";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import { runChecks } from "../data-loaders/checks/index.ts";
import { generate } from "../data-loaders/generate/index.ts";
import { ingestInternal } from "../data-loaders/sources/app-extracts/ingest.ts";
import { ingestVendorNight } from "../data-loaders/sources/catalogue/ingest.ts";
import { webUsers } from "../data-loaders/sources/web-analytics/index.ts";
import { hasRealData, query, realInternal, realV1, realV2, strata, tempDir } from "./support/warehouse.ts";

describe("data tests", () => {
  const generated = tempDir("checks-gen");
  before(async () => {
    const data = tempDir("checks-data");
    const truth = await generate({ outDir: data, scale: 0.5, nights: 5, seed: 11, web: { days: 3, users: 300, viewsPerDay: 3000, missingHours: 1, badRows: 2 } });
    for (const night of truth.nights) await ingestVendorNight({ warehouse: generated, dir: join(data, night.dir), date: night.date });
    await ingestInternal({ warehouse: generated, dir: join(data, "internal") });
    // the web feeds, in the order they arrive (a users extract restating the hours before it)
    await webUsers.ingestDataFolder!({ warehouse: generated, dataDir: data, waitMs: 0 });
  });

  test("pass on five generated nights", async () => {
    const results = await runChecks(generated);
    assert.ok(results.length >= 5);
    for (const r of results) {
      assert.equal(r.skipped, undefined, r.check);
      assert.equal(r.violations, 0, `${r.check}: ${JSON.stringify(r.sample)}`);
    }
  });

  test("pass on the real v1 → v2 sequence", { skip: !hasRealData && "no ../shared data" }, async () => {
    const warehouse = tempDir("checks-real");
    await ingestVendorNight({ warehouse, dir: realV1, date: "2022-01-14" });
    await ingestVendorNight({ warehouse, dir: realV2, date: "2022-02-26" });
    await ingestInternal({ warehouse, dir: realInternal });
    // the real data has no web feeds: only their checks are skipped, and said to be
    const results = await runChecks(warehouse);
    assert.ok(results.every((r) => r.violations === 0));
    assert.deepEqual(results.filter((r) => r.skipped).map((r) => [r.check, r.skipped]), [
      ["pageview_counts_not_matching_a_recount", "no web_pageviews table"],
      ["pageview_counts_not_matching_the_views", "no web_pageviews table"],
    ]);
  });

  test("fail, with exit 1 and the check's name, when a key gets a second current version", async () => {
    const broken = tempDir("checks-broken");
    copyWarehouse(generated, broken);
    const manifestPath = join(broken, "_manifest.json");
    const manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
    const current = manifest.tables.authors_history.find((f: string) => f.includes("/current-"));
    // a second copy of one open version, listed in the manifest like any other file
    await query(`COPY (SELECT * FROM read_parquet('${join(broken, current)}') LIMIT 1) TO '${join(broken, "authors_history/extra.parquet")}' (FORMAT parquet)`);
    manifest.tables.authors_history.push("authors_history/extra.parquet");
    writeFileSync(manifestPath, JSON.stringify(manifest));
    const r = strata(["check", "--warehouse", broken]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^strata: history_keys_without_exactly_one_current_version: 1 rows; history_versions_overlapping_or_gapped: \d+ rows\n$/);
  });
});
