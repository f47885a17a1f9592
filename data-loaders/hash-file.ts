/** sha256 and size of a file, streamed: memory stays flat for any file size. */
import { createHash } from "node:crypto";
import { createReadStream, statSync } from "node:fs";
import { basename } from "node:path";
import type { FileRef } from "./warehouse/manifest.ts";

export async function describeFile(path: string): Promise<FileRef> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return { name: basename(path), bytes: statSync(path).size, sha256: hash.digest("hex") };
}
