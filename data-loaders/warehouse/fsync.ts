/** Durable writes: data reaches the disk before the rename that makes it visible. */
import { closeSync, fsyncSync, openSync, renameSync, writeFileSync } from "node:fs";
import { open } from "node:fs/promises";
import { dirname } from "node:path";
import { failpoint } from "../failpoints.ts";

export function fsyncPath(path: string): void {
  const fd = openSync(path, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * fsyncs every path (files and folders) at once, off the main thread: files written one after
 * another reach the disk together, while other work goes on.
 */
export async function fsyncPaths(paths: Iterable<string>): Promise<void> {
  await Promise.all(
    [...new Set(paths)].map(async (path) => {
      const handle = await open(path, "r");
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
    }),
  );
}

/** Writes `content` to `path` so that a crash leaves either the old file or the new one, whole. */
export function writeFileAtomic(path: string, content: string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, content);
  fsyncPath(tmp);
  failpoint("atomic-write:before-rename");
  renameSync(tmp, path);
  fsyncPath(dirname(path));
}
