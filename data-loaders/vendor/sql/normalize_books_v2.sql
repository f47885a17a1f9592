-- books.json (one format in v1 and v2) → the shared book shape. Books are keyed by title:
-- reviews, the only link to movies, name books by title alone.
CREATE OR REPLACE TEMP VIEW normalized AS
SELECT
    record_index,
    norm_key(name)              AS business_key,
    trim(name)                  AS title,
    CAST(pages AS INTEGER)      AS pages,
    trim(author)                AS author_name,
    norm_key(author)            AS author_key,
    trim(publisher)             AS publisher,
    NULL::VARCHAR               AS reason
FROM raw
WHERE reason IS NULL;
