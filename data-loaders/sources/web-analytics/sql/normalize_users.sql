-- users extract → the users' postcode history: one row per user id, the postcode in capitals.
CREATE OR REPLACE TEMP VIEW normalized AS
SELECT
    record_index,
    id                                 AS business_key,
    TRY_CAST(id AS BIGINT)             AS user_id,
    upper(trim(postcode))              AS postcode,
    reason,
    warning,
    raw_record
FROM raw;
