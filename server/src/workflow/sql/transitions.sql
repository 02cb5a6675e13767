-- Workflow steps with the names a reader needs: the parcel's code and place
-- and the usernames of who proposed and decided. Dates as YYYY-MM-DD text.
-- $1 step id, $2 parcel id, $3 state, $4 town, $5 village (each NULL: any), $6 limit
SELECT t.id, t.parcel_id, p.code AS parcel_code, p.town, p.village,
       t.from_status, t.to_status, t.state, t.document, t.document_number,
       to_char(t.document_date, 'YYYY-MM-DD') AS document_date,
       t.method, t.procedure, t.reuse_mode, t.reuse_use, t.notice_id, t.note, t.parcel_version,
       t.proposed_by AS proposed_by_id, pu.username AS proposed_by, t.proposed_at,
       du.username AS decided_by, t.decided_at, t.approval_number, t.decision_note, t.confirmed_version
FROM parcel_transitions t
JOIN parcels p ON p.id = t.parcel_id
JOIN users pu ON pu.id = t.proposed_by
LEFT JOIN users du ON du.id = t.decided_by
WHERE ($1::int IS NULL OR t.id = $1)
  AND ($2::int IS NULL OR t.parcel_id = $2)
  AND ($3::text IS NULL OR t.state = $3)
  AND ($4::text IS NULL OR p.town = $4)
  AND ($5::text IS NULL OR p.village = $5)
ORDER BY t.id
LIMIT $6
