-- History explorer: what each vendor night changed, per entity (from the load log).
SELECT strftime(data_date, '%Y-%m-%d') AS night, entity,
       CAST(records_in AS INTEGER) AS records_in,
       CAST(inserted AS INTEGER) AS added,
       CAST(updated AS INTEGER) AS updated,
       CAST(deleted AS INTEGER) AS deleted,
       CAST(reappeared AS INTEGER) AS reappeared,
       CAST(unchanged AS INTEGER) AS unchanged
FROM loads
WHERE source = 'vendor'
ORDER BY night, entity;
