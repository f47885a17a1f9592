-- authors.json, nested format → the shared author shape. Each author carries its real
-- nationality and a dummy entry with an empty label, in either order: keep the non-empty one.
CREATE OR REPLACE TEMP VIEW normalized AS
SELECT
    record_index,
    norm_key(metadata.name)                                           AS business_key,
    trim(metadata.name)                                               AS name,
    CAST(utc_of(metadata.birth_date) AS DATE)                         AS birth_date,
    CAST(utc_of(metadata.died_at) AS DATE)                            AS died_at,
    nullif(trim(list_filter(nationalities, n -> coalesce(trim(n.label), '') <> '')[1].label), '') AS nationality,
    CASE WHEN len(list_filter(nationalities, n -> coalesce(trim(n.label), '') <> '')) > 1
         THEN 'nationalities: more than one non-empty label' END      AS reason
FROM raw
WHERE reason IS NULL;
