/**
 * The synthetic world: sizes, unique names and the text of every record, each derived from
 * (seed, entity, index, version) alone. Nothing is stored per record, so memory stays flat at
 * any scale; each `*Json` / `*Csv` method costs O(version) time and returns one string.
 *
 * Uniqueness without Sets: names, titles, review texts and e-mails are a mixed-radix decoding
 * of `AffinePerm(index)`, a bijection over a name space sized ≥ 20× the base count, so distinct
 * indices always give distinct (case-insensitively) strings.
 */
import { AffinePerm, Rng, daysFromCivil, fmtDay, fmtTs, unit4 } from "./random.ts";
import {
  DEMONYMS, FAMOUS_BOOKS, FAMOUS_MOVIES, FIRST_NAMES, LANGUAGES, LAST_NAMES, LATIN, NAME_PREFIXES,
  NAME_SUFFIXES, PINNED_MOVIES, PUBLISHERS, TITLE_ADJECTIVES, TITLE_NOUNS, TLDS, slugify,
} from "./vocab.ts";

/** Entity tags mixed into every hash. */
export const enum Tag { Author = 1, Book = 2, Review = 3, Movie = 4, User = 5, Stream = 6, AuthorUpd = 11, BookUpd = 12, ReviewUpd = 13, Life = 20, Life2 = 30, Null = 40, Shuffle = 50, Perm = 60 }

export const RATE_LABELS = ["", "ONE", "TWO", "THREE", "FOUR", "FIVE"];
export const NULL_AUTHOR =
  '{"metadata":{"name":null,"birth_date":null,"died_at":null},"nationalities":[{"id":null,"label":"","slug":null},{"id":null,"label":"unknown","slug":null}]}';
const DUMMY_NAT = '{"id":null,"label":"","slug":null}';
const SINGAPOREANS = DEMONYMS.indexOf("Singaporeans");
const NAT_JSON = DEMONYMS.map((l) => `{"id":null,"label":${q(l)},"slug":${q(slugify(l))}}`);
const F = FIRST_NAMES.length, L = LAST_NAMES.length, W = LATIN.length;
const FIRST_LC = FIRST_NAMES.map((s) => s.toLowerCase().replace(/[^a-z]/g, ""));
const LAST_LC = LAST_NAMES.map((s) => s.toLowerCase().replace(/[^a-z]/g, ""));
const LATIN_CAP = LATIN.map((w) => w[0].toUpperCase() + w.slice(1));
const DAY_MS = 86400000;
/** 2021-12-01T00:00 at +01:00, in UTC epoch ms. */
export const DEC1_LOCAL = Date.UTC(2021, 11, 1) - 3600000;

