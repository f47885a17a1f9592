// Files under a folder, and one hash of them all (names and bytes): how the generator tests check
// that the same options give byte-identical output.
import { createHash } from "node:crypto";
import { readFileSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";

/** Every file under `dir`, as paths, sorted. */
export function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath ?? (d as unknown as { path: string }).path, d.name))
    .sort();
}

/** sha256 over every file's relative name and bytes. */
export function hashDir(dir: string): string {
  const h = createHash("sha256");
  for (const f of files(dir)) h.update(relative(dir, f)).update("\0").update(readFileSync(f)).update("\0");
  return h.digest("hex");
}
