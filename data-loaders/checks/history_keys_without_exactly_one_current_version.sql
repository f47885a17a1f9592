-- Every business key ever seen has exactly one current version (its open version or tombstone).
-- Returns the keys that break this. `histories`: every history table's versions (checks/index.ts).
SELECT table_name, business_key, count(*) FILTER (WHERE is_current) AS current_versions
FROM histories
GROUP BY table_name, business_key
HAVING count(*) FILTER (WHERE is_current) <> 1;
