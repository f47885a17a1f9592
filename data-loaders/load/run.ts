/**
 * A load run: what every source's ingest shares. It takes the warehouse lock, recovers what an
 * interrupted run left, opens DuckDB, gathers the run's quarantine and warnings, and publishes
 * the version it built in one atomic step (warehouse/versions.ts). A run that throws, ends
 * without publishing, or is interrupted (SIGINT, SIGTERM) before it publishes, leaves the
 * warehouse exactly as it was.
 */
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { Db } from "../db.ts";
import { asRun, interruption, notePublished, onInterrupt, throwIfInterrupted } from "../interrupt.ts";
import { acquireLock } from "../warehouse/lock.ts";
import { type Delivery, type Manifest, newTableFile, readSnapshot, type Snapshot, type VersionContent } from "../warehouse/manifest.ts";
import { scratchDir } from "../warehouse/paths.ts";
import { publishVersion, recover, startVersion } from "../warehouse/versions.ts";
import { writeParquet } from "../warehouse/write.ts";
import { type LoadRow, startRunAudit, writeAudit } from "./audit.ts";

export class LoadRun {
  /** the next version's content, filled in by the load: tables' files, deliveries */
  readonly next: VersionContent;
  /** fsyncs running in the background; all are awaited before the publish */
  readonly syncing: Promise<void>[] = [];

  constructor(
    readonly warehouse: string,
    readonly db: Db,
    /** the published version this run builds on */
    readonly base: Snapshot,
    /** the hidden folder the next version's new files are written to */
    readonly incoming: string,
  ) {
    const { tables, sources } = structuredClone(base.manifest);
    this.next = { tables, sources };
  }

  /** A new file of `table`, as a path relative to the version folder. */
  newFile(table: string, label: string): string {
    return newTableFile(this.base.manifest, table, label);
  }

  /** Writes `select` as the new file `file` (newFile) of the next version; fsynced in the background. */
  async write(db: Db, file: string, select: string, compression: "zstd" | "uncompressed" = "zstd"): Promise<void> {
    await writeParquet(db, this.incoming, file, select, compression, this.syncing);
  }

  /** Where file `file` of the next version is now: written by this run (in `incoming`), or the base version's. */
  nextPath(file: string): string {
    const mine = join(this.incoming, file);
    return existsSync(mine) ? mine : join(this.base.dir, file);
  }

  /** A path for a file this run needs only while it runs (in the warehouse's scratch folder, emptied after every run). */
  scratchPath(name: string): string {
    return join(scratchDir(this.warehouse), name);
  }

  /** The base version's files of `table`, relative to `base.dir`. */
  baseFiles(table: string): string[] {
    return this.base.manifest.tables[table] ?? [];
  }


  /**
   * Records the load (quarantine, warnings, load rows) and the delivery, then publishes the
   * next version. Cost: three small files, one hard link per unchanged file, a few fsyncs.
   */
  async publish(load: { source: string; loadId: string; dataDate: string | null; label: string; rows: LoadRow[]; delivery: Delivery }): Promise<Manifest> {
    await writeAudit(this.db, this.incoming, this.base.manifest, this.next, load);
    const sources = this.next.sources;
    // a delivery of a key loaded before (a re-delivered hour) replaces that one's entry
    const others = (sources[load.source]?.deliveries ?? []).filter((d) => d.key !== load.delivery.key);
    sources[load.source] = { deliveries: [...others, load.delivery] };
    await Promise.all(this.syncing);
    return this.commit(this.next);
  }

  /**
   * Publishes `content` as the next version (warehouse/versions.ts publishVersion): the one
   * atomic step of every run, a load's or a rollback's. `opts.from`: the version folder the files
   * this run did not write are linked from (default: the base version's).
   */
  commit(content: VersionContent, opts: { from?: string; restores?: number } = {}): Manifest {
    // publishVersion is synchronous: a signal is handled before this check or after the swap
    throwIfInterrupted();
    const published = publishVersion(this.warehouse, this.base, this.incoming, content, opts);
    notePublished(published.version);
    return published;
  }
}

/**
 * Runs `work` as one load of `warehouse`: under the lock (waiting up to `waitMs` for another
 * run), on a recovered warehouse, with a fresh DuckDB. Whatever `work` leaves unpublished is
 * removed, whether it returns or throws. Interrupted (interrupt.ts), it stops: the lock wait
 * ends, DuckDB's work is cancelled, nothing more is published, and it cleans up as on a failure.
 */
export function withLoadRun<T>(opts: { warehouse: string; waitMs?: number }, work: (run: LoadRun) => Promise<T>): Promise<T> {
  const { warehouse } = opts;
  return asRun(async () => {
    const lock = await acquireLock(warehouse, opts.waitMs ?? 0, interruption);
    try {
      recover(warehouse);
      const base = readSnapshot(warehouse);
      mkdirSync(scratchDir(warehouse), { recursive: true });
      const db = await Db.open({ tempDir: join(scratchDir(warehouse), "duckdb") });
      const stopOnInterrupt = onInterrupt(() => db.cancel());
      try {
        await startRunAudit(db);
        return await work(new LoadRun(warehouse, db, base, startVersion(warehouse, base.manifest.version + 1)));
      } finally {
        stopOnInterrupt();
        db.close();
      }
    } finally {
      recover(warehouse); // what was written for a version that was not published
      lock.release();
    }
  });
}
