-- Both answers, recounted from the page views themselves: by the postcode each view was stamped
-- with, and by its user's current postcode (the open version's, a leaver's last known one; NULL
-- for an id no extract holds). Returns the (hour, postcode at view, current postcode) counts that
-- differ from web_pageview_counts: a users extract that failed to restate the views it governs.
-- Cost: one join of every stored view with the users' open versions.
WITH recount AS (
    SELECT date_trunc('hour', v.viewed_at) AS hour, v.postcode, u.postcode AS current_postcode, count(*) AS views
    FROM web_pageviews v
    LEFT JOIN (SELECT user_id, postcode FROM web_users_history WHERE is_current) u USING (user_id)
    GROUP BY ALL
),
counted AS (
    SELECT hour, postcode, current_postcode, sum(views) AS views FROM web_pageview_counts GROUP BY ALL
)
-- NULL is a postcode here (the unknown one), so the pairs match with IS NOT DISTINCT FROM
SELECT coalesce(r.hour, c.hour) AS hour, coalesce(r.postcode, c.postcode) AS postcode,
       coalesce(r.current_postcode, c.current_postcode) AS current_postcode, r.views AS recounted, c.views AS counted
FROM recount r
FULL OUTER JOIN counted c
  ON r.hour = c.hour AND r.postcode IS NOT DISTINCT FROM c.postcode AND r.current_postcode IS NOT DISTINCT FROM c.current_postcode
WHERE r.views IS DISTINCT FROM c.views;
