-- users extract: materialises the normalized users with `record_hash`, the fingerprint of a
-- user's facts that the history merge compares (load/sql/record_hash.sql says what it is for).
-- A user's one fact besides the key is the postcode, so the postcode is its own fingerprint:
-- no md5 of a text built from each of 20 M rows (measured before this step also read the file:
-- 9.1 s with the md5, 6.1 s without).
CREATE OR REPLACE TEMP TABLE hashed AS
SELECT
    * EXCLUDE (reason, warning, raw_record),
    postcode AS record_hash,
    reason,
    warning,
    raw_record
FROM normalized;
