-- Macros shared by every model. None needs TIMESTAMPTZ (and so ICU), so the same SQL runs in
-- DuckDB-WASM offline.

-- A business key from a name or title: letter case and runs of white space are presentation.
-- The regex runs only on the rare text that has a run to collapse: it costs 5× the rest.
CREATE OR REPLACE MACRO norm_key(s) AS lower(trim(
  CASE WHEN contains(s, '  ') OR contains(s, chr(9)) OR contains(s, chr(10)) OR contains(s, chr(13))
       THEN regexp_replace(s, '\s+', ' ', 'g') ELSE s END));

-- ISO-8601 text with an offset, split into its parts (NULL for text that is not one). The sources write one fixed layout,
-- "2021-12-06T19:30:19.099+0100", parsed by position (about 5× faster than by regex, which
-- matters at gigabytes); any other valid layout ("+01:00", "Z", no fraction) takes the regex path.
CREATE OR REPLACE MACRO is_fixed_iso(s) AS
  s LIKE '____-__-__T__:__:__.___+____' OR s LIKE '____-__-__T__:__:__.___-____';

-- local wall-clock time as written, as a plain TIMESTAMP
CREATE OR REPLACE MACRO local_of(s) AS
  CASE WHEN is_fixed_iso(s) THEN try_strptime(left(s, 23), '%Y-%m-%dT%H:%M:%S.%g')
       ELSE TRY_CAST(replace(regexp_extract(s, '^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?)', 1), 'T', ' ') AS TIMESTAMP)
  END;

-- the offset east of UTC in minutes (0 for "Z")
CREATE OR REPLACE MACRO offset_minutes_of(s) AS
  CASE WHEN s IS NULL THEN NULL
       WHEN is_fixed_iso(s) THEN
            (CASE WHEN s[24] = '-' THEN -1 ELSE 1 END) * (TRY_CAST(s[25:26] AS INTEGER) * 60 + TRY_CAST(s[27:28] AS INTEGER))
       WHEN regexp_matches(s, '[Zz]$') THEN 0
       ELSE (CASE WHEN regexp_extract(s, '([+-])(\d{2}):?(\d{2})$', 1) = '-' THEN -1 ELSE 1 END)
            * (TRY_CAST(regexp_extract(s, '([+-])(\d{2}):?(\d{2})$', 2) AS INTEGER) * 60
               + TRY_CAST(regexp_extract(s, '([+-])(\d{2}):?(\d{2})$', 3) AS INTEGER))
  END;

-- the instant in UTC, as a plain TIMESTAMP
CREATE OR REPLACE MACRO utc_of(s) AS local_of(s) - to_minutes(offset_minutes_of(s));
