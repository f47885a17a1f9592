-- History explorer: what each vendor night changed, per entity (from the load log). Every record
-- received is counted once: records_in = added + updated + reappeared + unchanged + quarantined
-- (deleted records are the ones absent tonight, so not among them). kept: quarantined records
-- whose open version stays as it was (present, so not deleted); warned: accepted records (in the
-- first four) that broke a warning rule.
SELECT strftime(data_date, '%Y-%m-%d') AS night, entity,
       CAST(records_in AS INTEGER) AS records_in,
       CAST(inserted AS INTEGER) AS added,
       CAST(updated AS INTEGER) AS updated,
       CAST(reappeared AS INTEGER) AS reappeared,
       CAST(unchanged AS INTEGER) AS unchanged,
       CAST(quarantined AS INTEGER) AS quarantined,
       CAST(kept AS INTEGER) AS kept,
       CAST(warned AS INTEGER) AS warned,
       CAST(deleted AS INTEGER) AS deleted
FROM loads
WHERE source = 'vendor'
ORDER BY night, entity;
