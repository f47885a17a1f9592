-- csv_attach_positions.sql for a file with rejected lines (after csv_skips.sql): each rejected
-- record before a row moves its position one on. `hashed` is made again with the positions, as
-- a table: its readers would otherwise each pay the join (a copy, for files with a bad line).
ALTER TABLE hashed RENAME TO hashed_rows;

CREATE TEMP TABLE hashed AS
SELECT h.* REPLACE (h.rowid + coalesce(k.skipped, 0) AS record_index)
FROM hashed_rows h
ASOF LEFT JOIN csv_skips k ON h.rowid >= k.read_before;

DROP TABLE hashed_rows;
