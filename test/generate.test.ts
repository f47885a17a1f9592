// Tests for the synthetic data generator (data-loaders/generate): determinism, exact real shapes,
// truth file vs an independent diff of consecutive dumps, CSV round-trip through DuckDB, linear scale.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { generate, type GenerationTruth } from "../data-loaders/generate/index.ts";
import { files, hashDir } from "./support/files.ts";

const REAL = "/work/shared/datasets/strider";
const REAL_V2 = join(REAL, "vendor_v2_2022-02-26");
const tmp = mkdtempSync(join(tmpdir(), "strata-gen-"));
process.on("exit", () => rmSync(tmp, { recursive: true, force: true }));

const readJson = (p: string): any => JSON.parse(readFileSync(p, "utf8"));

/** Set of "path:type" over every record: the exact shape, including which fields may be null. */
function shape(records: unknown[]): Set<string> {
  const out = new Set<string>();
  const walk = (v: unknown, path: string) => {
    if (Array.isArray(v)) { out.add(`${path}:array`); for (const x of v) walk(x, `${path}[]`); }
    else if (v === null) out.add(`${path}:null`);
    else if (typeof v === "object") { out.add(`${path}:object`); for (const [k, x] of Object.entries(v as object)) walk(x, `${path}.${k}`); }
    else out.add(`${path}:${typeof v}`);
  };
  for (const r of records) walk(r, "");
  return out;
}
const sorted = (s: Set<string>) => [...s].sort();

/** The business keys, as the ETL defines them, computed independently of the generator. */
const KEY = {
  authors: (r: any): string | null => (r.metadata.name == null ? null : r.metadata.name.trim().toLowerCase()),
  books: (r: any): string => r.name.trim().toLowerCase(),
  reviews: (r: any): string => {
    const movie = r.movies.find((m: any) => m.title !== "end").title;
    return `${r.books[0].metadata.title.toLowerCase()}|${movie.toLowerCase()}|${r.content.text}`;
  },
};
type E = keyof typeof KEY;
const ENTITIES: E[] = ["authors", "books", "reviews"];

// One small multi-night data set shared by most tests.
const SMALL = join(tmp, "small");
const small = generate({ outDir: SMALL, scale: 0.4, nights: 5, seed: 42 });

test("same seed gives byte-identical output, another seed differs", async () => {
  await small;
  const again = join(tmp, "again");
  await generate({ outDir: again, scale: 0.4, nights: 5, seed: 42 });
  assert.equal(hashDir(again), hashDir(SMALL));
  const other = join(tmp, "other");
  await generate({ outDir: other, scale: 0.4, nights: 5, seed: 43 });
  assert.notEqual(hashDir(other), hashDir(SMALL));
  rmSync(again, { recursive: true });
  rmSync(other, { recursive: true });
});

test("file layout", async () => {
  const s = await small;
  const rel = files(SMALL).map((f) => relative(SMALL, f));
  const expected = ["generation.json", "internal/movies.csv", "internal/streams.csv", "internal/users.csv"];
  for (const n of s.nights) for (const e of ENTITIES) expected.push(`vendor/${n.date}/${e}.json`);
  assert.deepEqual(rel, expected.sort());
  assert.deepEqual(s.nights.map((n) => n.date), ["2022-03-01", "2022-03-02", "2022-03-03", "2022-03-04", "2022-03-05"]);
});

