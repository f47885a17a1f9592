-- A key's versions tile time: each one starts where the previous ended, none is empty, and only
-- the last is open. Returns the versions that break this.
-- `histories`: every history table's versions, with its name (checks/index.ts).
WITH ordered AS (
    SELECT *, lead(valid_from) OVER (PARTITION BY table_name, business_key ORDER BY valid_from) AS next_from
    FROM histories
)
SELECT table_name, business_key, valid_from, valid_to, next_from
FROM ordered
WHERE (valid_to IS NULL) <> is_current
   OR valid_to <= valid_from
   OR (next_from IS NOT NULL AND valid_to IS DISTINCT FROM next_from)
   OR (next_from IS NULL AND valid_to IS NOT NULL);
