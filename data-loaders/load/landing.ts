/**
 * The landing zone: every delivery's raw files, kept byte for byte in
 * `<warehouse>/landing/<source>/<key>/` (key: the delivery's date, or its load time) with a
 * manifest (sizes, sha256, format, records). Landed files are never overwritten: landing the
 * same drop again is a no-op, a different file for a landed key is refused.
 */
import { constants, existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { copyFile, mkdir, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { StrataError } from "../errors.ts";
import { failpoint } from "../failpoints.ts";
import { fsyncPath, fsyncPaths } from "../warehouse/fsync.ts";
import { landedDelivery, landingDir } from "../warehouse/paths.ts";
import type { FileRef } from "../warehouse/manifest.ts";

const landedFile = z.object({
  name: z.string(),
  bytes: z.number(),
  sha256: z.string(),
  format: z.string(),
  records: z.number(),
});
// `date` is the key, under the name the first landed nights used
const landingManifest = z.object({ date: z.string(), landedAt: z.string(), source: z.string(), files: z.array(landedFile) });
export type LandedFile = z.infer<typeof landedFile>;
export type LandingManifest = z.infer<typeof landingManifest>;

/** The landing manifest of a source's delivery `key`, or null when nothing landed for it. */
export function readLanding(warehouse: string, source: string, key: string): LandingManifest | null {
  const path = join(landedDelivery(warehouse, source, key), "manifest.json");
  if (!existsSync(path)) return null;
  return landingManifest.parse(JSON.parse(readFileSync(path, "utf8")));
}

/** Refuses a drop whose files differ from what already landed for its key. */
export function checkAgainstLanded(warehouse: string, source: string, key: string, files: FileRef[]): LandingManifest | null {
  const landed = readLanding(warehouse, source, key);
  if (!landed) return null;
  for (const file of files) {
    const before = landed.files.find((f) => f.name === file.name);
    if (!before || before.sha256 !== file.sha256) {
      throw new StrataError(
        `${join(landedDelivery(warehouse, source, key), file.name)}: a different ${file.name} already landed for ${key} ` +
          `(sha256 ${before?.sha256.slice(0, 12) ?? "none"} landed, ${file.sha256.slice(0, 12)} offered); raw data is never overwritten`,
      );
    }
  }
  return landed;
}

export type Landing = {
  /** settles when the copies are made and on disk */
  done: Promise<void>;
  /** Makes the landed folder durable and puts it in place (one rename); returns its manifest. `origin`: where the files came from. */
  finish(origin: string, files: LandedFile[]): Promise<LandingManifest>;
  /** Removes what was copied, for a dump that was not merged after all. */
  abandon(): Promise<void>;
};

/**
 * Starts copying a checked drop into the landing zone: into a hidden folder first, so that the
 * dated folder appears whole or not at all when `finish` renames it. The copies run in the
 * background (the kernel copies; the caller goes on merging). With `move`, for files that are
 * this run's own download, nothing is copied: `finish` moves them in (a rename, same disk). Nothing
 * is copied either when the date has landed already: the checks have found those files identical.
 */
export function startLanding(warehouse: string, source: string, key: string, sourceDir: string, files: FileRef[], { move = false } = {}): Landing {
  const root = landingDir(warehouse, source);
  const incoming = join(root, `.incoming-${key}-${process.pid}`);
  const already = readLanding(warehouse, source, key) !== null;
  const done = already
    ? Promise.resolve()
    : (async () => {
        await mkdir(incoming, { recursive: true });
        // each copy is fsynced as soon as it is made: the disk writes it while the merge goes on.
        // On a copy-on-write filesystem (XFS, btrfs) the copy is a clone, instant and still
        // independent of the source; elsewhere (ext4) the kernel copies the bytes.
        if (!move) await Promise.all(files.map(async (file) => {
          await copyFile(join(sourceDir, file.name), join(incoming, file.name), constants.COPYFILE_FICLONE);
          await fsyncPaths([join(incoming, file.name)]);
        }));
      })();
  return {
    done,
    async finish(origin, landedFiles) {
      await done;
      const existing = readLanding(warehouse, source, key);
      if (existing) return existing;
      if (move) {
        await Promise.all(landedFiles.map((file) => moveFile(join(sourceDir, file.name), join(incoming, file.name))));
        await fsyncPaths(landedFiles.map((file) => join(incoming, file.name)));
      }
      const manifest: LandingManifest = { date: key, landedAt: new Date().toISOString(), source: origin, files: landedFiles };
      writeFileSync(join(incoming, "manifest.json"), JSON.stringify(manifest, null, 2) + "\n");
      fsyncPath(join(incoming, "manifest.json"));
      fsyncPath(incoming);
      renameSync(incoming, landedDelivery(warehouse, source, key));
      fsyncPath(root);
      failpoint("landing:in-place");
      return manifest;
    },
    async abandon() {
      await done.catch(() => {});
      await rm(incoming, { recursive: true, force: true });
    },
  };
}

/** Renames `from` to `to`, or copies it where the two are on different disks. */
async function moveFile(from: string, to: string): Promise<void> {
  try {
    await rename(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EXDEV") throw error;
    await copyFile(from, to, constants.COPYFILE_FICLONE);
  }
}
