// Adding a source is one folder plus one line of registration (docs/architecture.md, "How to add a
// source"). The toy source in test/fixtures/toy-source/ is that folder: a daily users extract kept
// as a postcode history. Registered beside the real sources, it loads through the shared machinery
// (landing, validation and quarantine, the generic history merge, audit, publish), shows up in the
// published tables under its domain, and its mart answers `strata query`.
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import { runChecks } from "../data-loaders/checks/index.ts";
import type { DeliveryReport } from "../data-loaders/load/delivery.ts";
import { queryWarehouse } from "../data-loaders/query.ts";
import { publishedTables, sources } from "../data-loaders/sources/index.ts";
import { martsOf } from "../data-loaders/warehouse/marts.ts";
import { copyWarehouse } from "../data-loaders/warehouse/versions.ts";
import { toyUsers } from "./fixtures/toy-source/index.ts";
import { query, repoRoot, tempDir } from "./support/warehouse.ts";

const registry = [...sources, toyUsers]; // the one line of registration

/** A users.csv delivery: id → postcode, plus raw extra lines. */
function delivery(users: Map<number, string>, extra: string[] = []): string {
  const dir = tempDir("toy-night");
  const lines = ["id,postcode", ...[...users].map(([id, pc]) => `${id},${pc}`), ...extra];
  writeFileSync(join(dir, "users.csv"), `${lines.join("\n")}\n`);
  return dir;
}

