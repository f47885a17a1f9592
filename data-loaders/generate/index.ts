/**
 * Synthetic Strider-like data: K nightly vendor dumps (nested v2 JSON) plus the internal CSV
 * extracts, in exactly the real files' shapes, with a truth file describing every night's changes.
 *
 * Layout written under `outDir`:
 *   vendor/YYYY-MM-DD/{authors,books,reviews}.json   one folder per night (JSON arrays, no trailing newline)
 *   internal/{movies,users,streams}.csv               once
 *   web/                                              with `web`: the web analytics feeds (web.ts)
 *   generation.json                                   expected truth (see GenerationTruth)
 *
 * Cost: time linear in the bytes written, single-threaded: vendor JSON ≈ 100 MB/s, streams.csv
 * ≈ 45–50 MB/s (measured on the 2-core dev box). Memory stays flat (≈ 130–170 MB RSS even for a
 * 1 GB night): 3 bytes per vendor index ever born (typed arrays: presence, version), plus the
 * movie titles and, up to 1.5 M users, their e-mails. A 1 GB (10⁹ bytes) night: scale 4215; 1 GiB: 4525
 * (with internalScale 1, so streams.csv does not grow to ~5 GB as well).
 *
 * Change model between nights (per index, from a hash of (seed, entity, index, night)): 3 % of
 * present records deleted, 4 % updated (author died_at or nationality, book publisher or pages,
 * review rating + updated), 35 % of deleted ones reappear (half of them changed), 3 % of the base
 * count added. Names, titles and review texts never change: they carry the business keys.
 */
import { closeSync, mkdirSync, openSync, writeSync } from "node:fs";
import { join, relative } from "node:path";
import { daysFromCivil, fmtDay } from "./random.ts";
import { RATES, VENDOR_ENTITIES, World, csv, type VendorEntity } from "./records.ts";
import { generateWeb, type WebOptions, type WebTruth } from "./web.ts";

export { World, type VendorEntity } from "./records.ts";
export type { WebOptions, WebTruth } from "./web.ts";

export interface GenerateOptions {
  /** Output directory (created if missing; existing files of the same names are overwritten). */
  outDir: string;
  /** Linear size knob: 1 ≈ the real data (200 authors, 100 books, 500 reviews, 91 movies, 783 users, 9,652 streams). May be fractional. */
  scale: number;
  /** Number of consecutive nightly vendor dumps (≥ 1). */
  nights: number;
  /** PRNG seed (32-bit integer); same options → byte-identical output. Default 1. */
  seed?: number;
  /** Date of the first night, YYYY-MM-DD. Default "2022-03-01". */
  startDate?: string;
  /** Scale of the internal CSVs (movies, users, streams). Default: `scale`. Set it low (e.g. 1)
   *  to make a ≥ 1 GB vendor night without also writing ~5 GB of streams. */
  internalScale?: number;
  /** New records every night (default true). Without, the catalogue only loses, changes and
   *  regains records, so its size stays near night 0's: for measuring cost against nights. */
  growth?: boolean;
  /** Write the internal CSVs (default true). */
  internal?: boolean;
  /** Write the vendor nights (default true; false with `web` for web data only). */
  vendor?: boolean;
  /** The web analytics feeds under web/ (web.ts), from the same seed; default none. */
  web?: WebOptions;
  /** Record the business keys in generation.json when an entity has fewer records than this. Default 5000. */
  keyListLimit?: number;
  /** Told the file being written (relative to outDir) and its bytes so far, every few MB. */
  onProgress?: (file: string, bytes: number) => void;
}

export interface EntityChanges {
  /** Records in the dump (for authors this includes all-null records). */
  records: number;
  /** Keys seen for the first time (every record on night 0). */
  added: number;
  /** Present the night before and tonight, with different content. */
  updated: number;
  /** Present the night before, absent tonight. */
  deleted: number;
  /** Absent the night before (deleted earlier), present again tonight. */
  reappeared: number;
  /** Of `reappeared`, how many came back with changed content. */
  reappearedChanged: number;
  /** Authors only: entirely-null records (they have no key and take no part in the changes). */
  nullRecords?: number;
  /** Business keys, only when the entity's universe is below `keyListLimit`. */
  keys?: { added: string[]; updated: string[]; deleted: string[]; reappeared: string[] };
}

export interface NightTruth {
  night: number;
  date: string;
  dir: string;
  bytes: number;
  authors: EntityChanges;
  books: EntityChanges;
  reviews: EntityChanges;
}

/** Contents of generation.json (deterministic: no timings). */
export interface GenerationTruth {
  generator: "strata-generate/1";
  seed: number;
  scale: number;
  internalScale: number;
  startDate: string;
  keyDefinitions: Record<VendorEntity, string>;
  rates: typeof RATES;
  internal: { movies: number; users: number; streams: number; bytes: number } | null;
  nights: NightTruth[];
  /** The web feeds' totals; the whole truth is web/generation.json. */
  web: { truthFile: string; days: number; users: number; viewsPerDay: number; format: string; totals: WebTruth["totals"] } | null;
}

