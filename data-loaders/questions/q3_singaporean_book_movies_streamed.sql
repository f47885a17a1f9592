-- Q3. How many movies based on books written by Singaporean authors were streamed in the month?
-- Review links movie → book; the book names its author; the author's nationality is the vendor's
-- plural demonym ("Singaporeans"). The month is December 2021, local time.
WITH singaporean_authors AS (
    SELECT business_key AS author_key FROM authors_history
    WHERE is_current AND NOT is_deleted AND nationality = 'Singaporeans'
),
singaporean_books AS (
    SELECT business_key AS book_key FROM books_history
    WHERE is_current AND NOT is_deleted AND author_key IN (SELECT author_key FROM singaporean_authors)
),
movies_of_singaporean_books AS (
    SELECT DISTINCT movie_key FROM reviews_history
    WHERE is_current AND NOT is_deleted AND book_key IN (SELECT book_key FROM singaporean_books)
),
december_streams AS (
    SELECT * FROM streams
    WHERE start_local >= TIMESTAMP '2021-12-01' AND start_local < TIMESTAMP '2022-01-01'
)
SELECT 'primary' AS variant, true AS is_primary,
       'distinct movies streamed in December 2021 that a review links to a book by a Singaporean author' AS definition,
       CAST(count(DISTINCT movie_key) AS DOUBLE) AS value
FROM december_streams
WHERE movie_key IN (SELECT movie_key FROM movies_of_singaporean_books)
UNION ALL
SELECT 'sessions', false,
       'stream sessions (not movies) of those movies in December 2021',
       CAST(count(*) AS DOUBLE)
FROM december_streams
WHERE movie_key IN (SELECT movie_key FROM movies_of_singaporean_books)
UNION ALL
SELECT 'any_time', false,
       'the same movies, streamed at any time in the extract',
       CAST(count(DISTINCT movie_key) AS DOUBLE)
FROM streams
WHERE movie_key IN (SELECT movie_key FROM movies_of_singaporean_books)
UNION ALL
SELECT 'reviewed_not_streamed', false,
       'movies a review links to a book by a Singaporean author, streamed or not',
       CAST(count(*) AS DOUBLE)
FROM movies_of_singaporean_books;
