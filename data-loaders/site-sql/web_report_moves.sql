-- Web report: where the two answers differ (pageview_moves), per period: the views whose
-- postcode at view time (`from`, NULL unknown) is not the user's current one (`to`), at the same
-- three grains as web_report_views.sql (hour: last 7 days loaded, day: last 92, month: all).
WITH m AS (SELECT * FROM pageview_moves), last AS (SELECT max(hour) AS h FROM pageviews_by_postcode)
SELECT g, t, "from", "to", CAST(sum(views) AS INTEGER) AS views
FROM (
  SELECT 'hour' AS g, strftime(hour, '%Y-%m-%dT%H') AS t, from_postcode AS "from", to_postcode AS "to", views FROM m, last WHERE hour > last.h - INTERVAL 7 DAY
  UNION ALL
  SELECT 'day', strftime(hour, '%Y-%m-%d'), from_postcode, to_postcode, views FROM m, last WHERE CAST(hour AS DATE) > CAST(last.h AS DATE) - 92
  UNION ALL
  SELECT 'month', strftime(hour, '%Y-%m'), from_postcode, to_postcode, views FROM m
)
GROUP BY ALL
HAVING sum(views) <> 0
ORDER BY g, t, "from" NULLS FIRST, "to" NULLS FIRST;
