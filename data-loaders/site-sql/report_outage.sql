-- Report: sessions of "Unforgiven" near the Dec 25 outage (07:00–12:00 at +01:00, i.e.
-- 06:00–11:00 UTC, as in Q2), for a timeline. Times are wall-clock +01:00 written as ISO
-- strings with a Z so that the browser plots them without applying its own time zone.
-- `viewer` is a per-chart pseudonym (1, 2, …), not a user id.
WITH near AS (
    SELECT *,
           start_utc < TIMESTAMP '2021-12-25 11:00:00' AND end_utc > TIMESTAMP '2021-12-25 06:00:00' AS overlaps
    FROM streams
    WHERE movie_key = 'unforgiven'
      AND start_utc < TIMESTAMP '2021-12-26 11:00:00' AND end_utc > TIMESTAMP '2021-12-24 06:00:00'
),
viewers AS (
    SELECT user_key, CAST(row_number() OVER (ORDER BY min(start_utc), user_key) AS INTEGER) AS viewer
    FROM near GROUP BY user_key
)
SELECT v.viewer,
       strftime(n.start_utc + INTERVAL 1 HOUR, '%Y-%m-%dT%H:%M:%SZ') AS start,
       strftime(n.end_utc + INTERVAL 1 HOUR, '%Y-%m-%dT%H:%M:%SZ') AS "end",
       n.overlaps
FROM near n JOIN viewers v USING (user_key)
ORDER BY v.viewer, n.start_utc;
