-- Where the two answers differ: per hour, the views whose postcode at view time is not the
-- user's current one, from the one to the other (NULL: unknown), caused by users moving (or
-- becoming known) since. Adding `views` to to_postcode and taking it from from_postcode turns
-- the 'at_view' answer into the 'current' one.
SELECT hour, postcode AS from_postcode, current_postcode AS to_postcode, sum(views)::BIGINT AS views
FROM web_pageview_counts
WHERE postcode IS DISTINCT FROM current_postcode
GROUP BY hour, postcode, current_postcode
