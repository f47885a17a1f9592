-- Every record read is accepted or quarantined. Returns the loads where the counts do not add up,
-- or where the quarantine table does not hold what the load says it quarantined.
SELECT l.load_id, l.entity, l.records_in, l.accepted, l.quarantined, count(q.reason) AS quarantine_rows
FROM loads l
LEFT JOIN quarantine q ON q.load_id = l.load_id AND q.entity = l.entity
GROUP BY ALL
HAVING l.records_in <> l.accepted + l.quarantined OR count(q.reason) <> l.quarantined;
