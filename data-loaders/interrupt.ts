/**
 * Stopping on SIGINT (Ctrl-C) or SIGTERM. The CLI turns the signal into an interruption
 * (`interrupt`); a load run in flight (load/run.ts) then stops its DuckDB work, refuses to
 * publish if it has not published yet, and ends as any failed run does: what it wrote is removed
 * (recover) and the lock released. The CLI waits for that, says in one line whether the warehouse
 * is as it was or the run had published, and exits 128 + the signal's number. With no run in
 * flight (an FTP download, before the lock) there is nothing to wait for: the `onInterrupt`
 * cleanups run and the process exits at once.
 */
const controller = new AbortController();

/** Aborted, with the signal's name as its reason, once the process has been told to stop. */
export const interruption: AbortSignal = controller.signal;

/** The failure of work stopped by an interruption (the CLI prints its own line instead of this). */
export class Interrupted extends Error {
  constructor() {
    super(`interrupted by ${String(interruption.reason)}`);
    this.name = "Interrupted";
  }
}

let runsInFlight = 0;
let published: number | undefined;

/**
 * Records an interruption by `signal` (the cleanups registered with onInterrupt run now). Returns
 * whether a run is in flight that will stop by itself and should be waited for.
 */
export function interrupt(signal: NodeJS.Signals): boolean {
  controller.abort(signal);
  return runsInFlight > 0;
}

/** Calls `stop` on an interruption (at once if there has been one); returns the undo. */
export function onInterrupt(stop: () => void): () => void {
  if (interruption.aborted) {
    stop();
    return () => {};
  }
  interruption.addEventListener("abort", stop, { once: true });
  return () => interruption.removeEventListener("abort", stop);
}

export function throwIfInterrupted(): void {
  if (interruption.aborted) throw new Interrupted();
}

/**
 * Runs `work`, a run that stops by itself when interrupted: meanwhile the process waits for it
 * rather than exiting on a signal. Counted from the call, before any await, so that nothing
 * between the caller's last step and the run's first goes uncovered.
 */
export async function asRun<T>(work: () => Promise<T>): Promise<T> {
  runsInFlight++;
  try {
    return await work();
  } finally {
    runsInFlight--;
  }
}

/** Notes that this process published `version` (an interruption after it says so). */
export function notePublished(version: number): void {
  published = version;
}

/** The version this process published, if any. */
export const publishedVersion = (): number | undefined => published;
