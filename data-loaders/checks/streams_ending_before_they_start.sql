-- A stream ends after it starts, and its local time is its UTC instant plus its offset.
-- Returns the streams that break this.
SELECT stream_id, start_utc, end_utc
FROM streams
WHERE end_utc < start_utc
   OR start_local <> start_utc + to_minutes(start_offset_minutes)
   OR end_local <> end_utc + to_minutes(end_offset_minutes);
