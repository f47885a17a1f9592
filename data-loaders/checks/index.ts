/**
 * Data tests, dbt style: each .sql file in this folder states an invariant of the warehouse and
 * returns the rows that break it; none may return a row. `strata check` runs them all.
 */
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { sqlLiteral } from "../db.ts";
import { defaultBreaker } from "../load/history.ts";
import { ALLOWED_SHRINK, MIN_CHANGED_ROWS } from "../load/shrink.ts";
import { sources } from "../sources/index.ts";
import type { Source } from "../sources/source.ts";
import { openWarehouse, quoteIdentifier } from "../warehouse/open.ts";

export type CheckResult = { check: string; violations: number; sample: Record<string, unknown>[]; skipped?: string };

const folder = fileURLToPath(new URL(".", import.meta.url));

/**
 * Runs every check over the published warehouse; costs a few scans of each table. The history
 * checks read view `histories`: the versions of every table a source loads as a type-2 history.
 */
export async function runChecks(warehouse: string, registry: Source[] = sources): Promise<CheckResult[]> {
  const { db, manifest } = await openWarehouse(warehouse);
  try {
    const tables = registry.flatMap((s) => s.tables);
    const histories = tables.filter((t) => t.rule === "snapshot-history" && manifest.tables[t.name]?.length);
    const versions = histories.map((t) => `SELECT ${sqlLiteral(t.name)} AS table_name, business_key::VARCHAR AS business_key, valid_from, valid_to, is_current, is_deleted FROM ${quoteIdentifier(t.name)}`);
    await db.run(`CREATE VIEW histories AS ${versions.length > 0 ? versions.join(" UNION ALL ") : "SELECT NULL::VARCHAR AS table_name, NULL::VARCHAR AS business_key, NULL::DATE AS valid_from, NULL::DATE AS valid_to, NULL::BOOLEAN AS is_current, NULL::BOOLEAN AS is_deleted LIMIT 0"}`);
    // for replaced_tables_emptied_or_shrunk.sql: the breaker's setting, and the tables a delivery
    // replaces whole (a table appended to, such as the page views, shrinks by design)
    await db.setVariables({
      breaker_share: defaultBreaker().share, breaker_min_rows: MIN_CHANGED_ROWS, breaker_allowed: ALLOWED_SHRINK,
      replaced_tables: JSON.stringify(tables.filter((t) => t.rule === "full-replace").map((t) => t.name)),
    });
    const results: CheckResult[] = [];
    for (const file of readdirSync(folder).filter((f) => f.endsWith(".sql")).sort()) {
      const check = file.replace(/\.sql$/, "");
      const query = readFileSync(`${folder}/${file}`, "utf8").trim().replace(/;$/, "");
      try {
        const sample = await db.all(`SELECT * FROM (${query}) LIMIT 5`);
        const [{ n }] = sample.length === 0 ? [{ n: 0 }] : await db.all<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM (${query})`);
        results.push({ check, violations: n, sample });
      } catch (error) {
        // a table not loaded yet (e.g. no internal extract): said, not hidden
        const missing = /Table with name (\w+) does not exist/.exec((error as Error).message);
        if (!missing) throw error;
        results.push({ check, violations: 0, sample: [], skipped: `no ${missing[1]} table` });
      }
    }
    return results;
  } finally {
    db.close();
  }
}
