-- The page view counts (which both answers read) add up, per date, to the page views stored:
-- nothing lost or counted twice. Returns the dates where they do not.
SELECT coalesce(v.view_date, c.view_date) AS view_date, v.views AS views_stored, c.views AS views_counted
FROM (SELECT view_date, count(*) AS views FROM web_pageviews GROUP BY view_date) v
FULL OUTER JOIN (SELECT view_date, sum(views) AS views FROM web_pageview_counts GROUP BY view_date) c USING (view_date)
WHERE v.views IS DISTINCT FROM c.views;
