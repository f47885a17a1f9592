// Test helper process: once loaded, says "ready" on stdout and waits for the file <warehouse>/go
// (so contenders start within a millisecond or two of each other), takes the warehouse lock with
// the library's acquireLock, logs "<pid> in|out <ns>" around a short hold, and releases.
// Used to look for two holders at once (test/lock.test.ts). The times are CLOCK_MONOTONIC
// (process.hrtime), one clock for every process: performance.timeOrigin is each process's own
// reading of the wall clock, off by up to a millisecond or so between processes, which is more
// than the gap between one holder's release and the next one's lock.
import { appendFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { acquireLock } from "../../data-loaders/warehouse/lock.ts";

const [warehouse, holdMs = "150"] = process.argv.slice(2);
process.stdout.write("ready\n");
while (!existsSync(join(warehouse, "go"))) await sleep(1);
const lock = await acquireLock(warehouse, 30_000);
appendFileSync(join(warehouse, "holders.log"), `${process.pid} in ${process.hrtime.bigint()}\n`);
await sleep(Number(holdMs));
appendFileSync(join(warehouse, "holders.log"), `${process.pid} out ${process.hrtime.bigint()}\n`);
lock.release();
