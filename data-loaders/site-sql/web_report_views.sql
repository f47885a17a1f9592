-- Web report: both answers (pageviews_by_postcode) per period and postcode, the two bases side
-- by side in one row: `a` the views by postcode at view time, `c` by current postcode (pc NULL:
-- the unknown postcode). Baked at three grains so the file stays small however long the history:
--   g 'hour'  for the last 7 days loaded (t = YYYY-MM-DDTHH),
--   g 'day'   for the last 92 days loaded (t = YYYY-MM-DD),
--   g 'month' for the whole history (t = YYYY-MM).
-- At most ~(postcodes × (168 + 92 + months)) rows; the page groups any period from the finest
-- grain that covers it. Cost: one scan of the counts (the marts read nothing else).
WITH m AS (
  SELECT hour, postcode, sum(views) FILTER (basis = 'at_view') AS a, sum(views) FILTER (basis = 'current') AS c
  FROM pageviews_by_postcode GROUP BY ALL
), last AS (SELECT max(hour) AS h FROM m)
SELECT g, t, pc, CAST(coalesce(sum(a), 0) AS INTEGER) AS a, CAST(coalesce(sum(c), 0) AS INTEGER) AS c
FROM (
  SELECT 'hour' AS g, strftime(hour, '%Y-%m-%dT%H') AS t, postcode AS pc, a, c FROM m, last WHERE hour > last.h - INTERVAL 7 DAY
  UNION ALL
  SELECT 'day', strftime(hour, '%Y-%m-%d'), postcode, a, c FROM m, last WHERE CAST(hour AS DATE) > CAST(last.h AS DATE) - 92
  UNION ALL
  SELECT 'month', strftime(hour, '%Y-%m'), postcode, a, c FROM m
)
GROUP BY ALL
HAVING sum(a) <> 0 OR sum(c) <> 0
ORDER BY g, t, pc NULLS FIRST;
