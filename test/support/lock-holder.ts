// Test helper process: once loaded, says "ready" on stdout and waits for the file <warehouse>/go
// (so contenders start within a millisecond or two of each other), takes the warehouse lock with
// the library's acquireLock, logs "<pid> in|out <ms>" around a short hold, and releases.
// Used to look for two holders at once (test/lock.test.ts).
import { appendFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { acquireLock } from "../../data-loaders/warehouse/lock.ts";

const [warehouse, holdMs = "150"] = process.argv.slice(2);
process.stdout.write("ready\n");
while (!existsSync(join(warehouse, "go"))) await sleep(1);
const lock = await acquireLock(warehouse, 30_000);
appendFileSync(join(warehouse, "holders.log"), `${process.pid} in ${performance.timeOrigin + performance.now()}\n`);
await sleep(Number(holdMs));
appendFileSync(join(warehouse, "holders.log"), `${process.pid} out ${performance.timeOrigin + performance.now()}\n`);
lock.release();
