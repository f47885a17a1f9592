-- Splits a night's records into `staged` (one row per business key, ready to merge) and
-- `quarantined` (every other record, with its reason). Nothing is dropped: every record of
-- `raw` lands in exactly one of the two.
CREATE OR REPLACE TEMP TABLE ranked AS
SELECT *, row_number() OVER (PARTITION BY business_key ORDER BY record_index) AS occurrence,
       min(record_index) OVER (PARTITION BY business_key) AS first_index
FROM hashed
WHERE reason IS NULL;

CREATE OR REPLACE TEMP TABLE staged AS
SELECT * EXCLUDE (record_index, reason, occurrence, first_index)
FROM ranked
WHERE occurrence = 1;

CREATE OR REPLACE TEMP TABLE quarantine_reasons AS
SELECT record_index, reason FROM raw WHERE reason IS NOT NULL
UNION ALL
SELECT record_index, reason FROM hashed WHERE reason IS NOT NULL
UNION ALL
SELECT record_index, 'duplicate business key: same ' || getvariable('entity') || ' as record ' || first_index
FROM ranked WHERE occurrence > 1;

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