test("vendor dumps have exactly the real v2 shapes and conventions", async () => {
  const s = await small;
  for (const e of ENTITIES) {
    const real = readJson(join(REAL_V2, `${e}.json`));
    const gen = readJson(join(SMALL, s.nights[0].dir, `${e}.json`));
    assert.deepEqual(sorted(shape(gen)), sorted(shape(real)), `${e} shape`);
    // compact JSON array without a trailing newline, like the real files
    const text = readFileSync(join(SMALL, s.nights[0].dir, `${e}.json`), "utf8");
    assert.equal(text, JSON.stringify(gen));
  }
  const d = join(SMALL, s.nights[0].dir);
  const authors = readJson(join(d, "authors.json"));
  const books = readJson(join(d, "books.json"));
  const reviews = readJson(join(d, "reviews.json"));
  const realNull = readJson(join(REAL_V2, "authors.json")).find((a: any) => a.metadata.name === null);
  assert.ok(authors.some((a: any) => JSON.stringify(a) === JSON.stringify(realNull)), "an all-null author like the real one");
  const ts = /^\d{4}-\d\d-\d\dT00:00:00\.000\+0000$/;
  for (const a of authors) {
    if (a.metadata.name === null) continue;
    assert.equal(a.nationalities.length, 2);
    const dummies = a.nationalities.filter((n: any) => n.id === null && n.label === "" && n.slug === null);
    assert.equal(dummies.length, 1);
    assert.match(a.metadata.birth_date, ts);
    if (a.metadata.died_at !== null) assert.match(a.metadata.died_at, ts);
  }
  const labels = new Set(authors.flatMap((a: any) => a.nationalities.map((n: any) => n.label)));
  assert.ok(labels.has("Singaporeans"));
  const names = new Set(authors.map((a: any) => a.metadata.name));
  assert.equal(new Set(authors.filter((a: any) => a.metadata.name).map(KEY.authors)).size, authors.filter((a: any) => a.metadata.name).length);
  const cited = books.filter((b: any) => names.has(b.author)).length;
  assert.ok(cited > books.length / 2 && cited < books.length, "most books cite a known author, some do not");
  const rts = /^2021-12-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0100$/;
  const labelsOf = ["", "ONE", "TWO", "THREE", "FOUR", "FIVE"];
  const texts = new Set<string>();
  let endFirst = 0;
  for (const r of reviews) {
    assert.equal(r.rating.label, labelsOf[r.rating.rate]);
    assert.equal(r.movies.length, 2);
    assert.equal(r.movies.filter((m: any) => m.title === "end").length, 1);
    if (r.movies[0].title === "end") endFirst++;
    for (const m of r.movies) assert.equal(m.title, m.title === "end" ? "end" : m.title.toUpperCase());
    assert.equal(r.books[0].metadata.title, r.books[0].metadata.title.toUpperCase());
    assert.match(r.created, rts);
    assert.match(r.updated, rts);
    texts.add(r.content.text.toLowerCase());
  }
  assert.equal(texts.size, reviews.length, "review texts unique");
  assert.ok(endFirst > 0 && endFirst < reviews.length);
  assert.ok(reviews.some((r: any) => r.updated < r.created));
});

async function duck<T = Record<string, unknown>>(sql: string): Promise<T[]> {
  const inst = await DuckDBInstance.create(":memory:");
  const conn = await inst.connect();
  try {
    return (await conn.runAndReadAll(sql)).getRowObjectsJS() as T[];
  } finally {
    conn.closeSync();
    inst.closeSync();
  }
}

