// Presence and validity are different facts: a record in tonight's dump that fails validation is
// not a deletion; a rule about a field nothing downstream needs is a warning, not a quarantine;
// and a night that would delete (or quarantine) more than a fifth of an entity's live records
// is refused whole, unless asked for on purpose. Hand-made nights, from one generated night.
import assert from "node:assert/strict";
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import { generate } from "../data-loaders/generate/index.ts";
import { ingestVendorNight } from "../data-loaders/sources/catalogue/ingest.ts";
import { copyWarehouse } from "../data-loaders/warehouse/versions.ts";
import { publishedState } from "./support/published.ts";
import { query, strata, tempDir } from "./support/warehouse.ts";

const NIGHT1 = "2022-03-01";
const NIGHT2 = "2022-03-02";
type Review = { content: { text: string }; rating: { rate: unknown; label: unknown }; books: { metadata: { title: unknown } }[] };

describe("present but invalid, warnings, and the mass-deletion breaker", () => {
  const data = tempDir("present-data");
  const base = tempDir("present-base");
  const night1 = join(data, "vendor", NIGHT1);
  let reviews: Review[];

  /** Night 2: night 1's files with `change` applied to reviews.json (and `authors` to authors.json). */
  function night2(change: (r: Review[]) => Review[], authors?: (a: unknown[]) => unknown[]): string {
    const dir = tempDir("present-night");
    cpSync(night1, dir, { recursive: true });
    writeFileSync(join(dir, "reviews.json"), JSON.stringify(change(structuredClone(reviews))));
    if (authors) writeFileSync(join(dir, "authors.json"), JSON.stringify(authors(JSON.parse(readFileSync(join(night1, "authors.json"), "utf8")))));
    return dir;
  }
  function ingest(dir: string, ...more: string[]) {
    const warehouse = tempDir("present-wh");
    copyWarehouse(base, warehouse);
    return { warehouse, run: strata(["ingest", "vendor", dir, "--date", NIGHT2, "--warehouse", warehouse, ...more]) };
  }
  const loads = (warehouse: string, entity: string) =>
    query<{ records_in: number; accepted: number; quarantined: number; warned: number; deleted: number; kept: number; unchanged: number }>(
      `SELECT records_in, accepted, quarantined, warned, deleted, kept, unchanged FROM read_parquet('${warehouse}/loads/*.parquet', union_by_name = true)
       WHERE entity = '${entity}' AND data_date = DATE '${NIGHT2}'`,
    ).then(([r]) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Number(v)])));

  before(async () => {
    await generate({ outDir: data, scale: 0.5, nights: 1, seed: 5, internal: false });
    await ingestVendorNight({ warehouse: base, dir: night1, date: NIGHT1 });
    reviews = JSON.parse(readFileSync(join(night1, "reviews.json"), "utf8"));
    assert.equal(reviews.length, 250);
  });

  test("a review accepted on night 1 that fails validation on night 2 keeps its open version: quarantined, kept, not deleted", async () => {
    const { warehouse, run } = ingest(night2((r) => ((r[3].rating.rate = "five"), r)));
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(await loads(warehouse, "reviews"), { records_in: 250, accepted: 249, quarantined: 1, warned: 0, deleted: 0, kept: 1, unchanged: 249 });
    const [{ tombstones, open }] = await query<{ tombstones: number; open: number }>(
      `SELECT count(*) FILTER (is_deleted)::INTEGER AS tombstones, count(*) FILTER (is_current AND NOT is_deleted)::INTEGER AS open
       FROM read_parquet('${warehouse}/reviews_history/*.parquet')`);
    assert.equal(tombstones, 0, "no tombstone opens for a record that is present");
    assert.equal(open, 250, "its open version stays as it was");
    const [q] = await query<{ reason: string; record_index: number }>(`SELECT reason, record_index FROM read_parquet('${warehouse}/quarantine/*.parquet') WHERE load_id = 'vendor/${NIGHT2}' AND entity = 'reviews'`);
    assert.deepEqual({ ...q, record_index: Number(q.record_index) }, { reason: "rating.rate: expected an integer", record_index: 3 });
  });

  test("a record whose key cannot be read is quarantined and its record reads as absent (deleted)", async () => {
    const { warehouse, run } = ingest(night2((r) => ((r[5].books[0].metadata.title = null), r)));
    assert.equal(run.code, 0, run.stderr);
    const counts = await loads(warehouse, "reviews");
    assert.equal(counts.quarantined, 1);
    assert.equal(counts.kept, 0);
    assert.equal(counts.deleted, 1, "nothing says which record it was: its version closes");
  });

  test("a rating label that disagrees with its rate, or is not a label at all, is a warning: the review is accepted and unchanged", async () => {
    const { warehouse, run } = ingest(night2((r) => ((r[7].rating.label = "SIX"), (r[8].rating.label = r[8].rating.rate === 1 ? "TWO" : "ONE"), r)));
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(await loads(warehouse, "reviews"), { records_in: 250, accepted: 250, quarantined: 0, warned: 2, deleted: 0, kept: 0, unchanged: 250 });
    const warnings = await query<{ warning: string; record_index: number; record: string }>(
      `SELECT warning, record_index, record FROM read_parquet('${warehouse}/warnings/*.parquet') WHERE load_id = 'vendor/${NIGHT2}' ORDER BY record_index`);
    assert.deepEqual(warnings.map((w) => [Number(w.record_index), w.warning.split(":")[0]]), [[7, "rating.label"], [8, "rating.label"]]);
    assert.match(warnings[0].warning, /not one of ONE\|TWO\|THREE\|FOUR\|FIVE/);
    assert.match(warnings[1].warning, /disagrees with rating\.rate/);
    assert.ok(warnings.every((w) => JSON.parse(w.record).rating), "the record as read is kept with its warning");
  });

  test("a night deleting more than 20% of an entity's live records is refused whole; --allow-mass-deletion accepts it", async () => {
    const cut = night2((r) => r.slice(0, 190)); // 60 of 250 gone: 24%
    const { warehouse, run } = ingest(cut);
    const untouched = publishedState(base);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /^strata: .*reviews\.json \(reviews, night 2022-03-02\): would mark 60 of 250 live records deleted \(24\.0%, more than 20%\); refused as a mass deletion, nothing changed \(pass --allow-mass-deletion to accept it\)\n$/);
    assert.deepEqual(publishedState(warehouse), untouched, "the warehouse and the landing zone are as they were");

    const allowed = ingest(cut, "--allow-mass-deletion");
    assert.equal(allowed.run.code, 0, allowed.run.stderr);
    assert.equal((await loads(allowed.warehouse, "reviews")).deleted, 60);
  });

  test("a night quarantining more than 20% of an entity's records is refused", () => {
    const { run } = ingest(night2((r) => r.map((x, i) => (i < 60 ? { ...x, rating: { ...x.rating, rate: "n/a" } } : x))));
    assert.equal(run.code, 1);
    assert.match(run.stderr, /60 of 250 records quarantined \(24\.0%, more than 20%\); refused/);
  });

  test("the share is configurable (STRATA_MASS_CHANGE_SHARE); entities under 100 live records are exempt", async () => {
    const cut = night2((r) => r.slice(0, 190));
    const warehouse = tempDir("present-share");
    copyWarehouse(base, warehouse);
    const run = strata(["ingest", "vendor", cut, "--date", NIGHT2, "--warehouse", warehouse], { STRATA_MASS_CHANGE_SHARE: "0.3" });
    assert.equal(run.code, 0, run.stderr);
    // 50 books: half of them may go
    const books = tempDir("present-books");
    cpSync(night1, books, { recursive: true });
    const all = JSON.parse(readFileSync(join(night1, "books.json"), "utf8")) as unknown[];
    assert.ok(all.length < 100);
    writeFileSync(join(books, "books.json"), JSON.stringify(all.slice(0, all.length / 2)));
    const { warehouse: w2, run: r2 } = ingest(books);
    assert.equal(r2.code, 0, r2.stderr);
    assert.equal((await loads(w2, "books")).deleted, all.length / 2);
  });
});
