-- A deletion is recorded after a live version, never after another deletion or first.
-- Returns the tombstones that break this.
-- `histories`: every history table's versions, with its name (checks/index.ts).
WITH ordered AS (
    SELECT *, lag(is_deleted) OVER (PARTITION BY table_name, business_key ORDER BY valid_from) AS previous_deleted
    FROM histories
)
SELECT table_name, business_key, valid_from
FROM ordered
WHERE is_deleted AND (previous_deleted IS NULL OR previous_deleted);
