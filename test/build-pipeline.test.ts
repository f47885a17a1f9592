// The build's ETL: the demo data by default, real data by one variable, and a warehouse never
// mixes two sources (a demo warehouse is rebuilt; a real one is refused to another source).
import assert from "node:assert/strict";
import { test } from "node:test";
import { ensureWarehouse } from "../data-loaders/pipeline.ts";
import { vendorNights } from "../data-loaders/sources/catalogue/index.ts";
import { mergedNights } from "../data-loaders/sources/catalogue/ingest.ts";
import { readManifest } from "../data-loaders/warehouse/manifest.ts";
import { hasRealData, realData, tempDir } from "./support/warehouse.ts";

async function withData<T>(data: string | undefined, run: () => Promise<T>): Promise<T> {
  const before = process.env.STRATA_DATA;
  if (data === undefined) delete process.env.STRATA_DATA;
  else process.env.STRATA_DATA = data;
  try {
    return await run();
  } finally {
    if (before === undefined) delete process.env.STRATA_DATA;
    else process.env.STRATA_DATA = before;
  }
}

test("the real data's vendor nights are found as dated folders, oldest first", { skip: !hasRealData && "no ../shared data" }, () => {
  assert.deepEqual(vendorNights(realData).map((n) => n.date), ["2022-01-14", "2022-02-26"]);
});

test("demo by default, real data by STRATA_DATA, never both in one warehouse", { skip: !hasRealData && "no ../shared data" }, async () => {
  const warehouse = tempDir("build-etl");
  const quiet = () => {};
  await withData(undefined, () => ensureWarehouse({ warehouse, log: quiet }));
  assert.equal(mergedNights(readManifest(warehouse)).length, 7, "the demo data set has 7 nights");

  // the demo warehouse is generated data: switching to the real data rebuilds it
  await withData(realData, () => ensureWarehouse({ warehouse, log: quiet }));
  assert.deepEqual(mergedNights(readManifest(warehouse)).map((n) => n.key), ["2022-01-14", "2022-02-26"]);

  // a warehouse of real data is not fed the demo data
  await assert.rejects(withData(undefined, () => ensureWarehouse({ warehouse, log: quiet })), /built from .*strider, not demo:/);
  assert.deepEqual(mergedNights(readManifest(warehouse)).map((n) => n.key), ["2022-01-14", "2022-02-26"]);

  // STRATA_DATA=none publishes what is there
  assert.equal(await withData("none", () => ensureWarehouse({ warehouse, log: quiet })), warehouse);
});
