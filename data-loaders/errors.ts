/**
 * An expected failure caused by input or state (bad file, refused dump, lock held).
 * The CLI prints its message as one line and exits non-zero; anything else is a bug and keeps its stack.
 */
export class StrataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StrataError";
  }
}

/** A (DuckDB) message on one line: its lines joined, the caret line under quoted SQL dropped. */
export function oneLine(message: string): string {
  return message
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== "" && line !== "^")
    .join(" ");
}
