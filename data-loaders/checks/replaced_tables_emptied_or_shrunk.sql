-- A table replaced whole by each delivery (an extract) is not left empty, nor shrunk past the
-- breaker, by the load in force: the rule of load/shrink.ts applied to the loads table, so a
-- warehouse loaded before the breaker existed, or around it, is caught too. Compares each such
-- table's last load with the load before it; a load whose shrink was accepted on purpose
-- (--allow-shrink, recorded in `warnings`) passes. Returns the loads that break this.
-- Variables (checks/index.ts): breaker_share (STRATA_MASS_CHANGE_SHARE), breaker_min_rows,
-- replaced_tables (the registered tables whose load rule is "full replace", as a JSON list).
WITH replaced AS (
    SELECT load_id, source, entity, records_in, accepted, quarantined,
           lag(accepted) OVER (PARTITION BY source, entity ORDER BY loaded_at) AS accepted_before,
           row_number() OVER (PARTITION BY source, entity ORDER BY loaded_at DESC) AS newest_first
    FROM loads
    WHERE list_contains(from_json(getvariable('replaced_tables'), '["VARCHAR"]'), entity)
)
SELECT load_id, source, entity, accepted_before, accepted, records_in, quarantined
FROM replaced r
WHERE newest_first = 1
  AND NOT EXISTS (
      SELECT 1 FROM warnings w
      WHERE w.load_id = r.load_id AND w.entity = r.entity AND w.record_index IS NULL
        AND starts_with(w.warning, getvariable('breaker_allowed')))
  AND ((accepted = 0 AND accepted_before IS DISTINCT FROM 0)
       OR (accepted_before - accepted >= getvariable('breaker_min_rows') AND accepted < (1 - getvariable('breaker_share')) * accepted_before)
       OR (quarantined >= getvariable('breaker_min_rows') AND quarantined > getvariable('breaker_share') * records_in));
