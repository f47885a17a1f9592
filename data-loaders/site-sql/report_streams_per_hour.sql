-- Report: stream sessions by the hour of day they started (local time), over the whole extract.
SELECT CAST(h.hour AS INTEGER) AS hour, CAST(count(s.stream_id) AS INTEGER) AS streams
FROM range(24) AS h(hour)
LEFT JOIN streams s ON hour(s.start_local) = h.hour
GROUP BY 1
ORDER BY 1;
