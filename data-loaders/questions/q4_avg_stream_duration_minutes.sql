-- Q4. What is the average streaming duration, in minutes?
-- A session lasts from start_at to end_at; computed on UTC instants.
WITH durations AS (
    SELECT s.*, date_diff('millisecond', start_utc, end_utc) / 60000.0 AS minutes, m.duration_mins
    FROM streams s
    LEFT JOIN movies m ON m.title_key = s.movie_key
)
SELECT 'primary' AS variant, true AS is_primary,
       'mean session length (end − start) over all sessions, in minutes' AS definition,
       round(avg(minutes), 2) AS value
FROM durations
UNION ALL
SELECT 'hours', false, 'the same in hours', round(avg(minutes) / 60, 2) FROM durations
UNION ALL
SELECT 'median', false, 'median session length, in minutes', round(median(minutes), 2) FROM durations
UNION ALL
SELECT 'capped_at_movie_length', false,
       'mean of each session capped at its movie''s running time (time beyond it is idle), in minutes',
       round(avg(least(minutes, coalesce(duration_mins, minutes))), 2)
FROM durations
UNION ALL
SELECT 'per_user', false, 'mean over users of each user''s mean session length, in minutes',
       round(avg(user_minutes), 2)
FROM (SELECT avg(minutes) AS user_minutes FROM durations GROUP BY user_key);
