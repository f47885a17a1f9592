-- movies.csv → movies, one row per title; title_key matches vendor reviews' movie_key.
CREATE OR REPLACE TEMP VIEW normalized AS
SELECT
    record_index,
    norm_key(title)                       AS business_key,
    title,
    norm_key(title)                       AS title_key,
    TRY_CAST(duration_mins AS INTEGER)    AS duration_mins,
    original_language,
    TRY_CAST(size_mb AS DOUBLE)           AS size_mb,
    reason,
    warning,
    raw_record
FROM raw;
