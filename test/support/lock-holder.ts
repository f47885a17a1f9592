// Test helper process: waits until a common start time (spinning the last ms, so contenders start together),
// takes the warehouse lock with the library's acquireLock, logs "<pid> in|out <ms>" around a short
// hold, and releases. Used to look for two holders at once (test/lock.test.ts).
import { appendFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { acquireLock } from "../../data-loaders/warehouse/lock.ts";

const [warehouse, startAt, holdMs = "150"] = process.argv.slice(2);
await sleep(Math.max(0, Number(startAt) - Date.now() - 30));
while (Date.now() < Number(startAt)) {
  // spin the last few ms: a timer alone would add milliseconds of skew between contenders
}
const lock = await acquireLock(warehouse, 30_000);
appendFileSync(join(warehouse, "holders.log"), `${process.pid} in ${performance.timeOrigin + performance.now()}\n`);
await sleep(Number(holdMs));
appendFileSync(join(warehouse, "holders.log"), `${process.pid} out ${performance.timeOrigin + performance.now()}\n`);
lock.release();
