/**
 * Runs SQL on a connection without busy-waiting. DuckDB's own `query` (what node-api's `run`
 * calls) keeps its calling thread in a loop asking the scheduler for tasks until the query is
 * done; while a query has fewer tasks than threads (reading a JSON array is one task per file),
 * that thread spins on a core. Profiled over a 1 GB vendor night it was 13% of all CPU time, taken
 * from the other merge lane. Here the database's own worker threads do all the work (the database
 * is opened with `external_threads = 0`, see db.ts) and this side only checks the query's state,
 * sleeping in between.
 */
import type { DuckDBConnection, DuckDBPendingResult, DuckDBPreparedStatement, DuckDBResult } from "@duckdb/node-api";
import bindings from "@duckdb/node-bindings";

/** Runs every statement of `sql` in order; returns the last one's result. */
export async function runStatements(conn: DuckDBConnection, sql: string): Promise<DuckDBResult> {
  let statements: Awaited<ReturnType<DuckDBConnection["extractStatements"]>>;
  try {
    statements = await conn.extractStatements(sql);
  } catch {
    // SQL that does not parse, or holds no statement (only comments): node-api's own `run` gives
    // DuckDB's parser error for the one and does nothing for the other, and executes nothing,
    // so it has nothing to wait for
    return conn.run(sql);
  }
  let result: DuckDBResult | undefined;
  for (let i = 0; i < statements.count; i++) {
    const prepared = await statements.prepare(i);
    try {
      result = await runPrepared(prepared);
    } finally {
      prepared.destroySync();
    }
  }
  return result!;
}

/** Runs a prepared (parsed and bound) statement the same way, on DuckDB's threads. */
export async function runPrepared(prepared: DuckDBPreparedStatement): Promise<DuckDBResult> {
  const pending = prepared.start();
  await settled(pending);
  return pending.getResult();
}

/**
 * Resolves once the query has finished; rejects with DuckDB's message if it failed (fetching the
 * result of a failed query would report only that the result is unusable).
 */
async function settled(pending: DuckDBPendingResult): Promise<void> {
  // node-api offers only runTask(), which runs a task on this (the JS) thread; the state check
  // that runs nothing is in the bindings, on the handle node-api keeps private
  const handle = (pending as unknown as { pending_result: bindings.PendingResult }).pending_result;
  let wait = 0;
  for (;;) {
    const state = bindings.pending_execute_check_state(handle);
    if (state === bindings.PendingState.RESULT_READY) return;
    if (state === bindings.PendingState.ERROR) {
      // the C API reports a finished execution as ERROR too, with no message
      const message = bindings.pending_error(handle);
      if (message) throw new Error(message);
      return;
    }
    await new Promise((resolve) => (wait === 0 ? setImmediate(resolve) : setTimeout(resolve, wait)));
    wait = Math.min(wait * 2 || 1, 8);
  }
}
