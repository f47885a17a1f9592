-- Fills in the record as read for quarantined and warned records the schema had accepted
-- (business rules, duplicates, warnings of the normalize SQL): run only when there are such records.
CREATE OR REPLACE TEMP TABLE records_to_fill AS
SELECT record_index, CAST(to_json(struct_pack(*COLUMNS(c -> c NOT IN ('record_index', 'reason', 'warning', 'raw_record')))) AS VARCHAR) AS record
FROM raw
WHERE record_index IN (SELECT record_index FROM quarantined WHERE record IS NULL UNION ALL SELECT record_index FROM warned WHERE record IS NULL);

UPDATE quarantined SET record = r.record FROM records_to_fill r
WHERE quarantined.record_index = r.record_index AND quarantined.record IS NULL;

UPDATE warned SET record = r.record FROM records_to_fill r
WHERE warned.record_index = r.record_index AND warned.record IS NULL;

DROP TABLE records_to_fill;
