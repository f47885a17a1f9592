-- Both answers, per UTC hour: page views per postcode by the postcode the user had when the page
-- was viewed (basis 'at_view') and by the user's current postcode (basis 'current'); postcode
-- NULL is the unknown postcode. Any period is a sum of hours: for every period and basis the
-- views over all postcodes add up to the views stored. Cost: a scan of the counts (one row per
-- delivery, hour and postcode pair), never of the views.
SELECT hour, postcode, 'at_view' AS basis, sum(views)::BIGINT AS views
FROM web_pageview_counts
GROUP BY hour, postcode
UNION ALL
SELECT hour, current_postcode AS postcode, 'current' AS basis, sum(views)::BIGINT AS views
FROM web_pageview_counts
GROUP BY hour, current_postcode