export interface GenerationSummary extends GenerationTruth {
  /** The web feeds' whole truth (as in web/generation.json), when generated. */
  webTruth: WebTruth | null;
  outDir: string;
  truthFile: string;
  totalBytes: number;
  seconds: number;
  mbPerSecond: number;
}

/** Buffered synchronous file writer: UTF-8 encodes each piece straight into a 4 MB buffer, counts bytes. */
class Out {
  private fd: number;
  private buf = Buffer.allocUnsafe(1 << 22);
  private pos = 0;
  bytes = 0;
  constructor(
    path: string,
    /** told the bytes written so far at each flush */
    private readonly onFlush: (bytes: number) => void = () => {},
  ) {
    this.fd = openSync(path, "w");
  }
  write(s: string): void {
    if (this.pos + s.length * 3 > this.buf.length) {
      this.flush();
      if (s.length * 3 > this.buf.length) {
        this.bytes += writeSync(this.fd, s);
        return;
      }
    }
    this.pos += this.buf.write(s, this.pos);
  }
  flush(): void {
    let off = 0;
    while (off < this.pos) off += writeSync(this.fd, this.buf, off, this.pos - off);
    this.bytes += this.pos;
    this.pos = 0;
    this.onFlush(this.bytes);
  }
  close(): number {
    this.flush();
    closeSync(this.fd);
    return this.bytes;
  }
}

const KEY_DEFS: Record<VendorEntity, string> = {
  authors: "lower(trim(metadata.name))",
  books: "lower(trim(name))",
  reviews: "lower(books[0].metadata.title) || '|' || lower(movie title other than 'end') || '|' || content.text",
};

/**
 * Writes the whole data set and returns its summary (also written, without timings, to
 * outDir/generation.json). Time is linear in the output size; memory is O(vendor indices) bytes.
 */
export async function generate(opts: GenerateOptions): Promise<GenerationSummary> {
  const t0 = performance.now();
  const seed = (opts.seed ?? 1) >>> 0;
  const scale = opts.scale;
  const internalScale = opts.internalScale ?? scale;
  const nights = Math.floor(opts.nights);
  const startDate = opts.startDate ?? "2022-03-01";
  const keyListLimit = opts.keyListLimit ?? 5000;
  if (!(scale > 0) || !(internalScale > 0)) throw new RangeError(`scale must be > 0 (got ${scale}, ${internalScale})`);
  const vendor = opts.vendor ?? true;
  if (vendor && (!(nights >= 1) || nights > 366)) throw new RangeError(`nights must be 1..366 (got ${opts.nights})`);
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(startDate);
  if (!m) throw new RangeError(`startDate must be YYYY-MM-DD (got ${startDate})`);
  const day0 = daysFromCivil(+m[1], +m[2], +m[3]);
  const world = new World(seed, scale, internalScale, opts.growth ?? true);
  mkdirSync(opts.outDir, { recursive: true });

  let internal: GenerationTruth["internal"] = null;
  const watch = (path: string) => (bytes: number) => opts.onProgress?.(relative(opts.outDir, path), bytes);
  if (opts.internal !== false) internal = writeInternal(world, join(opts.outDir, "internal"), watch);

  // Per-index lifecycle state, advanced night by night: presence and version.
  const state = {} as Record<VendorEntity, { present: Uint8Array; version: Uint16Array }>;
  for (const e of VENDOR_ENTITIES) {
    const n = world.universe(e, nights - 1);
    state[e] = { present: new Uint8Array(n), version: new Uint16Array(n) };
  }

  const truth: NightTruth[] = [];
  for (let k = 0; k < (vendor ? nights : 0); k++) {
    const date = fmtDay(day0 + k);
    const dir = join(opts.outDir, "vendor", date);
    mkdirSync(dir, { recursive: true });
    const night: Partial<NightTruth> = { night: k, date, dir: `vendor/${date}`, bytes: 0 };
    for (const e of VENDOR_ENTITIES) {
      const ch = writeNight(world, e, k, state[e], join(dir, `${e}.json`), world.universe(e, nights - 1) < keyListLimit, watch);
      night.bytes! += ch.bytes;
      night[e] = ch.changes;
    }
    truth.push(night as NightTruth);
  }

  const webTruth = opts.web
    ? await generateWeb({ startDate, ...opts.web, outDir: opts.outDir, seed, keyListLimit, onProgress: opts.onProgress })
    : null;
  const web: GenerationTruth["web"] = webTruth && {
    truthFile: "web/generation.json", days: webTruth.days, users: webTruth.users, viewsPerDay: webTruth.viewsPerDay, format: webTruth.format, totals: webTruth.totals,
  };
  const doc: GenerationTruth = {
    generator: "strata-generate/1", seed, scale, internalScale, startDate, keyDefinitions: KEY_DEFS, rates: RATES, internal, nights: truth, web,
  };
  const truthFile = join(opts.outDir, "generation.json");
  const tf = new Out(truthFile);
  tf.write(JSON.stringify(doc, null, 1) + "\n");
  tf.close();
  const totalBytes = truth.reduce((s, n) => s + n.bytes, 0) + (internal?.bytes ?? 0) + (web?.totals.bytes ?? 0);
  const seconds = (performance.now() - t0) / 1000;
  return { ...doc, webTruth, outDir: opts.outDir, truthFile, totalBytes, seconds, mbPerSecond: totalBytes / 1e6 / Math.max(seconds, 1e-9) };
}

