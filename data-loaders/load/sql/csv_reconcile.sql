-- Accounts for every record of the CSV file just read (after csv_rejects.sql): the rows DuckDB
-- read (counted by load/stage-csv.ts) plus the records it rejected must be the count made in
-- JavaScript (load/csv-count.ts), and the records it rejected must be exactly those the count
-- found malformed (a record it rejects for another reason, e.g. bad UTF-8, or two readers
-- splitting records differently, shows here). One row; the load refuses the file unless
-- read + rejected = records and both are NULL.
SELECT (SELECT count(*) FROM csv_reader_rejects)::BIGINT AS rejected,
       (SELECT min(line) FROM csv_malformed WHERE k NOT IN (SELECT k FROM csv_rejected))::BIGINT AS malformed_not_rejected,
       (SELECT arg_min(error_byte, k) FROM csv_reader_rejects WHERE k NOT IN (SELECT k FROM csv_rejected))::BIGINT AS rejected_byte,
       (SELECT arg_min(message, k) FROM csv_reader_rejects WHERE k NOT IN (SELECT k FROM csv_rejected)) AS rejected_message;
