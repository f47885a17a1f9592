/**
 * The vendor's file formats, one zod schema per entity per format. These schemas are the only
 * definition of each format: format detection, the SQL checks run over whole files
 * (zod-to-sql.ts) and the types below all derive from them.
 */
import { z } from "zod";

/** The vendor's timestamps, e.g. `1956-05-07T00:00:00.000+0000` or `2021-12-02T06:11:35.525+0100`. */
const vendorTimestamp = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?([+-]\d{2}:?\d{2}|Z)$/);
const name = z.string().min(1);

// v1: the flat format, in use until about mid-February 2022.
export const authorV1 = z.object({
  name,
  birth_date: vendorTimestamp.nullable(),
  died_at: vendorTimestamp.nullable(),
  nationality: z.string().nullable(),
});
export const reviewV1 = z.object({
  movie: name,
  rate: z.number().int().min(1).max(5),
  book: name,
  resume: z.string(),
});

// v2: the nested format.
export const authorV2 = z.object({
  metadata: z.object({
    name,
    birth_date: vendorTimestamp.nullable(),
    died_at: vendorTimestamp.nullable(),
  }),
  // The real nationality and a dummy entry (empty label), in either order.
  nationalities: z.array(z.object({ id: z.null(), label: z.string().nullable(), slug: z.string().nullable() })).min(1),
});
export const reviewV2 = z.object({
  content: z.object({ text: z.string() }),
  // the label only presents the rate: a bad one is a warning, never a reason to drop the review
  rating: z.object({ rate: z.number().int().min(1).max(5), label: z.enum(["ONE", "TWO", "THREE", "FOUR", "FIVE"]).meta({ severity: "warning" }) }),
  books: z.array(z.object({ id: z.null(), metadata: z.object({ title: name }) })).min(1).max(1),
  // One real movie and the sentinel title "end", in either order.
  movies: z.array(z.object({ title: name })).min(1),
  updated: vendorTimestamp.nullable(),
  created: vendorTimestamp.nullable(),
});

// Books kept one format across both versions.
export const book = z.object({
  name,
  pages: z.number().int().positive().nullable(),
  author: z.string().nullable(),
  publisher: z.string().nullable(),
});

export type AuthorV1 = z.infer<typeof authorV1>;
export type AuthorV2 = z.infer<typeof authorV2>;
export type ReviewV1 = z.infer<typeof reviewV1>;
export type ReviewV2 = z.infer<typeof reviewV2>;
export type Book = z.infer<typeof book>;

export const entities = ["authors", "books", "reviews"] as const;
export type Entity = (typeof entities)[number];
export type FormatName = "v1" | "v2";

export type VendorFormat = { entity: Entity; format: FormatName; schema: z.ZodObject };

/** Every known (entity, format); books are the same in both versions and detected as v2. */
export const vendorFormats: VendorFormat[] = [
  { entity: "authors", format: "v1", schema: authorV1 },
  { entity: "authors", format: "v2", schema: authorV2 },
  { entity: "books", format: "v2", schema: book },
  { entity: "reviews", format: "v1", schema: reviewV1 },
  { entity: "reviews", format: "v2", schema: reviewV2 },
];

/** A night's dump: one file per entity, all three required (a missing one would read as "everything deleted"). */
export const vendorFiles = ["authors.json", "books.json", "reviews.json"] as const;
