-- users.csv → users, one row per email (the key streams use).
CREATE OR REPLACE TEMP VIEW normalized AS
SELECT
    record_index,
    lower(trim(email))        AS business_key,
    trim(first_name)          AS first_name,
    trim(last_name)           AS last_name,
    trim(email)               AS email,
    reason,
    raw_record
FROM raw;
