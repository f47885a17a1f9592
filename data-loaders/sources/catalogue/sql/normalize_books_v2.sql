-- books.json (one format in v1 and v2) → the shared book shape. Books are keyed by title:
-- reviews, the only link to movies, name books by title alone.
-- Every record passes through (invalid ones with their reason), so casts are TRY_ casts.
CREATE OR REPLACE TEMP VIEW normalized AS
SELECT
    record_index,
    norm_key(name)                  AS business_key,
    tidy(name)                      AS title,
    TRY_CAST(pages AS INTEGER)      AS pages,
    tidy(author)                    AS author_name,
    norm_key(author)                AS author_key,
    tidy(publisher)                 AS publisher,
    reason,
    warning,
    raw_record
FROM raw;
