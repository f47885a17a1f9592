-- split.sql for records without a natural key (page views: two identical views are two views):
-- no record is a duplicate of another, so there is no key to group by. Splits `hashed` into view
-- `staged` and tables `quarantined` and `warned`, as split.sql does; every record lands in
-- exactly one of `staged` and `quarantined`.
CREATE OR REPLACE TEMP VIEW staged AS
SELECT * EXCLUDE (record_index, reason, warning, raw_record)
FROM hashed
WHERE reason IS NULL;

CREATE OR REPLACE TEMP TABLE quarantined AS
SELECT getvariable('load_id') AS load_id, getvariable('entity') AS entity, getvariable('source_file') AS source_file,
       record_index, NULL::VARCHAR AS business_key, reason, raw_record AS record
FROM hashed
WHERE reason IS NOT NULL;

CREATE OR REPLACE TEMP TABLE warned AS
SELECT getvariable('load_id') AS load_id, getvariable('entity') AS entity, getvariable('source_file') AS source_file,
       record_index, warning, raw_record AS record
FROM hashed
WHERE reason IS NULL AND warning IS NOT NULL;
