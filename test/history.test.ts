// The type-2 history rules, on generated nights (checked against the generator's truth file)
// and on the real v1 → v2 sequence.
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import { createHash } from "node:crypto";
import { generate, type GenerationTruth } from "../data-loaders/generate/index.ts";
import { ingestVendorNight, mergedNights, planLanes } from "../data-loaders/sources/catalogue/ingest.ts";
import { readManifest } from "../data-loaders/warehouse/manifest.ts";
import { checksums, hasRealData, query, realV1, realV2, tableGlob, tempDir } from "./support/warehouse.ts";

const entities = ["authors", "books", "reviews"] as const;
const md5 = (s: string) => createHash("md5").update(s).digest("hex");
/** The warehouse's business key for a truth-file key (reviews are keyed by the md5 of theirs). */
const warehouseKey = (entity: string, key: string) => (entity === "reviews" ? md5(key) : key);

describe("history on generated nights", () => {
  const data = tempDir("gen");
  const warehouse = tempDir("wh");
  let truth: GenerationTruth;
  const snapshots: Record<string, string>[] = [];

  before(async () => {
    truth = await generate({ outDir: data, scale: 0.5, nights: 6, seed: 7 });
    for (const night of truth.nights) {
      await ingestVendorNight({ warehouse, dir: join(data, night.dir), date: night.date });
      snapshots.push(checksums(warehouse));
    }
  });

  test("every night's inserts, updates, deletions and reappearances match the generator's truth", async () => {
    for (const [i, night] of truth.nights.entries()) {
      for (const entity of entities) {
        const expected = night[entity];
        const [counts] = await query<Record<string, number>>(`
          SELECT sum(inserted)::INT AS inserted, sum(updated)::INT AS updated, sum(deleted)::INT AS deleted, sum(reappeared)::INT AS reappeared
          FROM ${tableGlob(warehouse, "loads")} WHERE data_date = DATE '${night.date}' AND entity = '${entity}'`);
        assert.equal(counts.inserted, expected.added, `night ${i} ${entity} inserted`);
        assert.equal(counts.updated, expected.updated, `night ${i} ${entity} updated`);
        assert.equal(counts.deleted, expected.deleted, `night ${i} ${entity} deleted`);
        assert.equal(counts.reappeared, expected.reappeared, `night ${i} ${entity} reappeared`);
      }
    }
  });

  test("an updated record closes its old version and opens a new one; an unchanged one adds nothing", async () => {
    const night = truth.nights.find((n, i) => i > 0 && (n.authors.keys?.updated?.length ?? 0) > 0)!;
    assert.ok(night, "the generator produced an author update");
    const key = night.authors.keys!.updated![0];
    const versions = await query<{ valid_from: string; valid_to: string | null; is_current: boolean; record_hash: string }>(
      `SELECT valid_from, valid_to, is_current, record_hash FROM ${tableGlob(warehouse, "authors_history")}
       WHERE business_key = '${key.replaceAll("'", "''")}' ORDER BY valid_from`);
    const closing = versions.findIndex((v) => v.valid_to === night.date);
    assert.ok(closing >= 0, "a version closes on the night of the update");
    assert.equal(versions[closing].is_current, false);
    const opened = versions.find((v) => v.valid_from === night.date)!;
    assert.ok(opened, "a version opens the same night");
    assert.notEqual(opened.record_hash, versions[closing].record_hash);
    // unchanged records: no version opened on a later night for keys the truth never changed
    const changedKeys = new Set(truth.nights.flatMap((n) => Object.values(n.authors.keys ?? {}).flat()));
    const [{ extra }] = await query<{ extra: number }>(`
      SELECT count(*)::INT AS extra FROM ${tableGlob(warehouse, "authors_history")}
      WHERE valid_from > DATE '${truth.nights[0].date}' AND business_key NOT IN (${[...changedKeys].map((k) => `'${k.replaceAll("'", "''")}'`).join(",") || "''"})`);
    assert.equal(extra, 0);
  });

  test("a deleted record keeps its last version and a tombstone; a reappearing one opens a new version", async () => {
    const reappearing = truth.nights.flatMap((n) => (n.reviews.keys?.reappeared ?? []).map((k) => ({ k, date: n.date })))[0];
    assert.ok(reappearing, "the generator produced a reappearance");
    const rows = await query<{ valid_from: string; valid_to: string | null; is_deleted: boolean; is_current: boolean }>(
      `SELECT valid_from, valid_to, is_deleted, is_current FROM ${tableGlob(warehouse, "reviews_history")}
       WHERE business_key = '${warehouseKey("reviews", reappearing.k)}' ORDER BY valid_from`);
    const tombstone = rows.find((r) => r.is_deleted);
    assert.ok(tombstone, "the deletion is recorded");
    assert.equal(tombstone.valid_to, reappearing.date, "the tombstone closes when the record reappears");
    const last = rows.at(-1)!;
    assert.equal(last.valid_from, reappearing.date);
    assert.equal(last.is_current, true);
    assert.equal(last.is_deleted, false);
    assert.ok(rows.length >= 3, "versions before deletion, the tombstone and the new version are all kept");
  });

  test("exactly one current version per business key ever seen; none lost", async () => {
    for (const entity of entities) {
      const [r] = await query<{ keys: number; current: number; dup: number }>(`
        SELECT count(DISTINCT business_key)::INT AS keys, count(*) FILTER (WHERE is_current)::INT AS current,
               (SELECT count(*)::INT FROM (SELECT business_key FROM ${tableGlob(warehouse, `${entity}_history`)} WHERE is_current GROUP BY 1 HAVING count(*) > 1)) AS dup
        FROM ${tableGlob(warehouse, `${entity}_history`)}`);
      assert.equal(r.dup, 0, `${entity}: no key has two current versions`);
      assert.equal(r.current, r.keys, `${entity}: every key has a current version`);
    }
    const last = truth.nights.at(-1)!;
    const [{ live }] = await query<{ live: number }>(`SELECT count(*)::INT AS live FROM ${tableGlob(warehouse, "reviews_history")} WHERE is_current AND NOT is_deleted`);
    const [{ inDump }] = await query<{ inDump: number }>(`SELECT count(*)::INT AS inDump FROM read_json('${join(data, last.dir, "reviews.json")}')`);
    assert.equal(live, inDump, "the live reviews are exactly the last dump's");
  });

  test("closed versions are never rewritten: each night only adds files and replaces the current one", () => {
    for (let i = 1; i < snapshots.length; i++) {
      const before = snapshots[i - 1];
      const after = snapshots[i];
      for (const [path, hash] of Object.entries(before)) {
        if (path.includes("/current-") || path === "_manifest.json") continue;
        assert.equal(after[path], hash, `night ${i}: ${path} unchanged`);
      }
    }
  });

  test("the catalogue as of any date is one query", async () => {
    const mid = truth.nights[2];
    const [{ n }] = await query<{ n: number }>(`
      SELECT count(*)::INT AS n FROM ${tableGlob(warehouse, "books_history")}
      WHERE valid_from <= DATE '${mid.date}' AND (valid_to IS NULL OR valid_to > DATE '${mid.date}') AND NOT is_deleted`);
    const [{ inDump }] = await query<{ inDump: number }>(`SELECT count(DISTINCT lower(trim(name)))::INT AS inDump FROM read_json('${join(data, mid.dir, "books.json")}')`);
    assert.equal(n, inDump);
  });

  test("ingesting the same night again changes nothing", async () => {
    const before = checksums(warehouse);
    const last = truth.nights.at(-1)!;
    const report = await ingestVendorNight({ warehouse, dir: join(data, last.dir), date: last.date });
    assert.equal(report.status, "already-merged");
    assert.deepEqual(checksums(warehouse), before);
  });

  test("a dump older than the newest merged night is refused and changes nothing", async () => {
    const before = checksums(warehouse);
    await assert.rejects(
      ingestVendorNight({ warehouse, dir: join(data, truth.nights[0].dir), date: "2022-02-01" }),
      /older than the newest merged night/,
    );
    assert.deepEqual(checksums(warehouse), before);
  });
});

describe("history on the real v1 → v2 sequence", { skip: !hasRealData && "no ../shared data" }, () => {
  const warehouse = tempDir("real");
  before(async () => {
    await ingestVendorNight({ warehouse, dir: realV1, date: "2022-01-14" });
    await ingestVendorNight({ warehouse, dir: realV2, date: "2022-02-26" });
  });

  test("one current version per real entity, no entity lost, nothing duplicated", async () => {
    const v1 = { authors: "name", books: "name", reviews: "resume" } as const;
    for (const entity of entities) {
      const [{ n }] = await query<{ n: number }>(`SELECT count(*)::INT AS n FROM read_json('${realV1}/${entity}.json')`);
      const [r] = await query<{ current: number; keys: number }>(`
        SELECT count(*) FILTER (WHERE is_current AND NOT is_deleted)::INT AS current, count(DISTINCT business_key)::INT AS keys
        FROM ${tableGlob(warehouse, `${entity}_history`)}`);
      assert.equal(r.current, n, `${entity}: as many current versions as v1 has ${v1[entity]}s`);
      assert.equal(r.keys, n, `${entity}: no second identity for a v2 record`);
    }
  });

  test("letter case and format are not facts: authors and books open no new version in v2", async () => {
    for (const entity of ["authors", "books"]) {
      const [{ n }] = await query<{ n: number }>(`SELECT count(*)::INT AS n FROM ${tableGlob(warehouse, `${entity}_history`)} WHERE valid_from = DATE '2022-02-26'`);
      assert.equal(n, 0, entity);
    }
  });

  test("the all-null author of v2 is quarantined with its reason and counted", async () => {
    const rows = await query<{ entity: string; reason: string; record_index: number }>(`SELECT entity, reason, record_index FROM ${tableGlob(warehouse, "quarantine")}`);
    assert.deepEqual(rows.map((r) => [r.entity, r.reason]), [["authors", "metadata.name: required"]]);
    const [load] = await query<{ records_in: number; accepted: number; quarantined: number }>(
      `SELECT records_in::INT AS records_in, accepted::INT AS accepted, quarantined::INT AS quarantined FROM ${tableGlob(warehouse, "loads")} WHERE entity = 'authors' AND data_date = DATE '2022-02-26'`);
    assert.deepEqual(load, { records_in: 201, accepted: 200, quarantined: 1 });
  });

  test("the landing zone keeps both nights byte for byte, with a manifest", () => {
    for (const [date, dir] of [["2022-01-14", realV1], ["2022-02-26", realV2]]) {
      const landed = join(warehouse, "landing", "vendor", date);
      assert.deepEqual(readdirSync(landed).sort(), ["authors.json", "books.json", "manifest.json", "reviews.json"]);
      const manifest = JSON.parse(readFileSync(join(landed, "manifest.json"), "utf8"));
      for (const f of manifest.files) {
        assert.equal(f.sha256, createHash("sha256").update(readFileSync(join(dir, f.name))).digest("hex"));
        assert.ok(f.records > 0 && ["v1", "v2"].includes(f.format));
      }
    }
    assert.deepEqual(mergedNights(readManifest(warehouse)).map((n) => n.key), ["2022-01-14", "2022-02-26"]);
  });
});

test("merge lanes: the largest file alone, the others beside it, each lane in file order", () => {
  // authors, books, reviews as a 1 GB night has them
  assert.deepEqual(planLanes([216e6, 55e6, 822e6], 2), [[2], [0, 1]]);
  assert.deepEqual(planLanes([216e6, 55e6, 822e6], 1), [[0, 1, 2]]);
  assert.deepEqual(planLanes([216e6, 55e6, 822e6], 8), [[2], [0], [1]]);
  assert.deepEqual(planLanes([5, 5, 5], 2), [[0, 2], [1]]);
});
