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
