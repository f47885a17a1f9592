// The six Phase 2 answers on the real data, against the same definitions computed independently
// in plain JavaScript straight from the raw files (no warehouse, no SQL).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import { realInternal, realV1, realV2, hasRealData, strata, tempDir } from "./support/warehouse.ts";

/** RFC 4180 enough for these files: quoted fields with commas and doubled quotes. */
function parseCsv(text: string): Record<string, string>[] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; }
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") { row.push(field); field = ""; }
    else if (c === "\n") { row.push(field); rows.push(row); row = []; field = ""; }
    else if (c !== "\r") field += c;
  }
  if (field !== "" || row.length > 0) { row.push(field); rows.push(row); }
  const [header, ...data] = rows;
  return data.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]])));
}

const instant = (s: string) => Date.parse(s.replace(/([+-]\d{2})(\d{2})$/, "$1:$2"));
const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;
const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };

describe("answers on the real data", { skip: !hasRealData && "no ../shared data" }, () => {
  const warehouse = tempDir("answers");
  let cli: Record<string, number>;
  before(() => {
    for (const args of [["ingest", "vendor", realV1, "--date", "2022-01-14"], ["ingest", "vendor", realV2, "--date", "2022-02-26"], ["ingest", "internal", realInternal]]) {
      const r = strata([...args, "--warehouse", warehouse]);
      assert.equal(r.code, 0, r.stderr);
    }
    const r = strata(["answers", "--json", "--warehouse", warehouse]);
    assert.equal(r.code, 0, r.stderr);
    cli = JSON.parse(r.stdout);
  });

  const streams = () => parseCsv(readFileSync(join(realInternal, "streams.csv"), "utf8"));
  const movies = () => parseCsv(readFileSync(join(realInternal, "movies.csv"), "utf8"));
  const reviews = () => JSON.parse(readFileSync(join(realV2, "reviews.json"), "utf8")) as any[];
  const reviewedMovie = (r: any) => r.movies.find((m: any) => m.title !== "end").title.toLowerCase();

  test("one number per question, six questions", () => {
    assert.equal(Object.keys(cli).length, 6);
    for (const v of Object.values(cli)) assert.equal(typeof v, "number");
  });

  test("Q1 % of streamed movies based on books", () => {
    const streamed = new Set(streams().map((s) => s.movie_title.toLowerCase()));
    const reviewed = new Set(reviews().map(reviewedMovie));
    const based = [...streamed].filter((m) => reviewed.has(m)).length;
    assert.equal(cli.q1_pct_streamed_movies_based_on_books, round((100 * based) / streamed.size, 2));
  });

  test("Q2 users in a session of Unforgiven overlapping Dec 25 07:00–12:00 +01:00", () => {
    const from = Date.parse("2021-12-25T07:00:00+01:00");
    const to = Date.parse("2021-12-25T12:00:00+01:00");
    const users = new Set(streams().filter((s) => s.movie_title === "Unforgiven" && instant(s.start_at) < to && instant(s.end_at) > from).map((s) => s.user_email));
    assert.equal(cli.q2_users_affected_by_outage, users.size);
  });

  test("Q3 movies based on books by Singaporean authors streamed in December", () => {
    const authors = JSON.parse(readFileSync(join(realV2, "authors.json"), "utf8")) as any[];
    const singaporean = new Set(authors.filter((a) => a.nationalities.some((n: any) => n.label === "Singaporeans")).map((a) => a.metadata.name.toLowerCase()));
    const books = JSON.parse(readFileSync(join(realV2, "books.json"), "utf8")) as any[];
    const theirBooks = new Set(books.filter((b) => singaporean.has(String(b.author).toLowerCase())).map((b) => b.name.toLowerCase()));
    const theirMovies = new Set(reviews().filter((r) => theirBooks.has(r.books[0].metadata.title.toLowerCase())).map(reviewedMovie));
    const streamed = new Set(streams().filter((s) => s.start_at.startsWith("2021-12")).map((s) => s.movie_title.toLowerCase()));
    assert.equal(cli.q3_singaporean_book_movies_streamed, [...theirMovies].filter((m) => streamed.has(m)).length);
  });

  test("Q4 average session length in minutes", () => {
    const minutes = streams().map((s) => (instant(s.end_at) - instant(s.start_at)) / 60000);
    assert.equal(cli.q4_avg_stream_duration_minutes, round(minutes.reduce((a, b) => a + b, 0) / minutes.length, 2));
  });

  test("Q5 median session size in GB (1000 MB)", () => {
    assert.equal(cli.q5_median_stream_size_gb, round(median(streams().map((s) => Number(s.size_mb))) / 1000, 3));
  });

  test("Q6 users who watched ≥ 50% of a movie in a session starting Dec 25–31 local", () => {
    const duration = new Map(movies().map((m) => [m.title.toLowerCase(), Number(m.duration_mins)]));
    const users = new Set(
      streams()
        .filter((s) => s.start_at.slice(0, 10) >= "2021-12-25" && s.start_at.slice(0, 10) <= "2021-12-31")
        .filter((s) => duration.has(s.movie_title.toLowerCase()) && (instant(s.end_at) - instant(s.start_at)) / 60000 >= 0.5 * duration.get(s.movie_title.toLowerCase())!)
        .map((s) => s.user_email),
    );
    assert.equal(cli.q6_users_watched_half_a_movie_last_week, users.size);
  });

  test("every question also reports its alternative definitions", () => {
    const r = strata(["answers", "--json", "--all", "--warehouse", warehouse]);
    const all = JSON.parse(r.stdout);
    assert.equal(all.questions.length, 6);
    for (const q of all.questions) {
      assert.ok(q.variants.length >= 3, q.id);
      assert.equal(q.variants.filter((v: any) => v.is_primary).length, 1);
    }
  });
});
