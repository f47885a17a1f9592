-- Completes the quarantine and warnings of the CSV file just split (split.sql): each record's
-- line goes in front of its reason or warning (people open a CSV at a line, not a record
-- number), and the lines DuckDB's reader rejected (csv_rejects.sql) join the quarantine, once
-- each. A record's line is its index plus the offset of the last break before it (csv_breaks).
CREATE OR REPLACE TEMP TABLE quarantined AS
SELECT q.* REPLACE ('line ' || (q.record_index + coalesce(b.line - b.record_index, 2)) || ': ' || q.reason AS reason)
FROM quarantined q
ASOF LEFT JOIN csv_breaks b ON q.record_index >= b.record_index
UNION ALL BY NAME
-- a rejected line's key could not be read: it counts as absent, as any record without a key
SELECT getvariable('load_id') AS load_id, getvariable('entity') AS entity, getvariable('source_file') AS source_file,
       record_index, NULL AS business_key, reason, record
FROM csv_rejected;

CREATE OR REPLACE TEMP TABLE warned AS
SELECT w.* REPLACE ('line ' || (w.record_index + coalesce(b.line - b.record_index, 2)) || ': ' || w.warning AS warning)
FROM warned w
ASOF LEFT JOIN csv_breaks b ON w.record_index >= b.record_index;
