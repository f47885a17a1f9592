-- Report: stream sessions and distinct users per day, by the day the session started (local time).
SELECT strftime(CAST(start_local AS DATE), '%Y-%m-%d') AS day,
       CAST(count(*) AS INTEGER) AS streams,
       CAST(count(DISTINCT user_key) AS INTEGER) AS users
FROM streams
GROUP BY 1
ORDER BY 1;
