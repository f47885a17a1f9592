// Test-only FTP plumbing: a real ftp-srv on loopback, a proxy that can drop data connections,
// and a server that accepts TCP but never speaks. Nothing here is used by the product code.
import { execFileSync } from "node:child_process";
import { cp, mkdir, mkdtemp, readFile } from "node:fs/promises";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FtpSrv } from "ftp-srv";

export const SOURCE_NIGHT = "/work/shared/datasets/strider/vendor_v2_2022-02-26";
export const FTP_USER = "vendor";
export const FTP_PASSWORD = "Tr0ub4dor&3-not-in-logs";

/** A temp FTP root with `vendor/<date>/` holding copies of the real small dump files. */
export async function makeFtpRoot(date: string, files = ["authors.json", "books.json", "reviews.json"]): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), "strata-ftp-root-"));
  const night = join(root, "vendor", date);
  await mkdir(night, { recursive: true });
  for (const f of files) await cp(join(SOURCE_NIGHT, f), join(night, f));
  return root;
}

const quietLog = {
  trace() {},
  debug() {},
  info() {},
  warn() {},
  error() {},
  fatal() {},
  child() {
    return quietLog;
  },
};

export interface RunningFtp {
  port: number;
  close(): Promise<void>;
}

export interface FtpOptions {
  root: string;
  tls?: { key: string; cert: string };
  /** Called after each completed RETR with the server-side path. */
  onRetr?: (serverPath: string) => void;
  /** Make the 530 reply echo the password it was given, to prove the client scrubs replies. */
  echoPasswordOnFailure?: boolean;
}

export async function startFtp(opts: FtpOptions): Promise<RunningFtp> {
  const server = new FtpSrv({
    url: "ftp://127.0.0.1:0",
    pasv_url: "127.0.0.1",
    pasv_min: 20000,
    pasv_max: 60000,
    anonymous: false,
    tls: opts.tls ?? false,
    log: quietLog,
  } as ConstructorParameters<typeof FtpSrv>[0]);
  server.on("login", ({ connection, username, password }, resolve, reject) => {
    if (username !== FTP_USER || password !== FTP_PASSWORD) {
      reject(new Error(opts.echoPasswordOnFailure ? `bad password "${password}" for ${username}` : "Authentication failed"));
      return;
    }
    if (opts.onRetr) {
      connection.on("RETR", (err: unknown, path: string) => {
        if (!err) opts.onRetr!(path);
      });
    }
    resolve({ root: opts.root });
  });
  await server.listen();
  // ftp-srv does not type its underlying net.Server; with port 0 it is the only way to learn the port.
  const port = ((server as unknown as { server: net.Server }).server.address() as net.AddressInfo).port;
  return {
    port,
    close: async () => {
      await server.close().catch(() => undefined);
    },
  };
}

/** A self-signed certificate for 127.0.0.1, made at test time so no key is ever committed. */
export async function selfSignedCert(): Promise<{ key: string; cert: string }> {
  const dir = await mkdtemp(join(tmpdir(), "strata-ftp-cert-"));
  execFileSync(
    "openssl",
    [
      "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
      "-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem"), "-days", "1",
      "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
    ],
    { stdio: "ignore" },
  );
  return { key: await readFile(join(dir, "key.pem"), "utf8"), cert: await readFile(join(dir, "cert.pem"), "utf8") };
}

export interface Proxy {
  port: number;
  /** Data connections cut so far. */
  drops: number;
  close(): Promise<void>;
}

/**
 * Sits between client and ftp-srv. Passive-mode replies (227/229) are rewritten to point at a
 * per-transfer relay, and the first `dropCount` relays that carry more than `dropAfterBytes`
 * (i.e. file transfers, not the short listings) are cut with a TCP RST mid-stream.
 */
export async function startDroppingProxy(target: number, dropAfterBytes: number, dropCount: number): Promise<Proxy> {
  const sockets = new Set<net.Socket>();
  const servers = new Set<net.Server>();
  const state: Proxy = { port: 0, drops: 0, close: async () => {} };
  const track = (s: net.Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
    s.on("error", () => {});
  };

  const relay = (dataPort: number) =>
    new Promise<number>((resolve) => {
      const srv = net.createServer((client) => {
        track(client);
        const upstream = net.connect(dataPort, "127.0.0.1");
        track(upstream);
        client.pipe(upstream);
        let seen = 0;
        upstream.on("data", (chunk: Buffer) => {
          seen += chunk.length;
          if (seen > dropAfterBytes && state.drops < dropCount) {
            state.drops++;
            client.resetAndDestroy();
            upstream.destroy();
            return;
          }
          client.write(chunk);
        });
        upstream.on("end", () => client.end());
        srv.close();
      });
      servers.add(srv);
      srv.listen(0, "127.0.0.1", () => resolve((srv.address() as net.AddressInfo).port));
    });

  const control = net.createServer((client) => {
    track(client);
    const upstream = net.connect(target, "127.0.0.1");
    track(upstream);
    client.pipe(upstream);
    let buffered = "";
    let chain = Promise.resolve();
    upstream.on("data", (chunk: Buffer) => {
      buffered += chunk.toString("latin1");
      const lines = buffered.split("\r\n");
      buffered = lines.pop()!;
      for (const line of lines) {
        chain = chain.then(async () => {
          let out = line;
          const epsv = /^229 (.*)\(\|\|\|(\d+)\|\)/.exec(line);
          const pasv = /^227 .*?(\d+),(\d+),(\d+),(\d+),(\d+),(\d+)/.exec(line);
          if (epsv) {
            out = `229 ${epsv[1]}(|||${await relay(Number(epsv[2]))}|)`;
          } else if (pasv) {
            const p = await relay(Number(pasv[5]) * 256 + Number(pasv[6]));
            out = `227 Entering Passive Mode (127,0,0,1,${p >> 8},${p & 255})`;
          }
          if (!client.destroyed) client.write(out + "\r\n");
        });
      }
    });
    upstream.on("end", () => chain.then(() => client.end()));
    client.on("close", () => upstream.destroy());
  });
  servers.add(control);
  await new Promise<void>((r) => control.listen(0, "127.0.0.1", r));
  state.port = (control.address() as net.AddressInfo).port;
  state.close = async () => {
    for (const s of sockets) s.destroy();
    await Promise.all([...servers].map((s) => new Promise((r) => s.close(() => r(undefined)))));
  };
  return state;
}

/** Accepts TCP connections and never sends a byte: the "hung server" case. */
export async function startSilentServer(): Promise<RunningFtp> {
  const sockets = new Set<net.Socket>();
  const srv = net.createServer((s) => {
    sockets.add(s);
    s.on("error", () => {});
  });
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  return {
    port: (srv.address() as net.AddressInfo).port,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((r) => srv.close(() => r(undefined)));
    },
  };
}

/** A port that nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise((r) => srv.close(() => r(undefined)));
  return port;
}
