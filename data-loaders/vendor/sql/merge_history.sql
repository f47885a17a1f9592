-- One night's type-2 merge of `staged` (this dump, one row per business key) into `prior_current`
-- (the open version of every key ever seen, deleted ones as tombstones). Produces:
--   next_current    the open versions after this night (replaces the current file)
--   closed_tonight  the versions this night closes (a new, immutable file)
--   merge_changes   one row per key that changed, with what happened
-- Cost: one hash join of tonight's dump with the current versions; closed history is not read.
-- The two outputs are views: each is computed once, by the COPY that writes it.
CREATE OR REPLACE TEMP TABLE merge_changes AS
SELECT
    coalesce(s.business_key, c.business_key) AS business_key,
    CASE
        WHEN c.business_key IS NULL                      THEN 'inserted'
        WHEN s.business_key IS NULL AND NOT c.is_deleted THEN 'deleted'
        WHEN s.business_key IS NULL                      THEN 'still_deleted'
        WHEN c.is_deleted                                THEN 'reappeared'
        WHEN s.record_hash <> c.record_hash              THEN 'updated'
        ELSE 'unchanged'
    END AS change
FROM staged s
FULL OUTER JOIN prior_current c USING (business_key);

CREATE OR REPLACE TEMP VIEW closed_tonight AS
SELECT c.* REPLACE (getvariable('dump_date') AS valid_to, false AS is_current)
FROM prior_current c
JOIN merge_changes m USING (business_key)
WHERE m.change IN ('deleted', 'reappeared', 'updated');

CREATE OR REPLACE TEMP VIEW next_current AS
-- versions that stay open: unchanged records and tombstones of records still absent
SELECT c.*
FROM prior_current c
JOIN merge_changes m USING (business_key)
WHERE m.change IN ('unchanged', 'still_deleted')
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
JOIN merge_changes m USING (business_key)
WHERE m.change IN ('inserted', 'updated', 'reappeared')
UNION ALL BY NAME
-- tombstones: a vanished record keeps its last facts, marked deleted from tonight on
SELECT c.* REPLACE (getvariable('dump_date') AS valid_from, true AS is_deleted, getvariable('dump_id') AS source_dump)
FROM prior_current c
JOIN merge_changes m USING (business_key)
WHERE m.change = 'deleted';
