-- Splits a file's records (`hashed`: normalized, with `reason`, `warning` and `raw_record`) into
-- view `staged` (one row per business key, ready to load) and table `quarantined` (every other
-- record, with its reason). Nothing is dropped: every record lands in exactly one of the two.
-- Table `warned` lists the staged records that broke a warning rule (accepted all the same).

-- Keys given by more than one record are rare: find them with one aggregate, not a window over all.
CREATE OR REPLACE TEMP TABLE duplicate_keys AS
SELECT business_key, min(record_index) AS first_index
FROM hashed
WHERE reason IS NULL
GROUP BY business_key
HAVING count(*) > 1;

CREATE OR REPLACE TEMP VIEW staged AS
SELECT h.* EXCLUDE (record_index, reason, warning, raw_record)
FROM hashed h
LEFT JOIN duplicate_keys d USING (business_key)
WHERE h.reason IS NULL AND (d.first_index IS NULL OR h.record_index = d.first_index);

-- `record` is the record as it was read, kept so it can be inspected and replayed; it is NULL
-- here for records the schema accepted (see quarantine_raw.sql). `business_key` is kept for the
-- run only: a quarantined record whose key could be read is present in the delivery, not deleted.
CREATE OR REPLACE TEMP TABLE quarantined AS
SELECT getvariable('load_id') AS load_id, getvariable('entity') AS entity, getvariable('source_file') AS source_file,
       record_index, business_key, reason, raw_record AS record
FROM hashed
WHERE reason IS NOT NULL
UNION ALL
SELECT getvariable('load_id'), getvariable('entity'), getvariable('source_file'),
       h.record_index, h.business_key, 'duplicate business key: same ' || getvariable('entity') || ' as record ' || d.first_index, NULL
FROM hashed h
JOIN duplicate_keys d USING (business_key)
WHERE h.reason IS NULL AND h.record_index <> d.first_index;

CREATE OR REPLACE TEMP TABLE warned AS
SELECT getvariable('load_id') AS load_id, getvariable('entity') AS entity, getvariable('source_file') AS source_file,
       h.record_index, h.warning, h.raw_record AS record
FROM hashed h
LEFT JOIN duplicate_keys d USING (business_key)
WHERE h.reason IS NULL AND h.warning IS NOT NULL AND (d.first_index IS NULL OR h.record_index = d.first_index);
