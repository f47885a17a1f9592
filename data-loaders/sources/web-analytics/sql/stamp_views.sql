-- Stamps each view of `views_in` (user_id, url, viewed_at, delivery_hour) with the postcode in
-- force when it was viewed: that of the latest users extract taken at or before the view, i.e.
-- the user's history version with valid_from <= viewed_at (an extract is taken at 00:00 UTC of
-- its date, so a view at that instant is the new version's). NULL, the unknown postcode, when no
-- extract knew the user then: an id no extract holds, a view before the user's first extract, or
-- a user absent from the extract in force (account closed). Also joins the user's current
-- postcode (their open version's, kept for a user who left: their last known one).
-- Inputs: views `users_current` and `users_closed` (user_id, postcode, valid_from TIMESTAMP, is_deleted).
-- Produces view `stamped`: the views with `postcode`, `current_postcode` and `unknown_because`.
-- Cost: `stamped` is one hash join of the views with the open versions (one per user), a view
-- run once (stamping.ts writes it out). Only the views older than their user's open version
-- (users who moved since) take the ASOF join into the closed versions, in `stamped_earlier`;
-- when no view is older than the newest version (an hour loaded after its extract, the usual
-- case), that join is not run at all.

SET VARIABLE views_may_predate_versions = (SELECT min(viewed_at) FROM views_in) < (SELECT max(valid_from) FROM users_current);

-- the views older than their user's open version, each (user, instant) once, stamped from the
-- closed versions
CREATE OR REPLACE TEMP TABLE stamped_earlier AS
SELECT s.user_id, s.viewed_at,
       CASE WHEN h.user_id IS NOT NULL AND NOT h.is_deleted THEN h.postcode END AS postcode,
       CASE WHEN h.user_id IS NULL THEN 'before the first extract that knows the user'
            WHEN h.is_deleted THEN 'absent from the extract' END AS unknown_because
FROM (
    SELECT DISTINCT v.user_id, v.viewed_at
    FROM views_in v
    JOIN users_current c USING (user_id)
    WHERE getvariable('views_may_predate_versions') AND v.viewed_at < c.valid_from
) s
ASOF LEFT JOIN users_closed h ON s.user_id = h.user_id AND s.viewed_at >= h.valid_from;

CREATE OR REPLACE TEMP VIEW stamped AS
SELECT v.user_id, v.url, v.viewed_at, v.delivery_hour,
       CASE WHEN e.user_id IS NOT NULL THEN e.postcode
            WHEN NOT c.is_deleted THEN c.postcode END AS postcode,
       c.postcode AS current_postcode,
       CASE WHEN e.user_id IS NOT NULL THEN e.unknown_because
            WHEN c.valid_from IS NULL THEN 'unknown user'
            WHEN c.is_deleted THEN 'absent from the extract' END AS unknown_because
FROM views_in v
LEFT JOIN users_current c USING (user_id)
LEFT JOIN stamped_earlier e ON e.user_id = v.user_id AND e.viewed_at = v.viewed_at;
