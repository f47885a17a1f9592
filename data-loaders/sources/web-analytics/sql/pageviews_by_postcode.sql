-- Both answers, per UTC hour: page views per postcode by the postcode the user had when the page
-- was viewed (basis 'at_view') and by the user's current postcode (basis 'current'); postcode
-- NULL is the unknown postcode. One row per hour, postcode and basis. Any period is a sum of
-- hours: for every period and basis the views over all postcodes add up to the views stored.
-- Cost: a scan of web_pageviews_hourly (~65 k rows a day at 100 M views: 24 hours × ~2,700
-- postcodes × 2 bases), never of the views; each load rewrites the dates it touches.
SELECT hour, postcode, basis, views
FROM web_pageviews_hourly