test("internal CSVs: real headers, quoting round-trips through DuckDB read_csv, referential integrity", async () => {
  const s = await small;
  const dir = join(SMALL, "internal");
  for (const f of ["movies", "users", "streams"]) {
    const head = (p: string) => readFileSync(p, "utf8").split("\n", 1)[0];
    assert.equal(head(join(dir, `${f}.csv`)), head(join(REAL, "internal", `${f}.csv`)));
  }
  const csv = (f: string) => `read_csv('${join(dir, f)}', header = true, auto_detect = true)`;
  const [m] = await duck<any>(`select count(*)::int n, count(distinct title)::int d,
      count(*) filter (where title like '%,%')::int commas, count(*) filter (where title = 'WALL·E' or title like '%–%')::int nonascii
    from ${csv("movies.csv")}`);
  assert.deepEqual(m, { n: s.internal!.movies, d: s.internal!.movies, commas: m.commas, nonascii: m.nonascii });
  assert.ok(m.commas >= 1 && m.nonascii >= 2);
  const [u] = await duck<any>(`select count(*)::int n, count(distinct email)::int d from ${csv("users.csv")}`);
  assert.deepEqual(u, { n: s.internal!.users, d: s.internal!.users });
  const [st] = await duck<any>(`
    with s as (select * from read_csv('${join(dir, "streams.csv")}', header = true,
      columns = {'movie_title': 'VARCHAR', 'user_email': 'VARCHAR', 'size_mb': 'DOUBLE', 'start_at': 'VARCHAR', 'end_at': 'VARCHAR'})),
    t as (select *, strptime(start_at, '%Y-%m-%dT%H:%M:%S.%g%z') s0, strptime(end_at, '%Y-%m-%dT%H:%M:%S.%g%z') s1 from s)
    select count(*)::int n,
      count(*) filter (where movie_title not in (select title from ${csv("movies.csv")}))::int unknown_movie,
      count(*) filter (where user_email not in (select email from ${csv("users.csv")}))::int unknown_user,
      count(*) filter (where s1 <= s0 or s1 - s0 > interval 24 hours)::int bad_duration,
      count(*) filter (where start_at not like '2021-12-%+0100' or end_at not like '2021-12-%+0100')::int outside_dec,
      count(*) filter (where s1::date > s0::date)::int cross_midnight,
      count(*) filter (where movie_title = 'Unforgiven' and s0 < timestamptz '2021-12-25 12:00:00+01' and s1 > timestamptz '2021-12-25 07:00:00+01')::int xmas,
      count(*) filter (where s0 >= timestamptz '2021-12-25 00:00:00+01')::int late_dec
    from t`);
  assert.equal(st.n, s.internal!.streams);
  assert.equal(st.unknown_movie, 0);
  assert.equal(st.unknown_user, 0);
  assert.equal(st.bad_duration, 0);
  assert.equal(st.outside_dec, 0);
  assert.ok(st.cross_midnight > st.n / 4, "many streams cross midnight");
  assert.ok(st.xmas >= 1 && st.late_dec > 0);
  // the line count agrees with DuckDB's row count, so no quoted field swallowed a row
  assert.equal(readFileSync(join(dir, "streams.csv"), "utf8").trimEnd().split("\n").length - 1, st.n);
});

test("reviews link books to movies; some reviewed movies are not in the catalogue", async () => {
  const s = await small;
  const reviews = readJson(join(SMALL, s.nights[0].dir, "reviews.json"));
  const books = new Set(readJson(join(SMALL, s.nights[0].dir, "books.json")).map((b: any) => b.name.toLowerCase()));
  const catalogue = new Set(
    (await duck<any>(`select title from read_csv('${join(SMALL, "internal", "movies.csv")}', header = true)`)).map((r) => r.title.toLowerCase()),
  );
  const movieOf = (r: any) => r.movies.find((m: any) => m.title !== "end").title.toLowerCase();
  const inCat = reviews.filter((r: any) => catalogue.has(movieOf(r)));
  assert.ok(inCat.length > 0 && inCat.length < reviews.length);
  assert.ok(inCat.some((r: any) => books.has(r.books[0].metadata.title.toLowerCase())), "a catalogue movie is linked to a known book");
  // Q3's chain: streamed catalogue movie ← review → book → author who is Singaporean
  const bookList = readJson(join(SMALL, s.nights[0].dir, "books.json"));
  const singaporean = new Set(
    readJson(join(SMALL, s.nights[0].dir, "authors.json"))
      .filter((a: any) => a.nationalities.some((n: any) => n.label === "Singaporeans"))
      .map((a: any) => a.metadata.name),
  );
  const sgBooks = new Set(bookList.filter((b: any) => singaporean.has(b.author)).map((b: any) => b.name.toLowerCase()));
  const streamed = new Set(
    (await duck<any>(`select distinct lower(movie_title) t from read_csv('${join(SMALL, "internal", "streams.csv")}', header = true)`)).map((r) => r.t),
  );
  assert.ok(inCat.some((r: any) => sgBooks.has(r.books[0].metadata.title.toLowerCase()) && streamed.has(movieOf(r))), "Q3 has an answer");
});

