-- users extract → the users' postcode history: one row per user id, the postcode in capitals.
-- The key is the id as a BIGINT (grouping and joining 20 M integer keys costs about half what
-- their text would); user_id is the same value under the name the page views use.
-- record_index is only passed on: the source is position-free (load/stage-csv.ts), so a CSV is
-- staged in one copy and its positions attached after.
CREATE OR REPLACE TEMP VIEW normalized AS
SELECT
    record_index,
    TRY_CAST(id AS BIGINT)             AS business_key,
    TRY_CAST(id AS BIGINT)             AS user_id,
    upper(trim(postcode))              AS postcode,
    reason,
    warning,
    raw_record
FROM raw;
