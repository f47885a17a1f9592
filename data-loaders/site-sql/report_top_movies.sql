-- Report: every streamed movie with its sessions and distinct viewers, and whether a current
-- review links it to a book (Q1's primary definition of "based on a book").
WITH reviewed AS (
    SELECT DISTINCT movie_key FROM reviews_history WHERE is_current AND NOT is_deleted
)
SELECT any_value(movie_title ORDER BY stream_id) AS title,
       movie_key,
       CAST(count(*) AS INTEGER) AS streams,
       CAST(count(DISTINCT user_key) AS INTEGER) AS users,
       movie_key IN (SELECT movie_key FROM reviewed) AS based_on_book
FROM streams
GROUP BY movie_key
ORDER BY streams DESC, title;
