/**
 * Failpoints for crash tests: `failpoint(name)` kills the process with SIGKILL (a real,
 * uncatchable crash: no finally blocks, no lock release, no cleanup) when env STRATA_FAILPOINT
 * equals `name`; otherwise it is a no-op costing one string compare.
 *
 * Names in use (see test/crash.test.ts):
 *   vendor:after-download      source.ts, FTP night downloaded into .download-*, before ingest
 *   vendor:after-stage         ingest.ts mergeEntity, first file staged and validated
 *   vendor:after-write-parquet ingest.ts mergeEntity, first file's new current Parquet written
 *   vendor:after-land          land.ts startLanding().finish(), the dated landing folder renamed into place
 *   manifest:before-swap       manifest.ts publish, before the manifest is replaced
 *   atomic-write:before-rename fsync.ts writeFileAtomic (the manifest swap), tmp written + fsynced, before rename
 *   manifest:after-swap        manifest.ts publish, manifest replaced, unreferenced files not yet removed
 */
const armed = process.env.STRATA_FAILPOINT;

export function failpoint(name: string): void {
  if (armed === name) process.kill(process.pid, "SIGKILL");
}
