-- Report: streamed movies (and their sessions) split by whether a current review links the movie
-- to a book — the counts behind Q1's primary answer and its share_of_streams variant.
WITH reviewed AS (
    SELECT DISTINCT movie_key FROM reviews_history WHERE is_current AND NOT is_deleted
),
flagged AS (
    SELECT movie_key, movie_key IN (SELECT movie_key FROM reviewed) AS based_on_book FROM streams
)
SELECT 'movies' AS measure, based_on_book, CAST(count(DISTINCT movie_key) AS INTEGER) AS n
FROM flagged GROUP BY based_on_book
UNION ALL
SELECT 'sessions', based_on_book, CAST(count(*) AS INTEGER)
FROM flagged GROUP BY based_on_book
ORDER BY measure, based_on_book DESC;