/** JSON string literal; fast path for strings that need no escaping. */
export function q(s: string): string {
  return /["\\\u0000-\u001f]/.test(s) ? JSON.stringify(s) : `"${s}"`;
}
/** CSV field, double-quoted only when it contains a comma, quote or newline. */
export function csv(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Base counts at scale 1 (the real data's sizes). */
export const BASE = { authors: 200, books: 100, reviews: 500, movies: 91, users: 783, streams: 9652 };
/** Fraction of the base count added as new records each night, and per-night change rates. */
export const RATES = { add: 0.03, delete: 0.03, update: 0.04, reappear: 0.35, reappearChanged: 0.5, nullAuthor: 1 / 500 };

export type VendorEntity = "authors" | "books" | "reviews";
export const VENDOR_ENTITIES: VendorEntity[] = ["authors", "books", "reviews"];
const TAG: Record<VendorEntity, number> = { authors: Tag.Author, books: Tag.Book, reviews: Tag.Review };

/** Titles from a famous list first (shuffled by seed, pinned entries kept first), then generated ones. */
class TitleSpace {
  private famous: string[];
  private famousLc: Set<string>;
  private perm: AffinePerm;
  private gram: number;
  constructor(seed: number, salt: number, pinned: string[], famous: string[], private kind: "book" | "movie") {
    const sh = famous.slice();
    const r = new Rng().reset(seed, Tag.Shuffle, salt, 0);
    for (let i = sh.length - 1; i > 0; i--) {
      const j = r.int(i + 1);
      [sh[i], sh[j]] = [sh[j], sh[i]];
    }
    this.famous = [...pinned, ...sh];
    this.famousLc = new Set(this.famous.map((t) => t.toLowerCase()));
    this.gram = 4 * TITLE_ADJECTIVES.length * TITLE_NOUNS.length;
    this.perm = new AffinePerm(this.gram, seed, Tag.Perm + salt);
  }
  title(i: number): string {
    if (i < this.famous.length) return this.famous[i];
    // the grammar block is permuted; the block number (sequel) is not, so sequels only appear once a block is used up
    const g = i - this.famous.length;
    let j = this.perm.apply(g % this.gram);
    const sequel = Math.floor(g / this.gram);
    const NA = TITLE_ADJECTIVES.length, NN = TITLE_NOUNS.length;
    const p = j % 4; j = Math.floor(j / 4);
    const a = j % NA; j = Math.floor(j / NA);
    const n = j % NN;
    const n2 = TITLE_NOUNS[(a + n + 1) % NN] === TITLE_NOUNS[n] ? TITLE_NOUNS[(a + n + 2) % NN] : TITLE_NOUNS[(a + n + 1) % NN];
    let t: string;
    // patterns: (pattern, a, n) decode injectively; n2 is a function of (a, n) so it adds no ambiguity
    if (p === 0) t = `The ${TITLE_ADJECTIVES[a]} ${TITLE_NOUNS[n]}`;
    else if (p === 1) t = `${TITLE_ADJECTIVES[a]} ${TITLE_NOUNS[n]}`;
    else if (p === 2) t = `The ${TITLE_NOUNS[n]} of the ${TITLE_ADJECTIVES[a]} ${n2}`;
    else t = this.kind === "movie" ? `${TITLE_NOUNS[n]}, ${TITLE_ADJECTIVES[a]} ${n2}` : `${TITLE_ADJECTIVES[a]} ${TITLE_NOUNS[n]} and ${n2}`;
    if (sequel > 0) t += this.kind === "movie" ? ` ${sequel + 1}` : `: Book ${sequel + 1}`;
    if (this.famousLc.has(t.toLowerCase())) t += " (Second Edition)";
    return t;
  }
}

export interface WorldSizes {
  authors: number; books: number; reviews: number; movies: number; users: number; streams: number;
}

/**
 * All sizes and derivations for one (seed, scale, internalScale). Construction is O(list sizes).
 */
export class World {
  readonly base: WorldSizes;
  readonly addPerNight: Record<VendorEntity, number>;
  private r = new Rng();
  private authorPerm: AffinePerm;
  private authorSpace: number;
  private textPerm: AffinePerm;
  private textHigh: number;
  private emailPerm: AffinePerm;
  private emailBase: number;
  private books: TitleSpace;
  private movies: TitleSpace;
  readonly nullPinned: number;
  /** Movie catalogue size and per-movie (duration, size) cache: O(movies) numbers. */
  private movieSize: Int32Array;

  constructor(readonly seed: number, scale: number, internalScale: number, readonly growth = true) {
    const n = (b: number, min: number, s: number) => Math.max(min, Math.round(b * s));
    this.base = {
      authors: n(BASE.authors, 3, scale), books: n(BASE.books, 3, scale), reviews: n(BASE.reviews, 5, scale),
      movies: n(BASE.movies, 10, internalScale), users: n(BASE.users, 10, internalScale), streams: n(BASE.streams, 50, internalScale),
    };
    this.addPerNight = {
      authors: Math.max(1, Math.round(this.base.authors * RATES.add)),
      books: Math.max(1, Math.round(this.base.books * RATES.add)),
      reviews: Math.max(1, Math.round(this.base.reviews * RATES.add)),
    };
    const room = (x: number) => 20 * x + 1000;
    this.authorSpace = F * L * Math.ceil(room(this.base.authors) / (F * L));
    this.authorPerm = new AffinePerm(F * L, seed, Tag.Perm + Tag.Author);
    this.textHigh = Math.ceil(room(this.base.reviews) / (W * W * W));
    this.textPerm = new AffinePerm(W * W * W * this.textHigh, seed, Tag.Perm + Tag.Review);
    this.emailBase = F * (2 * L + 1) * L * TLDS.length;
    const emailHigh = Math.ceil(room(this.base.users) / this.emailBase);
    if (emailHigh > L + 1) throw new RangeError("internal scale too large for the e-mail name space");
    this.emailPerm = new AffinePerm(this.emailBase * emailHigh, seed, Tag.Perm + Tag.User);
    this.books = new TitleSpace(seed, Tag.Book, [], FAMOUS_BOOKS, "book");
    this.movies = new TitleSpace(seed, Tag.Movie, PINNED_MOVIES, FAMOUS_MOVIES, "movie");
    this.nullPinned = this.base.authors - 1;
    this.movieSize = new Int32Array(this.base.movies);
    for (let m = 0; m < this.base.movies; m++) {
      const r = this.r.reset(seed, Tag.Movie, m, 0);
      r.next(); r.next();
      this.movieSize[m] = r.range(500, 2400);
    }
  }

  /** Vendor universe size (indices ever born) at night k; without growth no record is ever new after night 0. */
  universe(e: VendorEntity, night: number): number {
    return this.base[e] + (this.growth ? night * this.addPerNight[e] : 0);
  }
  /** Night at which index i first appears. */
  birthNight(e: VendorEntity, i: number): number {
    return i < this.base[e] ? 0 : 1 + Math.floor((i - this.base[e]) / this.addPerNight[e]);
  }
  /** Authors at these indices are the vendor's all-null record (about 1 in 500, always ≥ 1). */
  isNullAuthor(i: number): boolean {
    return i === this.nullPinned || unit4(this.seed, Tag.Null, i, 0) < RATES.nullAuthor;
  }
  /** Lifecycle draw for (entity, index, night): uniform in [0,1). */
  lifeDraw(e: VendorEntity, i: number, night: number, second = false): number {
    return unit4(this.seed, (second ? Tag.Life2 : Tag.Life) + TAG[e], i, night);
  }

  // ---- names -------------------------------------------------------------------------------

  /**
   * Unique author name for index i: (first, last) from a permuted block of F·L, then the block
   * number adds a hyphenated second surname and, past L+1 blocks, middle initials. Prefixes and
   * suffixes never collide with the base names.
   */
  authorName(i: number): string {
    const fl = this.authorPerm.apply(i % (F * L));
    let j = Math.floor(i / (F * L));
    const f = fl % F;
    const l = Math.floor(fl / F);
    const l2 = j % (L + 1); let m = Math.floor(j / (L + 1));
    let mid = "";
    while (m > 0) { m -= 1; mid = String.fromCharCode(65 + (m % 26)) + ". " + mid; m = Math.floor(m / 26); }
    let name = `${FIRST_NAMES[f]} ${mid}${LAST_NAMES[l]}${l2 ? "-" + LAST_NAMES[l2 - 1] : ""}`;
    const d = unit4(this.seed, Tag.Author + 100, i, 0);
    if (d < 0.13) name = `${NAME_PREFIXES[Math.floor(d / 0.13 * NAME_PREFIXES.length)]} ${name}`;
    else if (d > 0.88) name = `${name} ${NAME_SUFFIXES[Math.floor((d - 0.88) / 0.12 * NAME_SUFFIXES.length)]}`;
    return name;
  }
  /** Name of an author who is never in authors.json (books may cite them). */
  phantomAuthorName(j: number): string {
    return this.authorName(this.authorSpace - 1 - j);
  }
  bookTitle(i: number): string { return this.books.title(i); }
  /** Movie universe: [0, movies) is the internal catalogue, [movies, 2·movies) only appears in reviews. */
  movieTitle(m: number): string { return this.movies.title(m); }
  /** Unique e-mail for user u. */
  email(u: number): string {
    let j = this.emailPerm.apply(u);
    const f = j % F; j = Math.floor(j / F);
    const k = j % (2 * L + 1); j = Math.floor(j / (2 * L + 1));
    const dl = j % L; j = Math.floor(j / L);
    const t = j % TLDS.length; const e = Math.floor(j / TLDS.length);
    const local = k === 0 ? FIRST_LC[f] : `${FIRST_LC[f]}${k <= L ? "." : "_"}${LAST_LC[(k - 1) % L]}`;
    return `${local}@${LAST_LC[dl]}${e ? "-" + LAST_LC[e - 1] : ""}.${TLDS[t]}`;
  }
  /** Unique review text: two Latin sentences; words 1, 3, 5 (and 6 when needed) carry the index. */
  reviewText(i: number): string {
    let j = this.textPerm.apply(i);
    const d1 = j % W; j = Math.floor(j / W);
    const d2 = j % W; j = Math.floor(j / W);
    const d3 = j % W; const d4 = Math.floor(j / W);
    const h = unit4(this.seed, Tag.Review + 100, i, 0) * W * W;
    const w2 = Math.floor(h) % W, w4 = Math.floor(h / W) % W;
    const w6 = this.textHigh > 1 ? d4 : (d1 + d2 + 7) % W;
    return `${LATIN_CAP[d1]} ${LATIN[w2]} ${LATIN[d2]}. ${LATIN_CAP[w4]} ${LATIN[d3]} ${LATIN[w6]}.`;
  }

  // ---- business keys (as the ETL computes them) ---------------------------------------------

  key(e: VendorEntity, i: number): string {
    if (e === "authors") return this.authorName(i).trim().toLowerCase();
    if (e === "books") return this.bookTitle(i).trim().toLowerCase();
    const { book, movie } = this.reviewLinks(i);
    return `${this.bookTitle(book).toLowerCase()}|${this.movieTitle(movie).toLowerCase()}|${this.reviewText(i)}`;
  }

  // ---- vendor records -------------------------------------------------------------------------

  authorJson(i: number, v: number): string {
    if (this.isNullAuthor(i)) return NULL_AUTHOR;
    const r = this.r.reset(this.seed, Tag.Author, i, 0);
    const birth = daysFromCivil(1920, 1, 1) + r.int(31400); // 1920 .. 2005
    let died: number | null = r.next() < 0.11 ? null : birth + r.range(20 * 365, 95 * 365);
    let nat = r.next() < 0.015 || i % 37 === 1 ? SINGAPOREANS : r.int(DEMONYMS.length); // ≥ 1 Singaporean at any scale
    const dummyFirst = r.next() < 0.6;
    for (let k = 1; k <= v; k++) {
      const u = this.r.reset(this.seed, Tag.AuthorUpd, i, k);
      if (u.next() < 0.5) died = died === null ? birth + u.range(20 * 365, 95 * 365) : died + u.range(1, 3650) * (u.next() < 0.5 ? -1 : 1);
      else nat = (nat + 1 + u.int(DEMONYMS.length - 1)) % DEMONYMS.length;
    }
    const natJson = NAT_JSON[nat];
    const d = died === null ? "null" : `"${fmtDay(died)}T00:00:00.000+0000"`;
    return `{"metadata":{"name":${q(this.authorName(i))},"birth_date":"${fmtDay(birth)}T00:00:00.000+0000","died_at":${d}},"nationalities":[${dummyFirst ? DUMMY_NAT + "," + natJson : natJson + "," + DUMMY_NAT}]}`;
  }

  bookJson(i: number, v: number): string {
    const r = this.r.reset(this.seed, Tag.Book, i, 0);
    const born = this.birthNight("books", i);
    let author: string;
    const phantom = r.next() < 0.08 && i !== 0;
    if (phantom) author = this.phantomAuthorName(r.int(1000));
    else {
      // every 100th book is by author 1, a Singaporean, so Q3 has an answer at any scale and on every night
      let a = i % 100 === 0 ? 1 : r.int(this.universe("authors", born));
      if (this.isNullAuthor(a)) a = a === 0 ? 1 : a - 1;
      author = this.authorName(a);
    }
    let pages = r.range(150, 9900);
    let pub = r.int(PUBLISHERS.length);
    for (let k = 1; k <= v; k++) {
      const u = this.r.reset(this.seed, Tag.BookUpd, i, k);
      if (u.next() < 0.5) pub = (pub + 1 + u.int(PUBLISHERS.length - 1)) % PUBLISHERS.length;
      else pages = Math.max(1, pages + u.range(1, 400) * (u.next() < 0.5 ? -1 : 1));
    }
    return `{"name":${q(this.bookTitle(i))},"pages":${pages},"author":${q(author)},"publisher":${q(PUBLISHERS[pub])}}`;
  }

  /** The book and movie a review names (immutable: they are part of its business key). */
  reviewLinks(i: number): { book: number; movie: number } {
    const r = this.r.reset(this.seed, Tag.Review, i, 0);
    const book = r.int(this.universe("books", this.birthNight("reviews", i)));
    const nm = this.base.movies;
    const movie = r.next() < 0.55 ? r.int(nm) : nm + r.int(nm);
    // every 200th review links one of those books (Singaporean author) to a catalogue movie
    if (i % 200 === 0) {
      const singaporeanBooks = Math.max(1, Math.floor(this.universe("books", this.birthNight("reviews", i)) / 100));
      return { book: (Math.floor(i / 200) % singaporeanBooks) * 100, movie: 1 + (Math.floor(i / 200) % (nm - 1)) };
    }
    return { book, movie };
  }

  reviewJson(i: number, v: number): string {
    const { book, movie } = this.reviewLinks(i);
    const r = this.r.reset(this.seed, Tag.Review, i, 1);
    let rate = 1 + r.int(5);
    const endFirst = r.next() < 0.5;
    const created = DEC1_LOCAL + Math.floor(r.next() * 31 * DAY_MS);
    let updated = DEC1_LOCAL + Math.floor(r.next() * 31 * DAY_MS);
    for (let k = 1; k <= v; k++) {
      const u = this.r.reset(this.seed, Tag.ReviewUpd, i, k);
      rate = 1 + ((rate - 1 + 1 + u.int(4)) % 5);
      updated = Date.UTC(2022, 0, 1) + Math.floor(u.next() * 59 * DAY_MS);
    }
    const m = `{"id":0,"title":${q(this.movieTitle(movie).toUpperCase())}}`;
    const movies = endFirst ? `{"id":0,"title":"end"},${m}` : `${m},{"id":0,"title":"end"}`;
    return `{"content":{"text":"${this.reviewText(i)}"},"rating":{"rate":${rate},"label":"${RATE_LABELS[rate]}"},"books":[{"id":null,"metadata":{"title":${q(this.bookTitle(book).toUpperCase())},"pages":"unknown"}}],"movies":[${movies}],"updated":"${fmtTs(updated, 60)}","created":"${fmtTs(created, 60)}"}`;
  }

  json(e: VendorEntity, i: number, v: number): string {
    return e === "authors" ? this.authorJson(i, v) : e === "books" ? this.bookJson(i, v) : this.reviewJson(i, v);
  }

  // ---- internal CSV rows (with trailing newline) ----------------------------------------------

  movieCsv(m: number): string {
    const r = this.r.reset(this.seed, Tag.Movie, m, 0);
    const duration = r.range(45, 160);
    const lang = r.pick(LANGUAGES);
    return `${csv(this.movieTitle(m))},${duration},${lang},${this.movieSize[m]}\n`;
  }
  userCsv(u: number): string {
    const r = this.r.reset(this.seed, Tag.User, u, 0);
    return `${FIRST_NAMES[r.int(F)]},${LAST_NAMES[r.int(L)]},${this.email(u)}\n`;
  }
  /** Every 211th stream (from the 8th) is Unforgiven on Christmas morning, overlapping 07:00–12:00 local. */
  streamCsv(s: number, movieTitleCsv: (m: number) => string, email: (u: number) => string): string {
    const r = this.r.reset(this.seed, Tag.Stream, s, 0);
    const user = r.int(this.base.users);
    let movie: number, start: number, dur: number;
    if (s % 211 === 7) {
      movie = 0; // PINNED_MOVIES[0] === "Unforgiven"
      start = DEC1_LOCAL + 24 * DAY_MS + 6 * 3600000 + Math.floor(r.next() * 5 * 3600000);
      dur = 5400000 + Math.floor(r.next() * 3 * 3600000);
    } else {
      movie = r.int(this.base.movies);
      start = DEC1_LOCAL + Math.floor(r.next() * 30 * DAY_MS);
      dur = 10000 + Math.floor(r.next() * (DAY_MS - 10000));
    }
    const size = this.movieSize[movie] * (0.02 + 1.55 * r.next());
    return `${movieTitleCsv(movie)},${email(user)},${size},${fmtTs(start, 60)},${fmtTs(start + dur, 60)}\n`;
  }
}
