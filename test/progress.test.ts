// Progress on long work: on a terminal one status line, redrawn about once a second and erased
// before the output; piped, or with --verbose, none. The CLI part runs the real CLI under a
// pseudo-terminal (util-linux `script`), as a person at a terminal would.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, test } from "node:test";
import { Progress } from "../data-loaders/cli/progress.ts";
import { repoRoot, strata, tempDir } from "./support/warehouse.ts";

const ERASE = "\r\x1b[2K";

function fakeTerminal(isTTY = true) {
  const out = { isTTY, columns: 50, text: "", write: (t: string) => (out.text += t) };
  let now = 0;
  return { out, clock: { now: () => now, advance: (ms: number) => (now += ms) } };
}

describe("the status line", () => {
  test("nothing for the first second; then the time and the latest step, at most once a second; erased at the end", () => {
    const { out, clock } = fakeTerminal();
    const text = () => out.text; // read fresh each time (an assertion on text() would narrow its type)
    const progress = Progress.start("generate /tmp/x", { out, now: clock.now })!;
    try {
      progress.update("vendor/2022-03-01/authors.json: 4 MB");
      clock.advance(900);
      progress.update("vendor/2022-03-01/books.json: 4 MB");
      assert.equal(text(), "", "short work shows nothing");
      clock.advance(200);
      progress.update("vendor/2022-03-01/reviews.json: 8 MB");
      assert.equal(text(), `${ERASE}strata: generate /tmp/x: 1 s: vendor/2022-03-01/…`, "cut to the terminal's width (50)");
      clock.advance(500);
      progress.update("vendor/2022-03-01/reviews.json: 12 MB");
      assert.equal(text().split(ERASE).length, 2, "not redrawn within the second");
      clock.advance(600);
      progress.update("done");
      assert.equal(text().split(ERASE).at(-1), "strata: generate /tmp/x: 2 s: done");
    } finally {
      progress.stop();
    }
    assert.ok(text().endsWith(ERASE), "erased");
    const length = text().length;
    clock.advance(5000);
    progress.update("late");
    assert.equal(text().length, length, "nothing after stop");
  });

  test("none when stderr is not a terminal, or with --verbose", () => {
    assert.equal(Progress.start("x", { out: fakeTerminal(false).out }), null);
    assert.equal(Progress.start("x", { out: fakeTerminal(true).out, verbose: true }), null);
  });
});

const hasScript = spawnSync("script", ["--version"]).status === 0;

describe("the CLI on a terminal", { skip: !hasScript && "needs util-linux script" }, () => {
  // about 1.5 s of writing: long enough for a status line
  const args = (out: string) => ["generate", out, "--scale", "700", "--nights", "1", "--internal-scale", "0.1"];

  test("generate at scale draws its status line on a terminal, erased before the summary", () => {
    const out = join(tempDir("progress-tty"), "data");
    const command = [process.execPath, join(repoRoot, "bin", "strata.js"), ...args(out)].map((a) => `'${a}'`).join(" ");
    const r = spawnSync("script", ["-qec", command, "/dev/null"], { cwd: repoRoot, encoding: "utf8" });
    assert.equal(r.status, 0, r.stdout);
    const [progress, rest] = [r.stdout.slice(0, r.stdout.lastIndexOf(ERASE)), r.stdout.slice(r.stdout.lastIndexOf(ERASE) + ERASE.length)];
    const frames = progress.split(ERASE).slice(1);
    assert.ok(frames.length >= 1, "at least one status line");
    for (const frame of frames) {
      assert.match(frame, new RegExp(`^strata: generate ${out}: \\d+ s: vendor/2022-03-01/`));
      assert.ok([...frame].length <= 79, "within the terminal's width (80 when it says none)");
    }
    assert.match(rest, /^generated 1 night \(2022-03-01\)/, "the summary starts on a clean line");
  });

  test("piped, the same run prints no progress", () => {
    const r = strata(args(join(tempDir("progress-pipe"), "data")));
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, "");
    assert.doesNotMatch(r.stdout, /\x1b/);
  });
});
