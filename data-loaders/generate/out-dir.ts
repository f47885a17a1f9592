/**
 * generate's output folder. Generating into a folder that holds an earlier data set would mix its
 * nights with the new ones (a night the new set does not have stays behind), so only a new or
 * empty folder is written. `force` replaces a folder generate wrote (its generation.json, vendor/,
 * internal/ and web/, nothing else); any other folder is refused even then, so a mistyped path (or a
 * folder of real deliveries) is never emptied.
 */
import { existsSync, readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { StrataError } from "../errors.ts";

const generated = ["generation.json", "vendor", "internal", "web"];

export function prepareOutDir(dir: string, { force = false } = {}): void {
  if (!existsSync(dir)) return;
  if (!statSync(dir).isDirectory()) throw new StrataError(`${dir}: not a folder`);
  const entries = readdirSync(dir);
  if (entries.length === 0) return;
  if (!force) throw new StrataError(`${dir}: not empty (its nights would mix with the new ones); pass --force to replace it`);
  const other = entries.filter((e) => !generated.includes(e));
  if (!entries.includes("generation.json") || other.length > 0) {
    const why = other.length > 0 ? `it holds ${other.slice(0, 3).join(", ")}${other.length > 3 ? ", …" : ""}` : "no generation.json";
    throw new StrataError(`${dir}: not a folder generate wrote (${why}); --force only replaces one, empty this one yourself`);
  }
  for (const entry of entries) rmSync(join(dir, entry), { recursive: true, force: true });
}
