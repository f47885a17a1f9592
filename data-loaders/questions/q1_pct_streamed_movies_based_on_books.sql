-- Q1. What percentage of the streamed movies are based on books?
-- A movie is based on a book when a current vendor review names both (titles matched
-- case-insensitively, through the keys). Returns one row per definition; `is_primary` marks the answer.
WITH streamed AS (
    SELECT DISTINCT movie_key FROM streams
),
reviewed AS (
    SELECT DISTINCT movie_key, book_key FROM reviews_history WHERE is_current AND NOT is_deleted
),
catalogued_books AS (
    SELECT business_key AS book_key FROM books_history WHERE is_current AND NOT is_deleted
)
SELECT 'primary' AS variant, true AS is_primary,
       '% of distinct streamed movies that a review links to a book' AS definition,
       round(100.0 * count(*) FILTER (WHERE movie_key IN (SELECT movie_key FROM reviewed)) / count(*), 2) AS value
FROM streamed
UNION ALL
SELECT 'book_in_catalogue', false,
       '% of distinct streamed movies linked by a review to a book that is in the vendor''s books catalogue',
       round(100.0 * count(*) FILTER (WHERE movie_key IN (
           SELECT movie_key FROM reviewed WHERE book_key IN (SELECT book_key FROM catalogued_books))) / count(*), 2)
FROM streamed
UNION ALL
SELECT 'share_of_streams', false,
       '% of stream sessions (not movies) whose movie a review links to a book',
       round(100.0 * count(*) FILTER (WHERE movie_key IN (SELECT movie_key FROM reviewed)) / count(*), 2)
FROM streams
UNION ALL
SELECT 'whole_catalogue', false,
       '% of all movies in the catalogue (streamed or not) that a review links to a book',
       round(100.0 * count(*) FILTER (WHERE title_key IN (SELECT movie_key FROM reviewed)) / count(*), 2)
FROM movies;
