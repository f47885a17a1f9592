-- The views of users whose current postcode a users extract changed (`users_moved`), among the
-- views of `moved_views_in` (the stored views before the extract's date: later ones are
-- restamped whole): counted as web_pageview_counts counts them, with the old and the new
-- current postcode. Their old counts are taken away and their new ones added (recount.sql).
-- Cost: one scan of the stored views' user ids, probing a hash table of the movers (few).
CREATE OR REPLACE TEMP TABLE count_corrections AS
SELECT CAST(f.viewed_at AS DATE)           AS view_date,
       f.delivery_hour,
       date_trunc('hour', f.viewed_at)     AS hour,
       f.postcode,
       m.old_current,
       m.new_current,
       count(*)::BIGINT                    AS views
FROM moved_views_in f
JOIN users_moved m USING (user_id)
GROUP BY ALL;
