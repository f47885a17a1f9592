-- The page view counts add up, per date, to the page views stored, and so does each basis of the
-- hourly answers (pageviews_by_postcode): nothing lost or counted twice. Returns the dates where
-- they do not.
WITH stored AS (SELECT view_date, count(*) AS views FROM web_pageviews GROUP BY view_date),
counted AS (SELECT view_date, sum(views) AS views FROM web_pageview_counts GROUP BY view_date),
answered AS (
    SELECT view_date, sum(views) FILTER (WHERE basis = 'at_view') AS at_view, sum(views) FILTER (WHERE basis = 'current') AS current
    FROM web_pageviews_hourly GROUP BY view_date
)
SELECT view_date, s.views AS views_stored, c.views AS views_counted, a.at_view, a.current
FROM stored s
FULL OUTER JOIN counted c USING (view_date)
FULL OUTER JOIN answered a USING (view_date)
WHERE s.views IS DISTINCT FROM c.views OR s.views IS DISTINCT FROM a.at_view OR s.views IS DISTINCT FROM a.current;
