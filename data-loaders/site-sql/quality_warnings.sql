-- Data quality: every accepted record that broke a warning rule, with the warning (file by name only).
SELECT load_id, entity,
       regexp_extract(source_file, '[^/\\]+$') AS file,
       CAST(record_index AS INTEGER) AS record_index,
       warning, record
FROM warnings
ORDER BY load_id, entity, record_index;
