-- csv_skips: for the k-th record DuckDB rejected (k from 1), the rows read before it, and k. A row
-- read has rowid = its position among the rows read; the rejected records before it move its
-- position among all the file's records on by `skipped` (csv_positions.sql,
-- csv_attach_positions_skipping.sql). Made only when lines were rejected.
CREATE OR REPLACE TEMP TABLE csv_skips AS
SELECT read_before, max(skipped) AS skipped
FROM (
    SELECT record_index - row_number() OVER (ORDER BY record_index) + 1 AS read_before,
           row_number() OVER (ORDER BY record_index) AS skipped
    FROM csv_rejected
)
GROUP BY read_before;
