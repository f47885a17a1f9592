-- Q6. How many users watched at least 50% of any movie in the last week of the month?
-- Sessions that started Dec 25–31 (local time); watched time = end − start; a user counts when
-- one session reaches half the movie's running time. Streams of titles not in the catalogue
-- have no running time and cannot count.
WITH sessions AS (
    SELECT s.user_key, s.movie_key, s.start_local, s.start_utc, s.end_local,
           date_diff('millisecond', s.start_utc, s.end_utc) / 60000.0 AS minutes, m.duration_mins
    FROM streams s
    JOIN movies m ON m.title_key = s.movie_key
),
last_week AS (
    SELECT * FROM sessions
    WHERE start_local >= TIMESTAMP '2021-12-25' AND start_local < TIMESTAMP '2022-01-01'
)
SELECT 'primary' AS variant, true AS is_primary,
       'distinct users with a session starting Dec 25–31 (local) lasting ≥ 50% of the movie' AS definition,
       CAST(count(DISTINCT user_key) AS DOUBLE) AS value
FROM last_week
WHERE minutes >= 0.5 * duration_mins
UNION ALL
SELECT 'days_in_utc', false, 'the same with Dec 25–31 read in UTC',
       CAST(count(DISTINCT user_key) AS DOUBLE)
FROM sessions
WHERE start_utc >= TIMESTAMP '2021-12-25' AND start_utc < TIMESTAMP '2022-01-01' AND minutes >= 0.5 * duration_mins
UNION ALL
SELECT 'sessions', false, 'sessions (not users) reaching 50%',
       CAST(count(*) AS DOUBLE)
FROM last_week
WHERE minutes >= 0.5 * duration_mins
UNION ALL
SELECT 'summed_sessions', false, 'users whose sessions of one movie in the week add up to ≥ 50% of it',
       CAST(count(DISTINCT user_key) AS DOUBLE)
FROM (SELECT user_key, movie_key, sum(minutes) AS minutes, any_value(duration_mins) AS duration_mins
      FROM last_week GROUP BY user_key, movie_key)
WHERE minutes >= 0.5 * duration_mins
UNION ALL
SELECT 'ended_in_week', false, 'sessions that ended (rather than started) Dec 25–31 local',
       CAST(count(DISTINCT user_key) AS DOUBLE)
FROM sessions
WHERE end_local >= TIMESTAMP '2021-12-25' AND end_local < TIMESTAMP '2022-01-01' AND minutes >= 0.5 * duration_mins;
