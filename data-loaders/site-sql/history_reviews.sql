-- History explorer: every version of every vendor review record (SCD type 2), dates as
-- YYYY-MM-DD strings; the page filters them "as of" a date in the browser with the same rule
-- as SQL: valid_from <= d AND (valid_to IS NULL OR valid_to > d) AND NOT is_deleted.
SELECT * EXCLUDE (record_hash) REPLACE (
           strftime(valid_from, '%Y-%m-%d') AS valid_from,
           strftime(valid_to, '%Y-%m-%d') AS valid_to)
FROM reviews_history
ORDER BY business_key, valid_from;
