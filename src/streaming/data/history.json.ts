// Every version of the vendor catalogue's records plus what each night changed, for the history
// explorer (which filters "as of" a date in the browser); see data-loaders/site-sql/history_*.sql.
import { writeSiteSqlJson } from "../../../data-loaders/publish/site-sql.ts";

await writeSiteSqlJson(
  { authors: "history_authors", books: "history_books", reviews: "history_reviews", changes: "history_changes" },
  { freshness: true },
);
