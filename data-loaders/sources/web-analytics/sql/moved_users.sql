-- After a users extract's merge: the users whose current postcode it changed, with the postcode
-- they had (NULL for a user no extract knew) and the one they have now. A user who left keeps
-- their last known postcode as current, so a leaver is not here; one back with another postcode is.
-- Inputs: `history_changed` (load/history.ts) and `staged` (this extract). Cost: one hash join of
-- the extract with the changed keys (few).
CREATE OR REPLACE TEMP TABLE users_moved AS
SELECT s.user_id, k.postcode AS old_current, s.postcode AS new_current
FROM history_changed k
JOIN staged s USING (business_key)
WHERE k.change IN ('inserted', 'updated', 'reappeared')
  AND k.postcode IS DISTINCT FROM s.postcode;
