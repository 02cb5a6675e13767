-- The latest findings of one parcel: for each check kind, the newest finished
-- run whose scope held the parcel (the district, its town or village, or a
-- list naming it), and that run's findings for the parcel, each with its
-- live waiver (豁免).
-- $1 parcel id
WITH parcel AS (
  -- where the parcel is now
  SELECT p.id, p.town, p.village FROM parcels p WHERE p.id = $1
),
candidates AS (
  -- runs that named the parcel, and area-wide runs that held it
  SELECT r.id, r.kinds, r.finished_at FROM check_runs r
  WHERE r.status = 'done' AND r.scope = 'parcels' AND r.parcel_ids @> ARRAY[$1::int]
  UNION ALL
  SELECT r.id, r.kinds, r.finished_at FROM check_runs r, parcel p
  WHERE r.status = 'done' AND r.scope <> 'parcels'
    AND (r.scope = 'district' OR (r.scope = 'town' AND r.town = p.town) OR (r.scope = 'village' AND r.village = p.village))
),
latest AS (
  -- per kind, the newest of them
  SELECT DISTINCT ON (k.kind) k.kind, c.id AS run_id, c.finished_at
  FROM candidates c CROSS JOIN LATERAL unnest(c.kinds) AS k (kind)
  ORDER BY k.kind, c.finished_at DESC, c.id DESC
)
SELECT l.kind AS latest_kind, l.run_id AS latest_run_id, l.finished_at AS latest_finished_at,
       f.id, f.run_id, f.kind, f.code, f.severity, f.parcel_id, p.code AS parcel_code, f.parcel_version,
       f.other_parcel_id, op.code AS other_parcel_code, f.occupation_id, o.code AS occupation_code,
       f.layer_id, pl.name AS layer_name, f.layer_version, f.zone_id, z.code AS zone_code, f.zone_class,
       f.town, f.village, f.area_m2, f.ratio, f.rule_id, f.message_zh, f.message_en,
       finding_waiver(f) AS waiver, ST_AsGeoJSON(f.geom, 8, 0) AS geometry
FROM latest l
LEFT JOIN check_findings f ON f.run_id = l.run_id AND f.kind = l.kind AND f.parcel_id = $1
LEFT JOIN parcels p ON p.id = f.parcel_id
LEFT JOIN parcels op ON op.id = f.other_parcel_id
LEFT JOIN occupations o ON o.id = f.occupation_id
LEFT JOIN planning_layers pl ON pl.id = f.layer_id
LEFT JOIN zones z ON z.id = f.zone_id
ORDER BY l.kind, CASE f.severity WHEN 'conflict' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, f.id
