-- Materialises the normalized records with `record_hash`, the fingerprint of a record's facts:
-- every attribute that the business key does not already determine (so not the key's parts: a
-- review's book, movie and text), and not the titles' presentation (their case-folded form is in
-- the key). Same facts, same hash, in any format.
CREATE OR REPLACE TEMP TABLE hashed AS
SELECT
    * EXCLUDE (reason, warning, raw_record),
    md5(CAST(row(*COLUMNS(c -> c NOT IN (
        'record_index', 'business_key', 'reason', 'warning', 'raw_record', 'name', 'title', 'book_title', 'movie_title', 'author_name',
        'book_key', 'movie_key', 'review_text')))
        AS VARCHAR)) AS record_hash,
    reason,
    warning,
    raw_record
FROM normalized;
