-- A deletion is recorded after a live version, never after another deletion or first.
-- Returns the tombstones that break this.
WITH versions AS (
    SELECT 'authors_history' AS table_name, business_key, valid_from, is_deleted FROM authors_history
    UNION ALL SELECT 'books_history', business_key, valid_from, is_deleted FROM books_history
    UNION ALL SELECT 'reviews_history', business_key, valid_from, is_deleted FROM reviews_history
),
ordered AS (
    SELECT *, lag(is_deleted) OVER (PARTITION BY table_name, business_key ORDER BY valid_from) AS previous_deleted
    FROM versions
)
SELECT table_name, business_key, valid_from
FROM ordered
WHERE is_deleted AND (previous_deleted IS NULL OR previous_deleted);
