-- Q5. What is the median streaming size in gigabytes?
-- size_mb per session; 1 GB = 1000 MB.
SELECT 'primary' AS variant, true AS is_primary,
       'median of size_mb over all sessions, ÷ 1000 (GB)' AS definition,
       round(median(size_mb) / 1000, 3) AS value
FROM streams
UNION ALL
SELECT 'gibibytes', false, 'the same ÷ 1024 (GiB)', round(median(size_mb) / 1024, 3) FROM streams
UNION ALL
SELECT 'mean', false, 'mean instead of median, GB', round(avg(size_mb) / 1000, 3) FROM streams
UNION ALL
SELECT 'per_user_total', false, 'median over users of each user''s total streamed GB',
       round(median(total_mb) / 1000, 3)
FROM (SELECT sum(size_mb) AS total_mb FROM streams GROUP BY user_key);
