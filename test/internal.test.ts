// The internal extracts: typed tables that keep every value as the CSV meant it; bad rows quarantined.
import assert from "node:assert/strict";
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import { ingestInternal } from "../data-loaders/sources/app-extracts/ingest.ts";
import { checksums, hasRealData, query, realInternal, tableGlob, tempDir } from "./support/warehouse.ts";

describe("internal extracts from the real data", { skip: !hasRealData && "no ../shared data" }, () => {
  const warehouse = tempDir("int");
  before(async () => {
    await ingestInternal({ warehouse, dir: realInternal });
  });

  test("every row arrives, typed", async () => {
    const types = await query<{ column_name: string; column_type: string }>(`DESCRIBE SELECT * FROM ${tableGlob(warehouse, "streams")}`);
    const type = Object.fromEntries(types.map((t) => [t.column_name, t.column_type]));
    assert.equal(type.size_mb, "DOUBLE");
    assert.equal(type.start_utc, "TIMESTAMP");
    assert.equal(type.start_local, "TIMESTAMP");
    assert.equal(type.start_offset_minutes, "INTEGER");
    for (const [table, file] of [["streams", "streams.csv"], ["users", "users.csv"], ["movies", "movies.csv"]]) {
      const lines = readFileSync(join(realInternal, file), "utf8").trim().split("\n").length - 1;
      const [{ n }] = await query<{ n: number }>(`SELECT count(*)::INT AS n FROM ${tableGlob(warehouse, table)}`);
      assert.equal(n, lines, table);
    }
  });

  test("timestamps keep their instant and the offset they were recorded in", async () => {
    const csvFirst = readFileSync(join(realInternal, "streams.csv"), "utf8").split("\n")[1].split(",");
    const startAt = csvFirst.at(-2)!; // e.g. 2021-12-06T19:30:19.099+0100
    const [row] = await query<{ start_utc: string; start_local: string; start_offset_minutes: number }>(
      `SELECT start_utc::VARCHAR AS start_utc, start_local::VARCHAR AS start_local, start_offset_minutes FROM ${tableGlob(warehouse, "streams")} WHERE stream_id = 0`);
    const instant = new Date(startAt.replace(/([+-]\d{2})(\d{2})$/, "$1:$2"));
    assert.equal(row.start_utc.replace(" ", "T") + "Z", instant.toISOString());
    assert.equal(row.start_local.replace(" ", "T"), startAt.slice(0, 23));
    assert.equal(row.start_offset_minutes, 60);
  });

  test("quoted commas and non-ASCII titles survive", async () => {
    const titles = (await query<{ title: string }>(`SELECT title FROM ${tableGlob(warehouse, "movies")}`)).map((r) => r.title);
    assert.ok(titles.includes("WALL·E"));
    assert.ok(titles.some((t) => t.includes("–")), "en dash");
    assert.ok(titles.some((t) => t.includes(",")), "a title with a comma");
    const [{ orphans }] = await query<{ orphans: number }>(`
      SELECT count(*)::INT AS orphans FROM ${tableGlob(warehouse, "streams")} s
      WHERE s.movie_key NOT IN (SELECT title_key FROM ${tableGlob(warehouse, "movies")})`);
    assert.equal(orphans, 0, "every streamed title matches a catalogue title");
  });

  test("loading the same extract again is a no-op", async () => {
    const before = checksums(warehouse);
    const report = await ingestInternal({ warehouse, dir: realInternal });
    assert.equal(report.status, "already-loaded");
    assert.deepEqual(checksums(warehouse), before);
  });
});

describe("bad internal rows", { skip: !hasRealData && "no ../shared data" }, () => {
  test("are quarantined with their reason and counted; the rest load", async () => {
    const dir = tempDir("int-bad");
    const warehouse = tempDir("int-bad-wh");
    copyFileSync(join(realInternal, "users.csv"), join(dir, "users.csv"));
    copyFileSync(join(realInternal, "movies.csv"), join(dir, "movies.csv"));
    const lines = readFileSync(join(realInternal, "streams.csv"), "utf8").trim().split("\n");
    const good = lines.length - 1;
    lines.push(
      "Jaws,someone@example.com,big,2021-12-06T19:30:19.099+0100,2021-12-06T20:30:19.099+0100",
      "Jaws,someone@example.com,12.5,2021-12-06 19:30,2021-12-06T20:30:19.099+0100",
      "Jaws,someone@example.com,12.5,2021-12-06T21:30:19.099+0100,2021-12-06T20:30:19.099+0100",
      "Jaws,someone@example.com,12.5,2021-12-06T19:30:19.099+0100,2021-12-06T20:30:19.099+0100,extra",
    );
    writeFileSync(join(dir, "streams.csv"), lines.join("\n") + "\n");
    const report = await ingestInternal({ warehouse, dir });
    const streams = report.tables.find((t) => t.table === "streams")!;
    assert.equal(streams.recordsIn, good + 4);
    assert.equal(streams.accepted, good);
    assert.equal(streams.quarantined, 4);
    // each with its line (the header is line 1) and its position among the file's records
    const rows = await query<{ record_index: number; reason: string }>(
      `SELECT record_index::INT AS record_index, reason FROM ${tableGlob(warehouse, "quarantine")} WHERE entity = 'streams' ORDER BY record_index`);
    assert.deepEqual(rows.map((r) => r.record_index), [good, good + 1, good + 2, good + 3]);
    assert.match(rows[0].reason, new RegExp(`^line ${good + 2}: size_mb: expected a number`));
    assert.match(rows[1].reason, new RegExp(`^line ${good + 3}: start_at: does not match`));
    assert.equal(rows[2].reason, `line ${good + 4}: end_at: before start_at`);
    assert.equal(rows[3].reason, `line ${good + 5}: 6 fields, the header has 5`);
  });
});
