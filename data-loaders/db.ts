/**
 * A thin wrapper over @duckdb/node-api: one in-memory DuckDB per run, with our SQL macros loaded.
 * SQL lives in .sql files; values reach it through `SET VARIABLE` (getvariable() in the SQL),
 * never through string concatenation.
 */
import { DuckDBInstance, DuckDBResultReader, type DuckDBConnection, type StatementType } from "@duckdb/node-api";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { runPrepared, runStatements } from "./run-statements.ts";

export type Row = Record<string, unknown>;

/** `tempDir`: where DuckDB spills when the memory limit is hit ("" for nowhere: no spilling). */
export type DbOptions = { memoryLimit?: string; tempDir?: string; threads?: number };

/** What a database's connections share: which are open, and whether the work on them was cancelled. */
type Session = { connections: Set<DuckDBConnection>; cancelled: boolean };

export class Db {
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly conn: DuckDBConnection,
    /** whether close() closes the database too (false for a connection made by connect()) */
    private readonly ownsInstance = true,
    private readonly session: Session = { connections: new Set(), cancelled: false },
  ) {
    session.connections.add(conn);
  }

  /** Opens an in-memory database; `tempDir` is where DuckDB spills when the memory limit is hit. */
  static async open(opts: DbOptions = {}): Promise<Db> {
    // every thread is DuckDB's own: queries are run without lending the calling thread (run-statements.ts)
    const config: Record<string, string> = { memory_limit: opts.memoryLimit ?? "3GB", external_threads: "0" };
    if (opts.tempDir !== undefined) config.temp_directory = opts.tempDir;
    if (opts.threads) config.threads = String(opts.threads);
    const instance = await DuckDBInstance.create(":memory:", config);
    const db = new Db(instance, await instance.connect());
    await db.runFile(sqlPath("macros.sql"));
    return db;
  }

  /**
   * Another connection to the same database, for running work concurrently: it sees the
   * database's tables and macros, but has its own temp tables and variables.
   */
  async connect(): Promise<Db> {
    return new Db(this.instance, await this.instance.connect(), false, this.session);
  }

  /** Stops the query running on this connection, which then fails with an interrupt error. */
  interrupt(): void {
    this.conn.interrupt();
  }

  /**
   * Stops all work on this database: the query running on each of its connections fails with an
   * interrupt error, and so does every later one (work between two queries stops at the next).
   */
  cancel(): void {
    this.session.cancelled = true;
    for (const conn of this.session.connections) conn.interrupt();
  }

  private checkCancelled(): void {
    if (this.session.cancelled) throw new Error("INTERRUPT Error: the work on this database was cancelled");
  }

  async run(sql: string): Promise<void> {
    this.checkCancelled();
    await runStatements(this.conn, sql);
  }

  /** Runs a query and returns its whole result, read into memory. */
  async read(sql: string): Promise<DuckDBResultReader> {
    this.checkCancelled();
    const reader = new DuckDBResultReader(await runStatements(this.conn, sql));
    await reader.readAll();
    return reader;
  }

  /** Runs a query and returns its rows as plain JS values (BIGINT as number, dates as strings). */
  async all<T = Row>(sql: string): Promise<T[]> {
    return (await this.read(sql)).getRowObjectsJson() as T[];
  }

  /**
   * Runs `sql` only if it is one statement that `vet` accepts, and returns its whole result. The
   * statement is parsed and bound (which gives its type) before anything runs; `vet` throws to
   * refuse it. SQL holding no statement or several is refused before anything is bound.
   */
  async readOne(sql: string, vet: (type: StatementType) => void): Promise<DuckDBResultReader> {
    this.checkCancelled();
    let statements: Awaited<ReturnType<DuckDBConnection["extractStatements"]>>;
    try {
      statements = await this.conn.extractStatements(sql);
    } catch (error) {
      // node-api wraps DuckDB's parser error; SQL with no statement (empty, only comments) has none
      const message = (error as Error).message;
      const prefix = "Failed to extract statements: ";
      throw new Error(message.startsWith(prefix) ? message.slice(prefix.length) : "no SQL statement to run");
    }
    if (statements.count !== 1) throw new Error(`one statement at a time (got ${statements.count})`);
    const prepared = await statements.prepare(0);
    try {
      vet(prepared.statementType);
      const reader = new DuckDBResultReader(await runPrepared(prepared));
      await reader.readAll();
      return reader;
    } finally {
      prepared.destroySync();
    }
  }

  /** Runs every statement of a .sql file. */
  async runFile(path: string): Promise<void> {
    this.checkCancelled();
    await runStatements(this.conn, readFileSync(path, "utf8"));
  }

  async setVariables(vars: Record<string, string | number | boolean | null>): Promise<void> {
    for (const [name, value] of Object.entries(vars)) {
      await this.run(`SET VARIABLE ${name} = ${sqlLiteral(value)}`);
    }
  }

  close(): void {
    this.session.connections.delete(this.conn);
    this.conn.closeSync();
    if (this.ownsInstance) this.instance.closeSync();
  }
}

/** A SQL literal for a JS value; the one place values are written into SQL text. */
export function sqlLiteral(value: string | number | boolean | null | string[]): string {
  if (value === null) return "NULL";
  if (Array.isArray(value)) return `[${value.map(sqlLiteral).join(", ")}]`;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return `'${value.replaceAll("'", "''")}'`;
}

/** Absolute path of a file in data-loaders/sql (or a subfolder given as a relative path). */
export function sqlPath(relative: string): string {
  return fileURLToPath(new URL(`./sql/${relative}`, import.meta.url));
}
