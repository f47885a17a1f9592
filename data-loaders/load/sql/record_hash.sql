-- Materialises the normalized records with `record_hash`, the fingerprint of a record's facts:
-- every column but its position, its key and its verdicts. The history merge compares it with
-- the open version's to find what changed. A source that must leave out presentation (a title's
-- letter case) declares its own, as sources/catalogue/sql/record_hash.sql does.
CREATE OR REPLACE TEMP TABLE hashed AS
SELECT
    * EXCLUDE (reason, warning, raw_record),
    md5(CAST(row(*COLUMNS(c -> c NOT IN ('record_index', 'business_key', 'reason', 'warning', 'raw_record'))) AS VARCHAR)) AS record_hash,
    reason,
    warning,
    raw_record
FROM normalized;
