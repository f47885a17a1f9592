-- Data quality: every quarantined record with the reason it was refused (file by name only).
SELECT load_id, entity,
       regexp_extract(source_file, '[^/\\]+$') AS file,
       CAST(record_index AS INTEGER) AS record_index,
       reason, record
FROM quarantine
ORDER BY load_id, entity, record_index;
