-- Contracts with their parcel, their live payments (oldest first) and the
-- usernames of who wrote them. Dates as YYYY-MM-DD text, amounts in 元 as
-- float8 (exact for numeric(14, 2) below 10^13 分).
-- $1 contract id, $2 parcel id, $3 village code (each NULL: any), $4 with deleted contracts
SELECT c.id, c.parcel_id, p.code AS parcel_code, p.name AS parcel_name, p.town, p.village,
       c.number, c.contractor,
       to_char(c.start_on, 'YYYY-MM-DD') AS start_on, to_char(c.end_on, 'YYYY-MM-DD') AS end_on,
       to_char(c.terminated_on, 'YYYY-MM-DD') AS terminated_on,
       c.annual_fee_yuan::float8 AS annual_fee_yuan, c.payment_timing, c.problems, c.note, c.version,
       cu.username AS created_by, c.created_at, uu.username AS updated_by, c.updated_at, c.deleted_at,
       coalesce((
         SELECT json_agg(json_build_object(
                  'id', pay.id, 'paid_on', to_char(pay.paid_on, 'YYYY-MM-DD'), 'amount_yuan', pay.amount_yuan::float8,
                  'receipt_number', pay.receipt_number, 'note', pay.note,
                  'recorded_by', ru.username, 'recorded_at', pay.recorded_at)
                ORDER BY pay.paid_on, pay.id)
         FROM contract_payments pay JOIN users ru ON ru.id = pay.recorded_by
         WHERE pay.contract_id = c.id AND pay.deleted_at IS NULL
       ), '[]') AS payments
FROM contracts c
JOIN parcels p ON p.id = c.parcel_id
LEFT JOIN users cu ON cu.id = c.created_by
LEFT JOIN users uu ON uu.id = c.updated_by
WHERE ($1::int IS NULL OR c.id = $1)
  AND ($2::int IS NULL OR c.parcel_id = $2)
  AND ($3::text IS NULL OR (p.village = $3 AND p.deleted_at IS NULL))
  AND ($4::boolean OR c.deleted_at IS NULL)
ORDER BY p.code, c.start_on, c.id
