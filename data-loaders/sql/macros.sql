-- Macros shared by every model. None needs TIMESTAMPTZ (and so ICU), so the same SQL runs in
-- DuckDB-WASM offline.

-- A business key from a name or title: letter case and runs of white space are presentation.
CREATE OR REPLACE MACRO norm_key(s) AS lower(trim(regexp_replace(s, '\s+', ' ', 'g')));

-- ISO-8601 text with an offset ("2021-12-06T19:30:19.099+0100", "+01:00" or "Z"), split into its parts.
-- local wall-clock time as written, as a plain TIMESTAMP
CREATE OR REPLACE MACRO local_of(s) AS
  CAST(replace(regexp_extract(s, '^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?)', 1), 'T', ' ') AS TIMESTAMP);
-- the offset east of UTC in minutes (0 for "Z")
CREATE OR REPLACE MACRO offset_minutes_of(s) AS
  CASE WHEN s IS NULL THEN NULL
       WHEN regexp_matches(s, '[Zz]$') THEN 0
       ELSE (CASE WHEN regexp_extract(s, '([+-])(\d{2}):?(\d{2})$', 1) = '-' THEN -1 ELSE 1 END)
            * (CAST(regexp_extract(s, '([+-])(\d{2}):?(\d{2})$', 2) AS INTEGER) * 60
               + CAST(regexp_extract(s, '([+-])(\d{2}):?(\d{2})$', 3) AS INTEGER))
  END;
-- the instant in UTC, as a plain TIMESTAMP
CREATE OR REPLACE MACRO utc_of(s) AS local_of(s) - to_minutes(offset_minutes_of(s));
