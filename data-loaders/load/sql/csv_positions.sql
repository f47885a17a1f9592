-- View csv_positions: source_rows with each row's record_index, its position among all the
-- file's records (as counted, from 0), when DuckDB rejected some lines (after csv_skips.sql).
-- Without rejects, rowid is the position and this join's pass over the rows is not paid.
CREATE OR REPLACE TEMP VIEW csv_positions AS
SELECT s.rowid + coalesce(k.skipped, 0) AS record_index, s.*
FROM source_rows s
ASOF LEFT JOIN csv_skips k ON s.rowid >= k.read_before;
