-- Q2. How many users were potentially affected by the Dec 25 outage while watching "Unforgiven"?
-- The outage ran 07:00–12:00 in the data's own local time (+01:00). A user is affected when any of their
-- sessions of the movie overlaps the window (started before it ended, ended after it started).
-- The window is compared as UTC instants (06:00–11:00 UTC), so streams recorded under another
-- offset are still placed correctly.
WITH outage AS (
    SELECT TIMESTAMP '2021-12-25 06:00:00' AS starts_utc, TIMESTAMP '2021-12-25 11:00:00' AS ends_utc
),
sessions AS (
    SELECT s.*, s.movie_key = 'unforgiven' AS is_unforgiven,
           s.start_utc < o.ends_utc AND s.end_utc > o.starts_utc                                   AS in_window,
           s.start_utc <= o.ends_utc AND s.end_utc >= o.starts_utc                                 AS touches_window,
           -- the same window misread as UTC wall-clock time
           s.start_utc < o.ends_utc + INTERVAL 1 HOUR AND s.end_utc > o.starts_utc + INTERVAL 1 HOUR AS in_window_read_as_utc
    FROM streams s, outage o
)
SELECT 'primary' AS variant, true AS is_primary,
       'distinct users with a session of Unforgiven overlapping 2021-12-25 07:00–12:00 +01:00' AS definition,
       CAST(count(DISTINCT user_key) FILTER (WHERE is_unforgiven AND in_window) AS DOUBLE) AS value
FROM sessions
UNION ALL
SELECT 'window_in_utc', false, 'the same, reading the window as 07:00–12:00 UTC',
       CAST(count(DISTINCT user_key) FILTER (WHERE is_unforgiven AND in_window_read_as_utc) AS DOUBLE)
FROM sessions
UNION ALL
SELECT 'inclusive_bounds', false, 'the same, counting sessions that end exactly at 07:00 or start exactly at 12:00',
       CAST(count(DISTINCT user_key) FILTER (WHERE is_unforgiven AND touches_window) AS DOUBLE)
FROM sessions
UNION ALL
SELECT 'sessions', false, 'sessions (not users) of Unforgiven overlapping the window',
       CAST(count(*) FILTER (WHERE is_unforgiven AND in_window) AS DOUBLE)
FROM sessions
UNION ALL
SELECT 'any_movie', false, 'distinct users with a session of any movie overlapping the window',
       CAST(count(DISTINCT user_key) FILTER (WHERE in_window) AS DOUBLE)
FROM sessions;
