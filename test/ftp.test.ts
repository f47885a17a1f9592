import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { appendFileSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { StrataError } from "../data-loaders/errors.ts";
import { downloadNight, parseFtpUrl, redactUrl, type DownloadNightOptions } from "../data-loaders/ftp/index.ts";
import {
  FTP_PASSWORD,
  FTP_USER,
  SOURCE_NIGHT,
  closedPort,
  makeFtpRoot,
  selfSignedCert,
  startDroppingProxy,
  startFtp,
  startSilentServer,
  type RunningFtp,
} from "./support/ftp-fixtures.ts";

const DATE = "2022-02-26";
const FILES = ["authors.json", "books.json", "reviews.json"];
const temps: string[] = [];

async function freshDir(prefix = "strata-ftp-dest-"): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), prefix));
  temps.push(d);
  return d;
}

async function sha256(path: string): Promise<string> {
  return createHash("sha256").update(await readFile(path)).digest("hex");
}

/** Runs downloadNight with test-sized timings and captures every log line. */
async function run(opts: Partial<DownloadNightOptions> & { url: string; destDir: string }) {
  const lines: string[] = [];
  const started = Date.now();
  try {
    const result = await downloadNight({
      date: DATE,
      password: FTP_PASSWORD,
      backoffMs: 20,
      timeoutMs: 2000,
      log: (l) => lines.push(l),
      ...opts,
    });
    return { result, lines, ms: Date.now() - started, error: undefined };
  } catch (error) {
    return { result: undefined, lines, ms: Date.now() - started, error: error as Error };
  }
}

/** A failure the user sees: a StrataError of exactly one line that never carries the password. */
function assertCleanFailure(error: Error | undefined, lines: string[], pattern: RegExp) {
  assert.ok(error, "expected a failure");
  assert.ok(error instanceof StrataError, `expected StrataError, got ${error.name}: ${error.message}`);
  assert.match(error.message, pattern);
  assert.doesNotMatch(error.message, /[\r\n]/, "error must be one line");
  assertNoPassword([error.message, error.stack ?? "", ...lines]);
}

function assertNoPassword(texts: string[]) {
  for (const t of texts) assert.ok(!t.includes(FTP_PASSWORD), `password leaked into: ${t}`);
}

const url = (port: number, scheme = "ftp") => `${scheme}://${FTP_USER}@127.0.0.1:${port}/vendor`;

after(async () => {
  await Promise.all(temps.map((d) => rm(d, { recursive: true, force: true })));
});

