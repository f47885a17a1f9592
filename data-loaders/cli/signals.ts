/**
 * SIGINT (Ctrl-C) and SIGTERM for the verbs that write the warehouse. The first signal interrupts
 * (interrupt.ts): a load run in flight stops and cleans up, and the CLI waits for it; with none
 * in flight it exits at once. Either way it ends with one line saying what became of the
 * warehouse, and exit code 128 + the signal's number (130, 143). A second signal stops at once:
 * the next run removes whatever this one left (recover, and a lock whose owner is gone).
 */
import { constants } from "node:os";
import { interrupt, interruption, publishedVersion } from "../interrupt.ts";

const exitCode = (signal: NodeJS.Signals) => 128 + constants.signals[signal];

export function stopOnSignals(before: () => void = () => {}): void {
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      before();
      if (interruption.aborted) {
        process.stderr.write("strata: interrupted again; stopping now (the next run removes what this one left)\n");
        process.exit(exitCode(signal));
      }
      if (!interrupt(signal)) exitIfInterrupted();
    });
  }
}

/** When the process was interrupted: says whether the warehouse is as it was or was published, and exits. */
export function exitIfInterrupted(): void {
  if (!interruption.aborted) return;
  const version = publishedVersion();
  process.stderr.write(
    version === undefined ? "strata: interrupted; the warehouse is as it was\n" : `strata: interrupted after the warehouse was published (version ${version})\n`,
  );
  process.exit(exitCode(interruption.reason as NodeJS.Signals));
}

/**
 * Gives a signal that came during the run's last steps the time to reach its handler before the
 * CLI exits: it is handled only when the event loop polls, which a run ending in promise
 * callbacks alone may not do in time (one turn of the loop was measured not to be enough).
 */
export const signalsDelivered = () => new Promise((resolve) => setTimeout(resolve, 25));
