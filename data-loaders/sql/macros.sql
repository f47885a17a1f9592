-- Macros shared by the ingest models (build time, in Node). What they produce is plain
-- TIMESTAMPs, so the questions over the published tables need no time-zone functions (ICU).

-- trim(s), called only where an end holds a space (or a no-break space) for it to remove: trim
-- copies every string and costs 4× this test, which matters over millions of titles and texts.
CREATE OR REPLACE MACRO tidy(s) AS
  CASE WHEN starts_with(s, ' ') OR ends_with(s, ' ') OR starts_with(s, chr(160)) OR ends_with(s, chr(160))
       THEN trim(s) ELSE s END;

-- A business key from a name or title: letter case and surrounding spaces are presentation.
CREATE OR REPLACE MACRO norm_key(s) AS lower(tidy(s));

-- ISO-8601 text with an offset, split into its parts (NULL for text that is not one). The
-- sources write one fixed layout, "2021-12-06T19:30:19.099+0100", parsed by position (about 5×
-- faster than by regex, which matters at gigabytes); any other valid layout ("+01:00", "Z", no
-- fraction) takes the regex path.
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

-- the instant in UTC, as a plain TIMESTAMP (independent of the session's time zone). The sources'
-- layout always carries its offset, so DuckDB's own cast to TIMESTAMPTZ reads the instant (3×
-- faster than strptime's %z, which matters at gigabytes); make_timestamp(epoch_us(…)) turns it
-- into a plain TIMESTAMP without ICU's calendar. Other layouts go through strptime's %z, then
-- the regex path; coalesce evaluates its second argument only where the first is NULL.
CREATE OR REPLACE MACRO utc_of(s) AS
  CASE WHEN is_fixed_iso(s) THEN make_timestamp(epoch_us(TRY_CAST(s AS TIMESTAMPTZ)))
       ELSE coalesce(make_timestamp(epoch_us(try_strptime(s, '%Y-%m-%dT%H:%M:%S.%g%z'))), local_of(s) - to_minutes(offset_minutes_of(s)))
  END;