/**
 * Advances every index of one entity to night k, writes the dump and classifies the changes.
 * O(universe) time; strings are built per record and flushed in 1 MB chunks.
 */
function writeNight(
  world: World, e: VendorEntity, k: number, st: { present: Uint8Array; version: Uint16Array }, path: string, withKeys: boolean,
  watch: (path: string) => (bytes: number) => void,
): { bytes: number; changes: EntityChanges } {
  const out = new Out(path, watch(path));
  const prevU = k === 0 ? 0 : world.universe(e, k - 1);
  const U = world.universe(e, k);
  const ch: EntityChanges = { records: 0, added: 0, updated: 0, deleted: 0, reappeared: 0, reappearedChanged: 0 };
  const keys = withKeys ? { added: [] as string[], updated: [] as string[], deleted: [] as string[], reappeared: [] as string[] } : undefined;
  let nulls = 0;
  out.write("[");
  for (let i = 0; i < U; i++) {
    const isNull = e === "authors" && world.isNullAuthor(i);
    let kind: "added" | "updated" | "deleted" | "reappeared" | null = null;
    if (i >= prevU) {
      st.present[i] = 1;
      st.version[i] = 0;
      kind = "added";
    } else if (!isNull) {
      const u = world.lifeDraw(e, i, k);
      if (st.present[i]) {
        if (u < RATES.delete) { st.present[i] = 0; kind = "deleted"; }
        else if (u < RATES.delete + RATES.update) { st.version[i]++; kind = "updated"; }
      } else if (u < RATES.reappear) {
        st.present[i] = 1;
        kind = "reappeared";
        if (world.lifeDraw(e, i, k, true) < RATES.reappearChanged) { st.version[i]++; ch.reappearedChanged++; }
      }
    }
    if (st.present[i]) {
      if (ch.records) out.write(",");
      out.write(world.json(e, i, st.version[i]));
      ch.records++;
    }
    if (isNull) { if (st.present[i]) nulls++; continue; }
    if (kind) {
      ch[kind]++;
      keys?.[kind].push(world.key(e, i));
    }
  }
  out.write("]");
  if (e === "authors") ch.nullRecords = nulls;
  if (keys) ch.keys = keys;
  return { bytes: out.close(), changes: ch };
}

/** Writes movies.csv, users.csv and streams.csv. O(streams) time, O(movies) memory. */
function writeInternal(world: World, dir: string, watch: (path: string) => (bytes: number) => void): NonNullable<GenerationTruth["internal"]> {
  mkdirSync(dir, { recursive: true });
  const { movies, users, streams } = world.base;
  let bytes = 0;
  const titles: string[] = new Array(movies);
  let o = new Out(join(dir, "movies.csv"), watch(join(dir, "movies.csv")));
  o.write("title,duration_mins,original_language,size_mb\n");
  for (let m = 0; m < movies; m++) {
    titles[m] = csv(world.movieTitle(m));
    o.write(world.movieCsv(m));
  }
  bytes += o.close();
  o = new Out(join(dir, "users.csv"), watch(join(dir, "users.csv")));
  o.write("first_name,last_name,email\n");
  for (let u = 0; u < users; u++) o.write(world.userCsv(u));
  bytes += o.close();
  o = new Out(join(dir, "streams.csv"), watch(join(dir, "streams.csv")));
  o.write("movie_title,user_email,size_mb,start_at,end_at\n");
  const title = (m: number) => titles[m];
  // E-mails are cached while that costs < ~100 MB; beyond, each stream recomputes its user's e-mail.
  const emails = users <= 1_500_000 ? Array.from({ length: users }, (_, u) => world.email(u)) : null;
  const email = emails ? (u: number) => emails[u] : (u: number) => world.email(u);
  for (let s = 0; s < streams; s++) o.write(world.streamCsv(s, title, email));
  bytes += o.close();
  return { movies, users, streams, bytes };
}
