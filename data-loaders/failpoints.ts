/**
 * Failpoints for crash tests: `failpoint(name)` kills the process with SIGKILL (a real,
 * uncatchable crash: no finally blocks, no lock release, no cleanup) when env STRATA_FAILPOINT
 * equals `name` (or sends it STRATA_FAILPOINT_SIGNAL); otherwise it is a no-op costing one string
 * compare.
 *
 * Names in use (see test/crash.test.ts):
 *   vendor:after-download      sources/catalogue/location.ts, FTP night downloaded into .download-*, before ingest
 *   vendor:after-stage         sources/catalogue/ingest.ts mergeEntity, first file staged and validated
 *   history:after-write        load/history.ts, the first table's new current file written (unpublished)
 *   landing:in-place           load/landing.ts finish(), the landed folder renamed into place
 *   manifest:before-swap       warehouse/versions.ts publishVersion, the version folder complete, before `_current` is swapped
 *   manifest:after-swap        warehouse/versions.ts publishVersion, `_current` swapped, old versions not yet pruned
 */
const armed = process.env.STRATA_FAILPOINT;
// STRATA_FAILPOINT_SIGNAL=SIGINT or SIGTERM: the process signals itself instead, as Ctrl-C would
// at that very point (test/interrupt.test.ts); the handler runs once the current step yields
const signal = (process.env.STRATA_FAILPOINT_SIGNAL || "SIGKILL") as NodeJS.Signals;

export function failpoint(name: string): void {
  if (armed === name) process.kill(process.pid, signal);
}
