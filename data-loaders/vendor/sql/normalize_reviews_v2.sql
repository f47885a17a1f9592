-- reviews.json, nested format → the shared review shape. Every review lists one real movie and
-- the sentinel title "end" (exact, lower case: real titles are upper case here), in either order.
-- Timestamps are stored as UTC instants.
CREATE OR REPLACE TEMP TABLE normalized AS
WITH unpacked AS (
    SELECT *, list_filter(movies, m -> m.title <> 'end') AS real_movies
    FROM raw
    WHERE reason IS NULL
)
SELECT
    record_index,
    md5(concat_ws('|', norm_key(books[1].metadata.title), norm_key(real_movies[1].title), trim(content.text))) AS business_key,
    trim(books[1].metadata.title)      AS book_title,
    norm_key(books[1].metadata.title)  AS book_key,
    trim(real_movies[1].title)         AS movie_title,
    norm_key(real_movies[1].title)     AS movie_key,
    trim(content.text)                 AS review_text,
    CAST(rating.rate AS INTEGER)       AS rating,
    utc_of(created)                    AS created_at,
    utc_of(updated)                    AS updated_at,
    CASE WHEN len(real_movies) <> 1 THEN 'movies: expected exactly one movie besides the "end" sentinel' END AS reason
FROM unpacked;
