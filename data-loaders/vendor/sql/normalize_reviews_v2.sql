-- reviews.json, nested format → the shared review shape. Every review lists one real movie and
-- the sentinel title "end" (exact, lower case: real titles are upper case here), in either order.
-- Timestamps are stored as UTC instants.
CREATE OR REPLACE TEMP VIEW normalized AS
WITH unpacked AS (
    SELECT
        record_index,
        trim(books[1].metadata.title)                         AS book_title,
        list_filter(movies, m -> m.title <> 'end')            AS real_movies,
        trim(content.text)                                    AS review_text,
        rating.rate                                           AS rate,
        created,
        updated
    FROM raw
    WHERE reason IS NULL
),
keyed AS (
    SELECT *, norm_key(book_title) AS book_key, trim(real_movies[1].title) AS movie_title, norm_key(real_movies[1].title) AS movie_key
    FROM unpacked
)
SELECT
    record_index,
    md5(concat_ws('|', book_key, movie_key, review_text))   AS business_key,
    book_title,
    book_key,
    movie_title,
    movie_key,
    review_text,
    CAST(rate AS INTEGER)                                    AS rating,
    utc_of(created)                                          AS created_at,
    utc_of(updated)                                          AS updated_at,
    CASE WHEN len(real_movies) <> 1 THEN 'movies: expected exactly one movie besides the "end" sentinel' END AS reason
FROM keyed;
