-- Splits a file's records into `staged` (one row per business key, ready to merge) and
-- `quarantined` (every other record, with its reason). Nothing is dropped: every record of
-- `raw` lands in exactly one of the two. Expects `raw` and `hashed` (normalized + record_hash).

-- Keys given by more than one record are rare: find them with one aggregate, not a window over all.
CREATE OR REPLACE TEMP TABLE duplicate_keys AS
SELECT business_key, min(record_index) AS first_index
FROM hashed
WHERE reason IS NULL
GROUP BY business_key
HAVING count(*) > 1;

CREATE OR REPLACE TEMP VIEW staged AS
SELECT h.* EXCLUDE (record_index, reason)
FROM hashed h
LEFT JOIN duplicate_keys d USING (business_key)
WHERE h.reason IS NULL AND (d.first_index IS NULL OR h.record_index = d.first_index);

CREATE OR REPLACE TEMP TABLE quarantine_reasons AS
SELECT record_index, reason FROM raw WHERE reason IS NOT NULL
UNION ALL
SELECT record_index, reason FROM hashed WHERE reason IS NOT NULL
UNION ALL
SELECT h.record_index, 'duplicate business key: same ' || getvariable('entity') || ' as record ' || d.first_index
FROM hashed h
JOIN duplicate_keys d USING (business_key)
WHERE h.reason IS NULL AND h.record_index <> d.first_index;

-- The record as it was read, kept beside its reason so it can be inspected and replayed.
CREATE OR REPLACE TEMP TABLE quarantined AS
SELECT
    getvariable('load_id')      AS load_id,
    getvariable('entity')       AS entity,
    getvariable('source_file')  AS source_file,
    q.record_index,
    q.reason,
    r.record
FROM quarantine_reasons q
JOIN (
    SELECT record_index,
           CAST(to_json(struct_pack(*COLUMNS(c -> c NOT IN ('record_index', 'reason')))) AS VARCHAR) AS record
    FROM raw
    WHERE record_index IN (SELECT record_index FROM quarantine_reasons)
) r USING (record_index)
ORDER BY q.record_index;