describe("a new source is a folder plus one line", () => {
  const warehouse = tempDir("toy-wh");
  const night1 = new Map(Array.from({ length: 150 }, (_, i) => [i + 1, ["SW19", "E1", "N7"][i % 3]] as [number, string]));
  const reports: DeliveryReport[] = [];

  before(async () => {
    const night2 = new Map(night1);
    night2.set(1, "N7"); // moves (SW19 → N7)
    night2.delete(2); // leaves
    night2.delete(3); // present, but its postcode is unreadable: quarantined, kept as it was
    night2.set(151, "e1"); // joins (letter case is presentation)
    const night3 = new Map(night2);
    night3.set(2, "E1"); // comes back
    const dirs = [delivery(night1), delivery(night2, ["3,??"]), delivery(night3, ["3,??"])];
    for (const [i, dir] of dirs.entries()) {
      reports.push((await toyUsers.ingest({ warehouse, location: dir, date: `2024-05-0${i + 1}` })) as DeliveryReport);
    }
    reports.push((await toyUsers.ingest({ warehouse, location: dirs[2], date: "2024-05-03" })) as DeliveryReport);
  });

  test("the folder holds the contract, the SQL and the declaration, nothing else", () => {
    const folder = join(repoRoot, "test", "fixtures", "toy-source");
    assert.deepEqual(readdirSync(folder, { recursive: true }).sort(), ["contract.ts", "index.ts", "sql", "sql/normalize_users.sql"]);
  });

  test("the shared history merge: moves, leavers, returns, a present-but-invalid user kept, a delivery again a no-op", () => {
    const counts = reports.map((r) => r.tables[0] && (({ inserted, updated, deleted, reappeared, unchanged, kept, quarantined }) => ({ inserted, updated, deleted, reappeared, unchanged, kept, quarantined }))(r.tables[0]));
    assert.deepEqual(counts.slice(0, 3), [
      { inserted: 150, updated: 0, deleted: 0, reappeared: 0, unchanged: 0, kept: 0, quarantined: 0 },
      { inserted: 1, updated: 1, deleted: 1, reappeared: 0, unchanged: 147, kept: 1, quarantined: 1 },
      { inserted: 0, updated: 0, deleted: 0, reappeared: 1, unchanged: 149, kept: 1, quarantined: 1 },
    ]);
    assert.equal(reports[3].status, "already-loaded");
  });

  test("landed, audited and published like every source", async () => {
    assert.ok(existsSync(join(warehouse, "landing", "toy-users", "2024-05-02", "users.csv")));
    assert.ok(existsSync(join(warehouse, "landing", "toy-users", "2024-05-02", "manifest.json")));
    const [q] = await query<{ reason: string; source_file: string }>(`SELECT reason, source_file FROM read_parquet('${warehouse}/quarantine/*.parquet') WHERE load_id = 'toy-users/2024-05-02'`);
    // the shared CSV reading gives the record's line (149 users after the header, then "3,??")
    assert.deepEqual(q, { reason: "line 151: postcode: does not match ^[A-Za-z]{1,2}\\d[A-Za-z\\d]?$", source_file: "landing/toy-users/2024-05-02/users.csv" });
    const versions = await query<{ postcode: string; valid_from: string; valid_to: string | null }>(
      `SELECT postcode, valid_from::VARCHAR AS valid_from, valid_to::VARCHAR AS valid_to FROM read_parquet('${warehouse}/toy_users_history/*.parquet') WHERE business_key = '1' ORDER BY valid_from`);
    assert.deepEqual(versions, [{ postcode: "SW19", valid_from: "2024-05-01", valid_to: "2024-05-02" }, { postcode: "N7", valid_from: "2024-05-02", valid_to: null }]);
  });

  test("the data tests check its history like every other", async () => {
    const history = (await runChecks(warehouse, registry)).filter((r) => r.check.startsWith("history_"));
    assert.equal(history.length, 3);
    assert.ok(history.every((r) => r.violations === 0 && !r.skipped), JSON.stringify(history));
    // a second open version of one user, listed like any other file, is caught and named
    const broken = tempDir("toy-broken");
    copyWarehouse(warehouse, broken);
    const manifest = JSON.parse(readFileSync(join(broken, "_manifest.json"), "utf8"));
    const current = manifest.tables.toy_users_history.find((f: string) => f.includes("/current-"));
    await query(`COPY (SELECT * FROM read_parquet('${join(broken, current)}') WHERE business_key = '1') TO '${join(broken, "toy_users_history", "extra.parquet")}' (FORMAT parquet)`);
    manifest.tables.toy_users_history.push("toy_users_history/extra.parquet");
    writeFileSync(join(broken, "_manifest.json"), JSON.stringify(manifest));
    const failed = (await runChecks(broken, registry)).find((r) => r.check === "history_keys_without_exactly_one_current_version")!;
    assert.deepEqual(failed.sample.map((r) => [r.table_name, r.business_key]), [["toy_users_history", "1"]]);
  });

  test("its CSV is read by column name and refused whole when it cannot be read, like every CSV source", async () => {
    const fresh = tempDir("toy-wh-byname");
    const dir = tempDir("toy-byname");
    writeFileSync(join(dir, "users.csv"), `postcode,id\n${[...night1].map(([id, pc]) => `${pc},${id}`).join("\n")}\n`);
    await toyUsers.ingest({ warehouse: fresh, location: dir, date: "2024-05-01" });
    const rows = await query<{ business_key: string; postcode: string }>(`SELECT business_key, postcode FROM read_parquet('${fresh}/toy_users_history/*.parquet') WHERE business_key IN ('1', '2') ORDER BY 1`);
    assert.deepEqual(rows, [{ business_key: "1", postcode: "SW19" }, { business_key: "2", postcode: "E1" }]);
    writeFileSync(join(dir, "users.csv"), 'id,postcode\n1,"SW19\n2,E1\n');
    await assert.rejects(toyUsers.ingest({ warehouse: fresh, location: dir, date: "2024-05-02" }), /users\.csv: line 2: a quoted field opened here is never closed/);
    writeFileSync(join(dir, "users.csv"), "id,postcode\n");
    await assert.rejects(toyUsers.ingest({ warehouse: fresh, location: dir, date: "2024-05-02" }), /users\.csv: line 1: no records; an empty snapshot would read as "everything deleted"/);
  });

  test("its table is published under its domain, and its mart answers strata query", async () => {
    const table = publishedTables(registry).find((t) => t.name === "toy_users_history");
    assert.deepEqual(table && { domain: table.domain, source: table.source }, { domain: "web", source: "toy-users" });
    const result = await queryWarehouse(warehouse, "SELECT postcode, users FROM toy_users_by_postcode ORDER BY postcode", { views: martsOf(registry) });
    const got = Object.fromEntries(result.rows.map(([pc, n]) => [pc, Number(n)]));
    assert.deepEqual(got, { E1: 51, N7: 51, SW19: 49 });
  });
});
