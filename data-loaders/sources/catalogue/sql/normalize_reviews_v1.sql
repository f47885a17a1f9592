-- reviews.json, flat format → the shared review shape. A review has no natural key; its key is
-- the book, the movie and the text (case-folded titles), see docs/history.md. v1 has no timestamps.
-- Every record passes through (invalid ones with their reason), so casts are TRY_ casts.
CREATE OR REPLACE TEMP VIEW normalized AS
WITH keyed AS (
    SELECT *, norm_key(book) AS book_key, norm_key(movie) AS movie_key, tidy(resume) AS review_text
    FROM raw
)
SELECT
    record_index,
    -- NULL when a part is missing: a record whose key cannot be read is not any record's version
    CASE WHEN book_key IS NOT NULL AND movie_key IS NOT NULL AND review_text IS NOT NULL
         THEN md5(concat_ws('|', book_key, movie_key, review_text)) END AS business_key,
    tidy(book)                  AS book_title,
    book_key,
    tidy(movie)                 AS movie_title,
    movie_key,
    review_text,
    TRY_CAST(rate AS INTEGER)   AS rating,
    NULL::TIMESTAMP             AS created_at,
    NULL::TIMESTAMP             AS updated_at,
    reason,
    warning,
    raw_record
FROM keyed;
