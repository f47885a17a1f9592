-- reviews.json, flat format → the shared review shape. A review has no natural key; its key is
-- the book, the movie and the text (case-folded titles), see docs/history.md. v1 has no timestamps.
CREATE OR REPLACE TEMP VIEW normalized AS
WITH keyed AS (
    SELECT record_index, trim(book) AS book_title, norm_key(book) AS book_key, trim(movie) AS movie_title,
           norm_key(movie) AS movie_key, trim(resume) AS review_text, rate
    FROM raw
    WHERE reason IS NULL
)
SELECT
    record_index,
    md5(concat_ws('|', book_key, movie_key, review_text))   AS business_key,
    book_title,
    book_key,
    movie_title,
    movie_key,
    review_text,
    CAST(rate AS INTEGER)       AS rating,
    NULL::TIMESTAMP             AS created_at,
    NULL::TIMESTAMP             AS updated_at,
    NULL::VARCHAR               AS reason
FROM keyed;
