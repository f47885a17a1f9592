// Aggregates behind the report's charts (a few KB), computed at build time; see data-loaders/site-sql/report_*.sql.
import { writeSiteSqlJson } from "../../../data-loaders/publish/site-sql.ts";

await writeSiteSqlJson({
  streamsPerDay: "report_streams_per_day",
  streamsPerHour: "report_streams_per_hour",
  durations: "report_durations",
  sizes: "report_sizes",
  movies: "report_top_movies",
  bookShare: "report_book_share",
  outage: "report_outage",
});
