-- The stamped views (`stamped_rows`, stamping.ts) counted per delivery, hour, postcode at view
-- and current postcode: the rows of table web_pageview_counts (partitioned by view_date), which
-- both answers read; here also per reason the postcode is unknown (for the run report; summed
-- away when written).
-- Keeping the delivery lets a re-delivered hour take exactly its own counts away.
-- Cost: one scan of their narrow columns.
CREATE OR REPLACE TEMP TABLE stamped_counts AS
SELECT CAST(viewed_at AS DATE)             AS view_date,
       delivery_hour,
       date_trunc('hour', viewed_at)       AS hour,
       postcode,
       current_postcode,
       unknown_because,
       count(*)::BIGINT                    AS views
FROM stamped_rows
GROUP BY ALL;
