import { StrataError } from "../errors.ts";

/** Where a night comes from. Never holds the password: that lives only in STRATA_FTP_PASSWORD. */
export interface FtpLocation {
  /** "ftps" means explicit FTPS (AUTH TLS on the normal port), the form vendors usually offer. */
  protocol: "ftp" | "ftps";
  host: string;
  port: number;
  user: string;
  /** Path of the night's folder or of the folder holding dated night folders (see locateNight), as given to CWD. */
  path: string;
}

/**
 * Parses `ftp://user@host[:port]/path` or `ftps://…`.
 *
 * The path follows RFC 1738: it is relative to the login directory (on the usual chrooted vendor
 * account that is the same as absolute); write `/%2F…` to force an absolute path.
 * A password in the URL is refused rather than silently used: URLs end up in shell history, CI logs
 * and error messages, so accepting one there would make every later redaction a best effort.
 */
export function parseFtpUrl(raw: string): FtpLocation {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new StrataError(`${redactUrl(raw)}: not a valid URL (expected ftp://user@host[:port]/path or ftps://…)`);
  }
  const protocol = url.protocol.replace(/:$/, "");
  if (protocol !== "ftp" && protocol !== "ftps") {
    throw new StrataError(`${redactUrl(raw)}: unsupported scheme "${protocol}:" (expected ftp:// or ftps://)`);
  }
  if (url.password !== "") {
    throw new StrataError(
      `${redactUrl(raw)}: the URL contains a password; remove it and put the password in STRATA_FTP_PASSWORD`,
    );
  }
  if (url.username === "") {
    throw new StrataError(`${redactUrl(raw)}: the URL has no user (expected ftp://user@host/path)`);
  }
  if (url.hostname === "") {
    throw new StrataError(`${redactUrl(raw)}: the URL has no host`);
  }
  if (url.search !== "" || url.hash !== "") {
    throw new StrataError(`${redactUrl(raw)}: query strings and fragments are not supported in FTP URLs`);
  }
  let decoded: string[];
  try {
    decoded = url.pathname.split("/").filter((s) => s !== "").map((s) => decodeURIComponent(s));
  } catch {
    throw new StrataError(`${redactUrl(raw)}: the path has a malformed %-escape`);
  }
  // A first segment of "%2F" is RFC 1738's way of saying "absolute".
  const absolute = decoded[0] === "/";
  const path = (absolute ? "/" : "") + decoded.slice(absolute ? 1 : 0).join("/");
  if (decoded.some((s) => s === "..")) {
    throw new StrataError(`${redactUrl(raw)}: ".." is not allowed in the path`);
  }
  return {
    protocol,
    host: url.hostname.replace(/^\[(.*)\]$/, "$1"),
    port: url.port === "" ? 21 : Number(url.port),
    user: safeDecode(url.username),
    path,
  };
}

/** The form used in every log line and error: scheme, user, host, port, path; never a password. */
export function formatLocation(loc: FtpLocation, ...subPath: string[]): string {
  const host = loc.host.includes(":") ? `[${loc.host}]` : loc.host;
  const port = loc.port === 21 ? "" : `:${loc.port}`;
  const joined = [loc.path, ...subPath].filter((p) => p !== "").join("/");
  const path = joined.startsWith("/") ? "%2F" + joined.slice(1) : joined;
  return `${loc.protocol}://${encodeURIComponent(loc.user)}@${host}${port}/${path}`;
}

/**
 * Best-effort redaction for strings that may not even parse: keeps only the user name between
 * "scheme://" and the LAST "@" (a password may itself contain "@" or "/"), so
 * `ftp://u:se@cret@h/p` becomes `ftp://u@h/p`. Over-redacting a path with "@" in it is acceptable.
 */
export function redactUrl(raw: string): string {
  const oneLine = raw.replace(/[\r\n\t]+/g, " ");
  const m = /^([a-z][a-z0-9+.-]*:\/\/)(.*)$/i.exec(oneLine);
  if (!m) return oneLine.includes("@") ? "<unparsable URL>" : oneLine;
  const [, scheme, rest] = m as unknown as [string, string, string];
  const at = rest.lastIndexOf("@");
  if (at === -1) return oneLine;
  const userinfo = rest.slice(0, at);
  return `${scheme}${userinfo.split(":")[0]}${rest.slice(at)}`;
}

/**
 * Removes a secret from free text (server replies, library errors) before it is logged or thrown.
 * Server replies are not under our control and some servers echo what they were sent.
 */
export function scrub(text: string, secret: string | undefined): string {
  const oneLine = text.replace(/\s*[\r\n]+\s*/g, " ").trim();
  if (!secret) return oneLine;
  return oneLine.split(secret).join("***");
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
