-- authors.json, flat format → one row per author in the shape shared by every format.
-- record_hash covers the facts only, so a change of letter case or format opens no new version.
CREATE OR REPLACE TEMP VIEW normalized AS
SELECT
    record_index,
    norm_key(name)                        AS business_key,
    trim(name)                            AS name,
    CAST(utc_of(birth_date) AS DATE)      AS birth_date,
    CAST(utc_of(died_at) AS DATE)         AS died_at,
    nullif(trim(nationality), '')         AS nationality,
    NULL::VARCHAR                         AS reason
FROM raw
WHERE reason IS NULL;
