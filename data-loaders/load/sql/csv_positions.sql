-- View csv_positions: source_rows with each row's record_index, its position among all the
-- file's records (as counted, from 0), when DuckDB rejected some lines: a row's rowid counts only
-- the records read, so each rejected record before it moves it one place on. Run only when lines
-- were rejected (the join costs a pass over the rows; without rejects, rowid is the position).
-- csv_skips: for the k-th rejected record (k from 1), the rows read before it, and k.
CREATE OR REPLACE TEMP TABLE csv_skips AS
SELECT read_before, max(skipped) AS skipped
FROM (
    SELECT record_index - row_number() OVER (ORDER BY record_index) + 1 AS read_before,
           row_number() OVER (ORDER BY record_index) AS skipped
    FROM csv_rejected
)
GROUP BY read_before;

CREATE OR REPLACE TEMP VIEW csv_positions AS
SELECT s.rowid + coalesce(k.skipped, 0) AS record_index, s.*
FROM source_rows s
ASOF LEFT JOIN csv_skips k ON s.rowid >= k.read_before;
