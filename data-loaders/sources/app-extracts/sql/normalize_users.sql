-- users.csv → users, one row per email (the key streams use).
CREATE OR REPLACE TEMP VIEW normalized AS
SELECT
    record_index,
    lower(tidy(email))        AS business_key,
    tidy(first_name)          AS first_name,
    tidy(last_name)           AS last_name,
    tidy(email)               AS email,
    reason,
    warning,
    raw_record
FROM raw;
