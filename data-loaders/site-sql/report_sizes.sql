-- Report: distribution of session sizes (size_mb), 100 MB bins.
SELECT CAST(floor(size_mb / 100) * 100 AS INTEGER) AS x0,
       CAST(floor(size_mb / 100) * 100 + 100 AS INTEGER) AS x1,
       CAST(count(*) AS INTEGER) AS streams
FROM streams
GROUP BY 1, 2
ORDER BY 1;
