-- The public notice (公示) a parcel is posted in: the live notice its last
-- confirmed step to publicized named, or else the latest live notice of its
-- village that lists it (a notice lists parcels by code, as posted).
-- $1 parcel id, $2 parcel code, $3 village code
WITH named AS (
  -- the notice of the step that posted the parcel
  SELECT t.notice_id FROM parcel_transitions t
  WHERE t.parcel_id = $1 AND t.state = 'confirmed' AND t.to_status = 'publicized'
  ORDER BY t.id DESC
  LIMIT 1
)
SELECT n.id, to_char(n.posted_on, 'YYYY-MM-DD') AS posted_on, to_char(n.ends_on, 'YYYY-MM-DD') AS ends_on,
       to_char(n.ends_on + 1, 'YYYY-MM-DD') AS next_day, n.working_days
FROM notices n
WHERE n.village = $3 AND n.withdrawn_at IS NULL
  AND n.parcels @> jsonb_build_array(jsonb_build_object('code', $2::text))
ORDER BY n.id = (SELECT notice_id FROM named) DESC NULLS LAST, n.posted_on DESC, n.id DESC
LIMIT 1
