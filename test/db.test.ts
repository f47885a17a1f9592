// How Db runs SQL (data-loaders/run-statements.ts): statements in order, the last one's result,
// DuckDB's own error messages (stage.ts reads them), and interruption of a running query.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { Db } from "../data-loaders/db.ts";

describe("Db runs SQL on DuckDB's threads", () => {
  let db: Db;
  before(async () => {
    db = await Db.open();
  });
  after(() => db.close());

  test("runs every statement in order and returns the last one's rows", async () => {
    const rows = await db.all<{ n: number }>(`
      CREATE OR REPLACE TEMP TABLE t AS SELECT range AS i FROM range(10);
      INSERT INTO t VALUES (100);
      SELECT sum(i)::INTEGER AS n FROM t`);
    assert.deepEqual(rows, [{ n: 145 }]);
  });

  test("a failing statement rejects with DuckDB's message, and the statements after it do not run", async () => {
    await db.run("CREATE OR REPLACE TEMP TABLE marks (step INTEGER)");
    await assert.rejects(
      db.run(`INSERT INTO marks VALUES (1); SELECT CAST('x' AS INTEGER); INSERT INTO marks VALUES (3)`),
      // the message is DuckDB's own, first line first: stage.ts names a bad file from it
      (error: Error) => /^Conversion Error: Could not convert string 'x' to INT32/.test(error.message),
    );
    assert.deepEqual(await db.all("SELECT step FROM marks"), [{ step: 1 }]);
  });

  test("SQL holding only comments does nothing; SQL that does not parse rejects with DuckDB's parser error", async () => {
    await db.run("-- nothing to do here\n;");
    await assert.rejects(db.run("SELECT 1; SELEC 2"), (error: Error) => /^Parser Error: syntax error at or near "SELEC"/.test(error.message));
  });

  test("interrupt() stops a running query, which rejects", async () => {
    const started = performance.now();
    const running = db.all("SELECT count(*) FROM range(10000000000000) a WHERE a.range % 7 = 3");
    setTimeout(() => db.interrupt(), 200);
    await assert.rejects(running, /Interrupt/i);
    assert.ok(performance.now() - started < 10_000, "the query stopped soon after the interrupt");
    // the connection is usable again afterwards
    assert.deepEqual(await db.all("SELECT 42 AS answer"), [{ answer: 42 }]);
  });
});