describe("downloadNight over a real FTP server", () => {
  let ftp: RunningFtp;
  before(async () => {
    const root = await makeFtpRoot(DATE);
    temps.push(root);
    // A second night with a file missing and a third whose books.json is not JSON.
    const partial = await makeFtpRoot("2022-03-01", ["authors.json", "books.json"]);
    temps.push(partial);
    const { cp, mkdir } = await import("node:fs/promises");
    await cp(join(partial, "vendor", "2022-03-01"), join(root, "vendor", "2022-03-01"), { recursive: true });
    await mkdir(join(root, "vendor", "2022-03-02"));
    for (const f of FILES) await cp(join(SOURCE_NIGHT, f), join(root, "vendor", "2022-03-02", f));
    await writeFile(join(root, "vendor", "2022-03-02", "books.json"), "\n  <html>maintenance</html>");
    ftp = await startFtp({ root, echoPasswordOnFailure: true });
  });
  after(() => ftp.close());

  test("downloads a full night; bytes equal the source (sha256); nothing else left in destDir", async () => {
    const dest = await freshDir();
    const { result, lines, error } = await run({ url: url(ftp.port), destDir: dest });
    assert.equal(error, undefined, error?.message);
    assert.deepEqual(result!.files.map((f) => f.name), FILES);
    assert.equal(result!.source, `ftp://${FTP_USER}@127.0.0.1:${ftp.port}/vendor/${DATE}`);
    for (const f of result!.files) {
      assert.equal(f.path, join(dest, f.name));
      assert.equal(f.sha256, await sha256(join(SOURCE_NIGHT, f.name)));
      assert.equal(await sha256(f.path), f.sha256);
      assert.equal(f.size, (await readFile(join(SOURCE_NIGHT, f.name))).length);
    }
    assert.deepEqual((await readdir(dest)).sort(), FILES, "no temp files left behind");
    assertNoPassword(lines);
  });

  test("wrong password fails at once, without retrying, and the password never appears", async () => {
    const dest = await freshDir();
    const wrong = `${FTP_PASSWORD}-typo`;
    const { error, lines, ms } = await downloadWith(wrong, dest);
    assertCleanFailure(error, lines, /login refused \(530/);
    assert.ok(!error!.message.includes(wrong), "the server echoed the password; it must have been scrubbed");
    assert.ok(!lines.some((l) => /retrying/.test(l)), "530 must not be retried");
    assert.ok(ms < 1500, `took ${ms} ms; a retry with 2 s backoff would be visible`);
    assert.deepEqual(await readdir(dest), []);

    async function downloadWith(password: string, destDir: string) {
      const r = await run({ url: url(ftp.port), destDir, password, backoffMs: 2000 });
      // The scrubbing must cover whichever password was used, not just the test constant.
      for (const t of [r.error?.message ?? "", ...r.lines]) assert.ok(!t.includes(password), `leaked: ${t}`);
      return r;
    }
  });

  test("a night missing a file fails clearly, at once, and leaves destDir as it was", async () => {
    const dest = await freshDir();
    await writeFile(join(dest, "keep.txt"), "untouched");
    const { error, lines, ms } = await run({ url: url(ftp.port), destDir: dest, date: "2022-03-01", backoffMs: 2000 });
    assertCleanFailure(
      error,
      lines,
      new RegExp(`^ftp://${FTP_USER}@127\\.0\\.0\\.1:${ftp.port}/vendor/2022-03-01: missing reviews\\.json`),
    );
    assert.ok(ms < 1500, `took ${ms} ms; must not retry a missing file`);
    assert.deepEqual(await readdir(dest), ["keep.txt"]);
    assert.equal(await readFile(join(dest, "keep.txt"), "utf8"), "untouched");
  });

  test("a URL pointing straight at the night's folder downloads it; source names that folder", async () => {
    const dest = await freshDir();
    const { result, error } = await run({ url: `${url(ftp.port)}/${DATE}`, destDir: dest });
    assert.equal(error, undefined, error?.message);
    assert.equal(result!.source, `${url(ftp.port)}/${DATE}`);
    for (const f of result!.files) assert.equal(f.sha256, await sha256(join(SOURCE_NIGHT, f.name)));
  });

  test("a root without that night's folder fails at once, naming the URL and the folder looked for", async () => {
    const dest = await freshDir();
    const { error, lines, ms } = await run({ url: url(ftp.port), destDir: dest, date: "2022-04-01", backoffMs: 2000 });
    assertCleanFailure(
      error,
      lines,
      new RegExp(`^ftp://${FTP_USER}@127\\.0\\.0\\.1:${ftp.port}/vendor: neither holds authors\\.json, books\\.json, reviews\\.json nor has a folder 2022-04-01/ holding them$`),
    );
    assert.ok(ms < 1500, `took ${ms} ms; must not retry`);
    assert.deepEqual(await readdir(dest), []);
    const absent = await run({ url: `${url(ftp.port)}/absent`, destDir: dest, backoffMs: 2000 });
    assertCleanFailure(absent.error, absent.lines, /\/vendor\/absent: no such folder$/);
  });

  test("a file that is not a JSON array is refused and nothing is published", async () => {
    const dest = await freshDir();
    const { error, lines } = await run({ url: url(ftp.port), destDir: dest, date: "2022-03-02" });
    assertCleanFailure(error, lines, /2022-03-02\/books\.json: not a JSON array \(starts with "<"\)/);
    assert.deepEqual(await readdir(dest), []);
  });

  test("a destDir that does not exist is created, and removed again on failure", async () => {
    const parent = await freshDir();
    const ok = await run({ url: url(ftp.port), destDir: join(parent, "a", "b") });
    assert.equal(ok.error, undefined, ok.error?.message);
    const bad = await run({ url: url(ftp.port), destDir: join(parent, "c", "d"), date: "2022-03-01" });
    assert.ok(bad.error);
    assert.deepEqual((await readdir(parent)).sort(), ["a"]);
  });
});

test("connection refused is retried N times, then fails with one clear line", async () => {
  const port = await closedPort();
  const dest = await freshDir();
  const { error, lines } = await run({ url: url(port), destDir: dest, attempts: 3 });
  assertCleanFailure(
    error,
    lines,
    new RegExp(`^ftp://${FTP_USER}@127\\.0\\.0\\.1:${port}/vendor: connection refused \\(ECONNREFUSED\\) \\(gave up after 3 attempts\\)$`),
  );
  assert.deepEqual(
    lines.filter((l) => /retrying/.test(l)),
    [
      "ftp: attempt 1 failed: connection refused (ECONNREFUSED); retrying in 20 ms",
      "ftp: attempt 2 failed: connection refused (ECONNREFUSED); retrying in 40 ms",
    ],
  );
  assert.deepEqual(await readdir(dest), []);
});

test("a server that accepts TCP but never answers times out, is retried, then fails", async () => {
  const silent = await startSilentServer();
  try {
    const dest = await freshDir();
    const { error, lines, ms } = await run({ url: url(silent.port), destDir: dest, attempts: 2, timeoutMs: 300 });
    assertCleanFailure(error, lines, /no answer from the server within 300 ms \(control connection\) \(gave up after 2 attempts\)$/);
    assert.equal(lines.filter((l) => /retrying/.test(l)).length, 1);
    assert.ok(ms >= 600 && ms < 5000, `took ${ms} ms`);
    assert.deepEqual(await readdir(dest), []);
  } finally {
    await silent.close();
  }
});

test("a data connection dropped mid-transfer is retried and the night then downloads intact", async () => {
  const root = await makeFtpRoot(DATE);
  temps.push(root);
  const ftp = await startFtp({ root });
  const proxy = await startDroppingProxy(ftp.port, 8192, 1);
  try {
    const dest = await freshDir();
    const { result, lines, error } = await run({ url: url(proxy.port), destDir: dest });
    assert.equal(error, undefined, error?.message);
    assert.equal(proxy.drops, 1, "the proxy must actually have cut a transfer");
    assert.ok(
      lines.some((l) => /^ftp: attempt 1 failed: connection (reset|dropped)/.test(l)),
      `expected a retry line, got:\n${lines.join("\n")}`,
    );
    for (const f of result!.files) assert.equal(await sha256(f.path), await sha256(join(SOURCE_NIGHT, f.name)));
    assert.deepEqual((await readdir(dest)).sort(), FILES);
    assertNoPassword(lines);
  } finally {
    await proxy.close();
    await ftp.close();
  }
});

describe("a file still growing on the server", () => {
  test("grows once: the change is detected and the retry gets the final bytes", async () => {
    const root = await makeFtpRoot(DATE);
    temps.push(root);
    let grows = 1;
    const ftp = await startFtp({
      root,
      onRetr: (p) => {
        if (p.endsWith("reviews.json") && grows-- > 0) appendFileSync(p, "\n");
      },
    });
    try {
      const dest = await freshDir();
      const { result, lines, error } = await run({ url: url(ftp.port), destDir: dest });
      assert.equal(error, undefined, error?.message);
      assert.ok(
        lines.some((l) => /attempt 1 failed: reviews\.json changed while downloading \(size 170462 -> 170463/.test(l)),
        lines.join("\n"),
      );
      const reviews = result!.files.find((f) => f.name === "reviews.json")!;
      assert.equal(reviews.size, 170463);
      assert.equal(await sha256(reviews.path), await sha256(join(root, "vendor", DATE, "reviews.json")));
    } finally {
      await ftp.close();
    }
  });

  test("never stops growing: refused after the attempts, destDir untouched", async () => {
    const root = await makeFtpRoot(DATE);
    temps.push(root);
    const ftp = await startFtp({ root, onRetr: (p) => p.endsWith("reviews.json") && appendFileSync(p, " ") });
    try {
      const dest = await freshDir();
      const { error, lines } = await run({ url: url(ftp.port), destDir: dest, attempts: 3 });
      assertCleanFailure(error, lines, /reviews\.json changed while downloading .*\(gave up after 3 attempts\)$/);
      assert.deepEqual(await readdir(dest), []);
    } finally {
      await ftp.close();
    }
  });
});

describe("FTPS (explicit, AUTH TLS) with a self-signed certificate", () => {
  let ftp: RunningFtp;
  before(async () => {
    const root = await makeFtpRoot(DATE);
    temps.push(root);
    ftp = await startFtp({ root, tls: await selfSignedCert() });
  });
  after(() => ftp.close());

  test("downloads the night when insecure TLS is allowed", async () => {
    const dest = await freshDir();
    const { result, lines, error } = await run({ url: url(ftp.port, "ftps"), destDir: dest, insecureTls: true });
    assert.equal(error, undefined, error?.message);
    for (const f of result!.files) assert.equal(await sha256(f.path), await sha256(join(SOURCE_NIGHT, f.name)));
    assert.ok(lines.some((l) => /verification is OFF/.test(l)));
    assertNoPassword(lines);
  });

  test("refuses the self-signed certificate by default, at once", async () => {
    const dest = await freshDir();
    const saved = process.env.STRATA_FTP_INSECURE_TLS;
    delete process.env.STRATA_FTP_INSECURE_TLS;
    try {
      const { error, lines } = await run({ url: url(ftp.port, "ftps"), destDir: dest, backoffMs: 2000 });
      assertCleanFailure(error, lines, /TLS certificate rejected \((DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN)\)/);
      assert.ok(!lines.some((l) => /retrying/.test(l)));
    } finally {
      if (saved !== undefined) process.env.STRATA_FTP_INSECURE_TLS = saved;
    }
  });
});

describe("URL handling and secrets", () => {
  test("a password in the URL is refused, and not repeated in the error", () => {
    assert.throws(
      () => parseFtpUrl("ftp://vendor:hunter2@ftp.example.com/vendor"),
      (e: Error) =>
        e instanceof StrataError &&
        e.message === "ftp://vendor@ftp.example.com/vendor: the URL contains a password; remove it and put the password in STRATA_FTP_PASSWORD",
    );
    assert.equal(redactUrl("ftps://u:p@ss@h:2121/x"), "ftps://u@h:2121/x");
    assert.equal(redactUrl("ftp://u:pa/ss@h/x"), "ftp://u@h/x");
    assert.equal(redactUrl("ftp://u@h/x"), "ftp://u@h/x");
    assert.throws(() => parseFtpUrl("ftp://u:pa/ss@h/x"), (e: Error) => !e.message.includes("pa/ss"));
  });

  test("parses user, host, port, path; relative to the login dir unless %2F", () => {
    assert.deepEqual(parseFtpUrl("ftps://me@ftp.example.com:2121/vendor/feed"), {
      protocol: "ftps",
      host: "ftp.example.com",
      port: 2121,
      user: "me",
      path: "vendor/feed",
    });
    assert.equal(parseFtpUrl("ftp://me@h/%2Fsrv/vendor").path, "/srv/vendor");
    assert.equal(parseFtpUrl("ftp://me@h").port, 21);
    assert.throws(() => parseFtpUrl("http://me@h/x"), StrataError);
    assert.throws(() => parseFtpUrl("ftp://h/x"), /no user/);
  });

  test("a missing password or a bad date fails before any connection", async () => {
    const saved = process.env.STRATA_FTP_PASSWORD;
    delete process.env.STRATA_FTP_PASSWORD;
    try {
      const dest = await freshDir();
      await assert.rejects(
        downloadNight({ url: "ftp://u@127.0.0.1:9/vendor", date: DATE, destDir: dest }),
        /STRATA_FTP_PASSWORD is not set/,
      );
      await assert.rejects(
        downloadNight({ url: "ftp://u@127.0.0.1:9/vendor", date: "2022-02-30", destDir: dest, password: "x" }),
        /not a calendar date/,
      );
    } finally {
      if (saved !== undefined) process.env.STRATA_FTP_PASSWORD = saved;
    }
  });
});
