import { createHash, type Hash } from "node:crypto";
import { open, rename, unlink, type FileHandle } from "node:fs/promises";
import { Writable } from "node:stream";

/**
 * A Writable straight onto a file handle that hashes and counts as it goes.
 * It only reports "finish" once every byte has reached the handle, so when the FTP library's
 * pipeline resolves the byte count is final (a Transform piped into a file stream would not give that).
 */
export class HashingFileWriter extends Writable {
  private readonly hash: Hash = createHash("sha256");
  bytes = 0;

  constructor(private readonly fh: FileHandle) {
    super();
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, done: (err?: Error | null) => void): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    writeAll(this.fh, chunk).then(() => done(), done);
  }

  digest(): string {
    return this.hash.digest("hex");
  }
}

async function writeAll(fh: FileHandle, buf: Buffer): Promise<void> {
  let off = 0;
  while (off < buf.length) {
    const { bytesWritten } = await fh.write(buf, off, buf.length - off);
    off += bytesWritten;
  }
}

/**
 * Returns the first non-whitespace character of a file, or undefined if there is none.
 * A dump is a JSON array; an HTML error page or a truncated-to-zero file is caught here,
 * before anything is published, at the cost of reading a few bytes.
 */
export async function firstNonWhitespace(path: string): Promise<string | undefined> {
  const fh = await open(path, "r");
  try {
    const buf = Buffer.alloc(4096);
    for (let pos = 0; ; ) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
      if (bytesRead === 0) return undefined;
      for (let i = 0; i < bytesRead; i++) {
        const c = buf[i]!;
        if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return String.fromCharCode(c);
      }
      pos += bytesRead;
    }
  } finally {
    await fh.close();
  }
}

/** fsync a directory so a rename into it survives a crash (POSIX; a no-op where unsupported). */
export async function syncDir(dir: string): Promise<void> {
  let fh: FileHandle | undefined;
  try {
    fh = await open(dir, "r");
    await fh.sync();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== "EISDIR" && code !== "EPERM" && code !== "EINVAL") throw err;
  } finally {
    await fh?.close();
  }
}

/**
 * Moves each staged file to its final name. If any move fails, the ones already moved are
 * removed again so the destination ends up exactly as it was: all files or none.
 */
export async function publishAll(moves: { from: string; to: string }[]): Promise<void> {
  const done: string[] = [];
  try {
    for (const { from, to } of moves) {
      await rename(from, to);
      done.push(to);
    }
  } catch (err) {
    await Promise.all(done.map((p) => unlink(p).catch(() => undefined)));
    throw err;
  }
}
