-- Fills in the record as read for quarantined records the schema had accepted (business rules,
-- duplicates): run only when there are such records.
UPDATE quarantined
SET record = r.record
FROM (
    SELECT record_index, CAST(to_json(struct_pack(*COLUMNS(c -> c NOT IN ('record_index', 'reason', 'raw_record')))) AS VARCHAR) AS record
    FROM raw
    WHERE record_index IN (SELECT record_index FROM quarantined WHERE record IS NULL)
) r
WHERE quarantined.record_index = r.record_index AND quarantined.record IS NULL;
