-- Stamps each view of `views_in` (user_id, url, viewed_at, delivery_hour) with the postcode in
-- force when it was viewed: that of the latest users extract taken at or before the view, i.e.
-- the user's history version with valid_from <= viewed_at (an extract is taken at 00:00 UTC of
-- its date, so a view at that instant is the new version's). NULL, the unknown postcode, when no
-- extract knew the user then: an id no extract holds, a view before the user's first extract, or
-- a user absent from the extract in force (account closed). Also joins the user's current
-- postcode (their open version's, kept for a user who left: their last known one).
-- Inputs: views `users_current` and `users_closed` (user_id, postcode, valid_from TIMESTAMP, is_deleted).
-- Produces table `stamped`: the views with `postcode`, `current_postcode` and `unknown_because`.
-- Cost: one hash join of the views with the open versions (one per user); only the few views
-- older than their user's open version (users who moved since) take the ASOF join into the
-- closed versions, so the join never sorts the whole history.
CREATE OR REPLACE TEMP TABLE stamped AS
WITH joined AS (
    SELECT v.user_id, v.url, v.viewed_at, v.delivery_hour,
           c.postcode AS current_postcode, c.valid_from AS current_from, c.is_deleted AS current_deleted
    FROM views_in v
    LEFT JOIN users_current c USING (user_id)
),
earlier AS (
    SELECT j.*, h.postcode AS then_postcode, h.is_deleted AS then_deleted, h.user_id IS NOT NULL AS then_known
    FROM (SELECT * FROM joined WHERE viewed_at < current_from) j
    ASOF LEFT JOIN users_closed h ON j.user_id = h.user_id AND j.viewed_at >= h.valid_from
)
SELECT user_id, url, viewed_at, delivery_hour,
       CASE WHEN NOT current_deleted THEN current_postcode END AS postcode,
       current_postcode,
       CASE WHEN current_from IS NULL THEN 'unknown user'
            WHEN current_deleted THEN 'absent from the extract' END AS unknown_because
FROM joined
WHERE current_from IS NULL OR viewed_at >= current_from
UNION ALL
SELECT user_id, url, viewed_at, delivery_hour,
       CASE WHEN then_known AND NOT then_deleted THEN then_postcode END,
       current_postcode,
       CASE WHEN NOT then_known THEN 'before the first extract that knows the user'
            WHEN then_deleted THEN 'absent from the extract' END
FROM earlier;
