/**
 * The internal CSV extracts, one zod schema per file (column → rule). As for the vendor files,
 * the SQL checks that run over whole files are derived from these (zod-to-sql.ts).
 */
import { z } from "zod";

/** `2021-12-06T19:30:19.099+0100`: local time with its offset. */
const offsetTimestamp = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?([+-]\d{2}:?\d{2}|Z)$/);

export const movieRow = z.object({
  title: z.string().min(1),
  duration_mins: z.number().int().positive(),
  original_language: z.string().nullable(),
  size_mb: z.number().nonnegative(),
});
export const userRow = z.object({
  first_name: z.string().nullable(),
  last_name: z.string().nullable(),
  email: z.string().regex(/^[^@\s]+@[^@\s]+$/),
});
export const streamRow = z.object({
  movie_title: z.string().min(1),
  user_email: z.string().min(1),
  size_mb: z.number().nonnegative(),
  start_at: offsetTimestamp,
  end_at: offsetTimestamp,
});

export type MovieRow = z.infer<typeof movieRow>;
export type UserRow = z.infer<typeof userRow>;
export type StreamRow = z.infer<typeof streamRow>;

export const internalExtracts = [
  { table: "users", file: "users.csv", schema: userRow },
  { table: "movies", file: "movies.csv", schema: movieRow },
  { table: "streams", file: "streams.csv", schema: streamRow },
] as const;
