/**
 * The web site's two feeds (docs/web-analytics.md): the daily full users extract and the hourly
 * page views extract, as CSV (a header row) or Parquet. Every field is read as text and checked
 * here; the normalize SQL casts it.
 */
import { z } from "zod";

/** A user id: a positive integer, as text (it must fit a BIGINT). */
const userId = z.string().regex(/^\d{1,18}$/);

/** One row of the users extract: a user and the postcode (outward code, e.g. SW19) the user lives in now. */
export const userRow = z.object({
  id: userId,
  postcode: z.string().regex(/^ *[A-Za-z]{1,2}\d[A-Za-z\d]? *$/),
});

/** One page view: who, which page, when (UTC, to the second; a Parquet timestamp may carry a fraction). */
export const pageviewRow = z.object({
  user_id: userId,
  url: z.string().min(1),
  pageview_datetime: z.string().regex(/^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d+)?$/),
});

export type UserRow = z.infer<typeof userRow>;
export type PageviewRow = z.infer<typeof pageviewRow>;
