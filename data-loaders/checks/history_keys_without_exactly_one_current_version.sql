-- Every business key ever seen has exactly one current version (its open version or tombstone).
-- Returns the keys that break this.
SELECT 'authors_history' AS table_name, business_key, count(*) FILTER (WHERE is_current) AS current_versions
FROM authors_history GROUP BY business_key HAVING count(*) FILTER (WHERE is_current) <> 1
UNION ALL
SELECT 'books_history', business_key, count(*) FILTER (WHERE is_current)
FROM books_history GROUP BY business_key HAVING count(*) FILTER (WHERE is_current) <> 1
UNION ALL
SELECT 'reviews_history', business_key, count(*) FILTER (WHERE is_current)
FROM reviews_history GROUP BY business_key HAVING count(*) FILTER (WHERE is_current) <> 1;
