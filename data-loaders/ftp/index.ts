// The FTP source: fetch one night's vendor dump into a staging directory.
export { downloadNight, type DownloadNightOptions, type DownloadNightResult, type DownloadedFile } from "./download.ts";
export { NIGHT_FILES, nightFolder, assertNightDate, locateNight, type ListFolder, type NightFileName } from "./layout.ts";
export { parseFtpUrl, formatLocation, redactUrl, scrub, type FtpLocation } from "./url.ts";
export { classify, withRetry, FtpFailure, RetriesExhausted, type RetryPolicy } from "./retry.ts";
