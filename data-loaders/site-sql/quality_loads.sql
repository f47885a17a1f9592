-- Data quality: one row per load and file. The file is shown by name only (the full path is
-- the build machine's). Merge counts (and kept: quarantined records whose open version stays as it
-- was, present in the delivery so not deleted) are null for tables replaced whole. `warned` counts
-- accepted records that broke a warning rule (they are in `accepted`).
SELECT load_id, source,
       strftime(data_date, '%Y-%m-%d') AS data_date,
       strftime(loaded_at, '%Y-%m-%dT%H:%M:%SZ') AS loaded_at,
       entity, format,
       regexp_extract(file, '[^/\\]+$') AS file,
       sha256,
       CAST(bytes AS BIGINT)::DOUBLE AS bytes,
       CAST(records_in AS INTEGER) AS records_in,
       CAST(accepted AS INTEGER) AS accepted,
       CAST(quarantined AS INTEGER) AS quarantined,
       CAST(warned AS INTEGER) AS warned,
       CAST(inserted AS INTEGER) AS inserted,
       CAST(updated AS INTEGER) AS updated,
       CAST(deleted AS INTEGER) AS deleted,
       CAST(reappeared AS INTEGER) AS reappeared,
       CAST(unchanged AS INTEGER) AS unchanged,
       CAST(kept AS INTEGER) AS kept
FROM loads
ORDER BY loads.loaded_at, entity;  -- the timestamp, not its text: loads a second apart keep their order
