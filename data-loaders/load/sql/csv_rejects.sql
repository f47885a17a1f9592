-- The records of the CSV file just read that DuckDB's reader rejected, paired with those the
-- record count (load/csv-count.ts) found malformed. DuckDB's own line numbers are not used: in
-- DuckDB 1.5 they skip a line end inside a quoted field (test/csv-reader.test.ts); its byte
-- offsets are exact, so each rejected record is checked to be the counted one at its bytes.

-- csv_breaks(record_index, line), from the count (variable csv_breaks): each record that does
-- not start on the line after the previous record's (blank lines, or line ends inside a quoted
-- field, came between). Between two breaks, a record's line is its index plus the last break's
-- offset; 2 before any break (line 1 is the header).
CREATE OR REPLACE TEMP TABLE csv_breaks AS
SELECT b[1] AS record_index, b[2] AS line
FROM (SELECT unnest(CAST(getvariable('csv_breaks') AS BIGINT[][])) AS b);

-- csv_malformed: the records the count found malformed, in file order (k from 1).
CREATE OR REPLACE TEMP TABLE csv_malformed AS
SELECT *, row_number() OVER (ORDER BY record_index) AS k
FROM (
    SELECT unnest(from_json(getvariable('csv_malformed'),
        '[{"record_index":"BIGINT","line":"BIGINT","reason":"VARCHAR","first_byte":"BIGINT","last_byte":"BIGINT"}]'), recursive := true)
);

-- csv_reader_rejects: what DuckDB rejected (temp table csv_reject_errors, dropped before each read,
-- so it holds this file's alone), one row per record in file order: it can report several errors
-- for one record (a line of spaces comes more than once). line_byte_position is where it saw the
-- record start, byte_position where the error was (at most the byte after the line end).
CREATE OR REPLACE TEMP TABLE csv_reader_rejects AS
SELECT row_number() OVER (ORDER BY line_byte_position) AS k,
       min(byte_position)::BIGINT AS error_byte,
       arg_min(error_message, byte_position) AS message,
       arg_min(csv_line, byte_position) AS csv_line
FROM csv_reject_errors
GROUP BY line_byte_position;

-- csv_rejected: the k-th malformed record and the k-th rejected one, when they are the same bytes.
-- The record as read is DuckDB's text of it (without the blank lines it can prefix).
CREATE OR REPLACE TEMP TABLE csv_rejected AS
SELECT m.k, m.record_index, m.line, 'line ' || m.line || ': ' || m.reason AS reason, ltrim(r.csv_line, chr(13) || chr(10)) AS record
FROM csv_malformed m
JOIN csv_reader_rejects r USING (k)
WHERE r.error_byte BETWEEN m.first_byte AND m.last_byte + 1;
