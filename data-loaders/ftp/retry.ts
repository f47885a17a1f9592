import { setTimeout as sleep } from "node:timers/promises";

/**
 * A failure we have already understood. `transient` decides whether another attempt can help:
 * a dropped connection can, a wrong password or a missing file cannot (and retrying a 530 can get
 * the account locked).
 */
export class FtpFailure extends Error {
  constructor(
    readonly reason: string,
    readonly transient: boolean,
  ) {
    super(reason);
    this.name = "FtpFailure";
  }
}

// Network conditions that a later connection may not hit.
const TRANSIENT_CODES: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ECONNRESET: "connection reset",
  ECONNABORTED: "connection aborted",
  EPIPE: "connection closed while sending",
  ETIMEDOUT: "connection timed out",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  ENETDOWN: "network down",
  EAI_AGAIN: "temporary DNS failure",
};

// Certificate problems are configuration, not weather: retrying only delays the real message.
const TLS_CODE = /^(ERR_TLS_|CERT_|DEPTH_ZERO_|SELF_SIGNED_|UNABLE_TO_(GET|VERIFY)_|ERR_SSL_)/;

/** Sorts any error thrown while talking to the server into "try again" or "give up now". */
export function classify(err: unknown, timeoutMs: number): FtpFailure {
  if (err instanceof FtpFailure) return err;
  const e = err as { code?: unknown; message?: unknown } | undefined;
  const message = typeof e?.message === "string" ? e.message : String(err);
  const code = e?.code;

  if (typeof code === "number") return classifyReply(code, message);
  if (typeof code === "string") {
    if (code in TRANSIENT_CODES) return new FtpFailure(`${TRANSIENT_CODES[code]} (${code})`, true);
    if (code === "ENOTFOUND") return new FtpFailure("host not found (ENOTFOUND)", false);
    if (TLS_CODE.test(code)) {
      return new FtpFailure(
        `TLS certificate rejected (${code}); for a test server with a self-signed certificate set STRATA_FTP_INSECURE_TLS=1`,
        false,
      );
    }
  }
  // basic-ftp reports these as plain Errors; the wording is its own and stable across 5.x/6.x.
  if (/^Timeout \((control|data) socket\)/.test(message) || /Client is closed because Timeout/.test(message)) {
    const which = /data/.test(message) ? "data" : "control";
    return new FtpFailure(`no answer from the server within ${timeoutMs} ms (${which} connection)`, true);
  }
  if (/closed connection unexpectedly|Socket closed due to transmission error|Client is closed because/i.test(message)) {
    return new FtpFailure(`connection dropped (${message})`, true);
  }
  const nested = /\b(ECONN[A-Z]+|EPIPE|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|EAI_AGAIN)\b/.exec(message);
  if (nested) return new FtpFailure(`${TRANSIENT_CODES[nested[1]!] ?? "network error"} (${nested[1]})`, true);
  // Anything else (local disk full, a bug) is not something waiting will fix.
  return new FtpFailure(message, false);
}

function classifyReply(code: number, message: string): FtpFailure {
  const text = message.replace(/^\d{3}[ -]?/, "").trim();
  if (code === 530 || code === 532) {
    return new FtpFailure(`login refused (${code} ${text}); check the user in the URL and STRATA_FTP_PASSWORD`, false);
  }
  // RFC 959: 4xx is "transient negative completion": the same command may succeed later.
  if (code >= 400 && code < 500) return new FtpFailure(`server replied ${code} ${text}`, true);
  return new FtpFailure(`server replied ${code} ${text}`, false);
}

export interface RetryPolicy {
  /** Total attempts including the first. */
  attempts: number;
  /** Wait before the 2nd attempt; doubles each time, capped by maxBackoffMs. */
  backoffMs: number;
  maxBackoffMs?: number;
}

export class RetriesExhausted extends Error {
  constructor(
    readonly last: FtpFailure,
    readonly attempts: number,
  ) {
    super(`${last.reason} (gave up after ${attempts} attempts)`);
    this.name = "RetriesExhausted";
  }
}

/**
 * Runs `fn` until it succeeds, a permanent failure occurs, or attempts run out.
 * No jitter: there is one client per night, so there is no herd to spread out, and a fixed
 * schedule makes logs and tests predictable.
 */
export async function withRetry<T>(
  fn: (attempt: number) => Promise<T>,
  policy: RetryPolicy,
  toFailure: (err: unknown) => FtpFailure,
  onRetry: (failure: FtpFailure, attempt: number, delayMs: number) => void,
): Promise<T> {
  const attempts = Math.max(1, Math.floor(policy.attempts));
  const maxBackoff = policy.maxBackoffMs ?? 5 * 60_000;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      const failure = toFailure(err);
      if (!failure.transient) throw failure;
      if (attempt >= attempts) throw new RetriesExhausted(failure, attempts);
      const delay = Math.min(maxBackoff, policy.backoffMs * 2 ** (attempt - 1));
      onRetry(failure, attempt, delay);
      await sleep(delay);
    }
  }
}
