-- A position-free CSV's `hashed` was made straight from the read, in file order, with
-- record_index NULL (load/stage-csv.ts). With no line rejected, a row's rowid is its record's
-- position: `hashed` becomes a view adding it, over the rows as they are (no copy).
ALTER TABLE hashed RENAME TO hashed_rows;

CREATE TEMP VIEW hashed AS
SELECT * REPLACE (rowid AS record_index)
FROM hashed_rows;
