-- authors.json, nested format → the shared author shape. Each author carries its real
-- nationality and a dummy entry with an empty label, in either order: keep the non-empty one.
-- Every record passes through (invalid ones with their reason), so casts are TRY_ casts.
CREATE OR REPLACE TEMP VIEW normalized AS
WITH labelled AS (
    SELECT *, list_filter(nationalities, n -> coalesce(tidy(n.label), '') <> '') AS labels
    FROM raw
)
SELECT
    record_index,
    norm_key(metadata.name)                               AS business_key,
    tidy(metadata.name)                                   AS name,
    TRY_CAST(utc_of(metadata.birth_date) AS DATE)         AS birth_date,
    TRY_CAST(utc_of(metadata.died_at) AS DATE)            AS died_at,
    tidy(labels[1].label)                                 AS nationality,
    coalesce(reason, CASE WHEN len(labels) > 1 THEN 'nationalities: more than one non-empty label' END) AS reason,
    warning,
    raw_record
FROM labelled;