test("truth file agrees with an independent diff of consecutive dumps", async () => {
  const s = await small;
  const truth: GenerationTruth = readJson(join(SMALL, "generation.json"));
  assert.equal(truth.nights.length, 5);
  for (const e of ENTITIES) {
    let prev = new Map<string, string>();
    const seen = new Set<string>();
    let sawEach = { updated: 0, deleted: 0, reappeared: 0 };
    for (const night of truth.nights) {
      const recs = readJson(join(SMALL, night.dir, `${e}.json`));
      const cur = new Map<string, string>();
      let nulls = 0;
      for (const r of recs) {
        const k = KEY[e](r);
        if (k === null) { nulls++; continue; }
        assert.ok(!cur.has(k), `duplicate ${e} key ${k}`);
        cur.set(k, JSON.stringify(r));
      }
      const diff = { added: [] as string[], updated: [] as string[], deleted: [] as string[], reappeared: [] as string[] };
      for (const [k, v] of cur) {
        if (prev.has(k)) { if (prev.get(k) !== v) diff.updated.push(k); }
        else if (seen.has(k)) diff.reappeared.push(k);
        else diff.added.push(k);
      }
      for (const k of prev.keys()) if (!cur.has(k)) diff.deleted.push(k);
      const t = night[e];
      assert.equal(t.records, recs.length, `${e} ${night.date} records`);
      if (e === "authors") assert.equal(t.nullRecords, nulls);
      for (const kind of ["added", "updated", "deleted", "reappeared"] as const) {
        assert.equal(t[kind], diff[kind].length, `${e} ${night.date} ${kind}`);
        assert.deepEqual([...t.keys![kind]].sort(), diff[kind].sort(), `${e} ${night.date} ${kind} keys`);
      }
      sawEach.updated += diff.updated.length;
      sawEach.deleted += diff.deleted.length;
      sawEach.reappeared += diff.reappeared.length;
      for (const k of cur.keys()) seen.add(k);
      prev = cur;
    }
    if (e === "reviews") assert.ok(sawEach.updated > 0 && sawEach.deleted > 0 && sawEach.reappeared > 0, "reviews see every kind of change");
  }
});

test("record counts scale linearly", async () => {
  const a = await generate({ outDir: join(tmp, "s1"), scale: 1, nights: 1, seed: 5 });
  const b = await generate({ outDir: join(tmp, "s2"), scale: 2, nights: 1, seed: 5 });
  for (const e of ENTITIES) assert.equal(b.nights[0][e].records, 2 * a.nights[0][e].records, e);
  assert.deepEqual(a.nights[0].authors.records, 200);
  assert.deepEqual(a.nights[0].books.records, 100);
  assert.deepEqual(a.nights[0].reviews.records, 500);
  assert.deepEqual(a.internal, { ...a.internal!, movies: 91, users: 783, streams: 9652 });
  assert.deepEqual(b.internal, { ...b.internal!, movies: 182, users: 1566, streams: 19304 });
  const ratio = statSync(join(tmp, "s2", b.nights[0].dir, "reviews.json")).size / statSync(join(tmp, "s1", a.nights[0].dir, "reviews.json")).size;
  assert.ok(ratio > 1.9 && ratio < 2.1, `reviews bytes ratio ${ratio}`);
  // scale 1 is about the real data's size
  const realBytes = statSync(join(REAL_V2, "reviews.json")).size;
  const genBytes = statSync(join(tmp, "s1", a.nights[0].dir, "reviews.json")).size;
  assert.ok(Math.abs(genBytes / realBytes - 1) < 0.15, `reviews.json ${genBytes} vs real ${realBytes}`);
  rmSync(join(tmp, "s1"), { recursive: true });
  rmSync(join(tmp, "s2"), { recursive: true });
});
