-- One delivery's type-2 merge of `staged` (this delivery, one row per business key) into
-- `prior_current` (the open version of every key ever seen, deleted ones as tombstones: a view
-- over the current file). `quarantined` holds the delivery's rejected records: one whose key
-- could be read is present, so its open version stays as it was ('kept'), never a deletion.
-- Produces:
--   merge_changes   one row per key whose open version changes tonight (or is kept), with what happened
--   closed_tonight  the versions this delivery closes (a new, immutable file)
--   next_current    the open versions after this delivery (replaces the current file)
-- Cost: one hash join of tonight's keys and hashes with the current ones; every other join builds
-- on the night's changes only and streams the rest (tonight's records, two reads of the current
-- file). Closed history is not read, and the records that stay as they were (most of them, on a
-- quiet night) are never held in memory.
CREATE OR REPLACE TEMP TABLE merge_changes AS
SELECT *
FROM (
    SELECT
        coalesce(s.business_key, c.business_key) AS business_key,
        CASE
            WHEN c.business_key IS NULL                      THEN 'inserted'
            WHEN s.business_key IS NULL AND c.business_key IN (SELECT business_key FROM quarantined WHERE business_key IS NOT NULL)
                 THEN CASE WHEN c.is_deleted THEN 'still_deleted' ELSE 'kept' END
            WHEN s.business_key IS NULL AND NOT c.is_deleted THEN 'deleted'
            WHEN s.business_key IS NULL                      THEN 'still_deleted'
            WHEN c.is_deleted                                THEN 'reappeared'
            WHEN s.record_hash <> c.record_hash              THEN 'updated'
            ELSE 'unchanged'
        END AS change
    FROM (SELECT business_key, record_hash FROM staged) s
    FULL OUTER JOIN (SELECT business_key, record_hash, is_deleted FROM prior_current) c USING (business_key)
)
WHERE change NOT IN ('unchanged', 'still_deleted');

-- the open versions that close tonight, as they were (few: one per updated, deleted or back key)
CREATE OR REPLACE TEMP TABLE closing_versions AS
SELECT c.*, m.change
FROM prior_current c
JOIN (SELECT business_key, change FROM merge_changes WHERE change IN ('deleted', 'reappeared', 'updated')) m USING (business_key);

CREATE OR REPLACE TEMP VIEW closed_tonight AS
SELECT * EXCLUDE (change) REPLACE (getvariable('dump_date') AS valid_to, false AS is_current)
FROM closing_versions;

CREATE OR REPLACE TEMP VIEW next_current AS
-- versions that stay open: unchanged records and tombstones of records still absent
SELECT c.*
FROM prior_current c
ANTI JOIN closing_versions k USING (business_key)
UNION ALL BY NAME
-- new versions: new records, changed ones, and ones back after a deletion
SELECT
    s.*,
    getvariable('dump_date')  AS valid_from,
    NULL::DATE                AS valid_to,
    true                      AS is_current,
    false                     AS is_deleted,
    getvariable('dump_id')    AS source_dump
FROM staged s
SEMI JOIN (SELECT business_key FROM merge_changes WHERE change IN ('inserted', 'updated', 'reappeared')) m USING (business_key)
UNION ALL BY NAME
-- tombstones: a vanished record keeps its last facts, marked deleted from tonight on
SELECT k.* EXCLUDE (change) REPLACE (getvariable('dump_date') AS valid_from, true AS is_deleted, getvariable('dump_id') AS source_dump)
FROM closing_versions k
WHERE k.change = 'deleted';
