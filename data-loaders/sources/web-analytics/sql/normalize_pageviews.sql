-- page views extract → page views. A view has no natural key (two views by one user in the same
-- second are two views): the source is keyless (load/sql/split_keyless.sql), no view is a duplicate.
-- record_index is only passed on: the source is position-free (load/stage-csv.ts), so a CSV is
-- staged in one copy and its positions attached after.
-- A view must fall before the end of the delivered hour (getvariable('delivery_end')): a view
-- from an earlier hour is a late view and is kept; one from a later hour cannot be in this extract.
CREATE OR REPLACE TEMP VIEW normalized AS
SELECT
    record_index,
    TRY_CAST(user_id AS BIGINT)                    AS user_id,
    url,
    TRY_CAST(pageview_datetime AS TIMESTAMP)       AS viewed_at,
    coalesce(reason, CASE
        WHEN TRY_CAST(pageview_datetime AS TIMESTAMP) IS NULL
            THEN 'pageview_datetime: not a date and time'
        WHEN TRY_CAST(pageview_datetime AS TIMESTAMP) >= CAST(getvariable('delivery_end') AS TIMESTAMP)
            THEN 'pageview_datetime: after the delivered hour (' || strftime(CAST(getvariable('delivery_end') AS TIMESTAMP) - INTERVAL 1 HOUR, '%Y-%m-%dT%H') || ')'
    END)                                           AS reason,
    warning,
    raw_record
FROM raw;
