-- reviews.json, nested format → the shared review shape. Every review lists one real movie and
-- the sentinel title "end" (exact, lower case: real titles are upper case here), in either order.
-- Timestamps are stored as UTC instants. Every record passes through (invalid ones with their
-- reason), so casts are TRY_ casts.
CREATE OR REPLACE TEMP VIEW normalized AS
WITH unpacked AS (
    SELECT *,
           tidy(books[1].metadata.title)                  AS book_title,
           list_filter(movies, m -> m.title <> 'end')     AS real_movies,
           tidy(content.text)                             AS review_text
    FROM raw
),
keyed AS (
    SELECT *, norm_key(book_title) AS book_key, tidy(real_movies[1].title) AS movie_title, norm_key(real_movies[1].title) AS movie_key
    FROM unpacked
)
SELECT
    record_index,
    -- NULL when a part is missing: a record whose key cannot be read is not any record's version
    CASE WHEN book_key IS NOT NULL AND movie_key IS NOT NULL AND review_text IS NOT NULL
         THEN md5(concat_ws('|', book_key, movie_key, review_text)) END AS business_key,
    book_title,
    book_key,
    movie_title,
    movie_key,
    review_text,
    TRY_CAST(rating.rate AS INTEGER)                         AS rating,
    utc_of(created)                                          AS created_at,
    utc_of(updated)                                          AS updated_at,
    coalesce(reason, CASE WHEN len(real_movies) <> 1 THEN 'movies: expected exactly one movie besides the "end" sentinel' END) AS reason,
    -- the label is presentation (nothing downstream reads it): one that disagrees with the rate is a warning
    coalesce(warning, CASE WHEN rating.label IS DISTINCT FROM CASE TRY_CAST(rating.rate AS INTEGER)
                                WHEN 1 THEN 'ONE' WHEN 2 THEN 'TWO' WHEN 3 THEN 'THREE' WHEN 4 THEN 'FOUR' WHEN 5 THEN 'FIVE' END
                           THEN 'rating.label: ' || coalesce(rating.label, 'null') || ' disagrees with rating.rate ' || coalesce(rating.rate, 'null') END) AS warning,
    raw_record
FROM keyed;
