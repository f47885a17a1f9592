-- authors.json, flat format → one row per author in the shape shared by every format.
-- Every record passes through (invalid ones with their reason), so casts are TRY_ casts.
CREATE OR REPLACE TEMP VIEW normalized AS
SELECT
    record_index,
    norm_key(name)                            AS business_key,
    tidy(name)                                AS name,
    TRY_CAST(utc_of(birth_date) AS DATE)      AS birth_date,
    TRY_CAST(utc_of(died_at) AS DATE)         AS died_at,
    nullif(tidy(nationality), '')             AS nationality,
    reason,
    warning,
    raw_record
FROM raw;
