-- Report: distribution of session lengths (end − start on UTC instants, as in Q4), 30-minute bins.
-- x0 is the bin's lower bound in minutes (inclusive), x1 its upper bound.
WITH d AS (
    SELECT date_diff('millisecond', start_utc, end_utc) / 60000.0 AS minutes FROM streams
)
SELECT CAST(floor(minutes / 30) * 30 AS INTEGER) AS x0,
       CAST(floor(minutes / 30) * 30 + 30 AS INTEGER) AS x1,
       CAST(count(*) AS INTEGER) AS streams
FROM d
GROUP BY 1, 2
ORDER BY 1;
