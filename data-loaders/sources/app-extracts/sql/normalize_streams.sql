-- streams.csv → streams. Each timestamp becomes its UTC instant and its local wall-clock time as
-- plain TIMESTAMPs, with the offset beside them, so no question needs TIMESTAMPTZ (or ICU).
-- A stream has no key in the extract: its position in the file is its id.
CREATE OR REPLACE TEMP VIEW normalized AS
WITH parsed AS (
    SELECT *, utc_of(start_at) AS start_utc, utc_of(end_at) AS end_utc FROM raw
)
SELECT
    record_index,
    record_index                      AS business_key,
    record_index                      AS stream_id,
    movie_title,
    norm_key(movie_title)             AS movie_key,
    lower(tidy(user_email))           AS user_key,
    tidy(user_email)                  AS user_email,
    TRY_CAST(size_mb AS DOUBLE)       AS size_mb,
    start_utc,
    local_of(start_at)                AS start_local,
    offset_minutes_of(start_at)       AS start_offset_minutes,
    end_utc,
    local_of(end_at)                  AS end_local,
    offset_minutes_of(end_at)         AS end_offset_minutes,
    coalesce(reason, CASE WHEN end_utc < start_utc THEN 'end_at: before start_at' END) AS reason,
    warning,
    raw_record
FROM parsed;
