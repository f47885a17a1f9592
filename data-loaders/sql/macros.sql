-- Macros shared by the ingest models (build time, in Node, where ICU is built in). What they
-- produce is plain TIMESTAMPs, so the questions over the published tables need no ICU.

-- A TIMESTAMPTZ cast to TIMESTAMP then gives the UTC wall clock, whatever the machine's zone.
SET TimeZone = 'UTC';

-- A business key from a name or title: letter case and surrounding white space are presentation.
CREATE OR REPLACE MACRO norm_key(s) AS lower(trim(s));

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

-- the instant in UTC, as a plain TIMESTAMP. The fixed layout goes through strptime's %z (4× faster
-- than by parts); other layouts fall through coalesce, which evaluates its second argument only
-- where the first is NULL. strptime yields a TIMESTAMPTZ, which the session's TimeZone (UTC, above)
-- turns back into the UTC wall clock.
CREATE OR REPLACE MACRO utc_of(s) AS
  coalesce(CAST(try_strptime(s, '%Y-%m-%dT%H:%M:%S.%g%z') AS TIMESTAMP), local_of(s) - to_minutes(offset_minutes_of(s)));
