-- The findings of one run, filtered, with the names a reader needs and the
-- piece as GeoJSON (EPSG:4490, 8 decimals: about 1 mm). Areas as stored:
-- ellipsoidal on the CGCS2000 ellipsoid, m².
-- $1 run id, $2 town, $3 village, $4 kind, $5 severity, $6 code, $7 parcel id
-- (each NULL: any), $8 with geometry, $9 limit, $10 offset. The live waiver
-- (豁免) of each finding comes beside it (migration 008_waivers.sql).
SELECT f.id, f.run_id, f.kind, f.code, f.severity,
       f.parcel_id, p.code AS parcel_code, f.parcel_version, f.other_parcel_id, op.code AS other_parcel_code,
       f.occupation_id, o.code AS occupation_code, f.layer_id, l.name AS layer_name, f.layer_version,
       f.zone_id, z.code AS zone_code, f.zone_class, f.town, f.village, f.area_m2, f.ratio, f.rule_id,
       f.message_zh, f.message_en, finding_waiver(f) AS waiver,
       CASE WHEN $8::boolean THEN ST_AsGeoJSON(f.geom, 8, 0) END AS geometry,
       count(*) OVER ()::int AS matched
FROM check_findings f
LEFT JOIN parcels p ON p.id = f.parcel_id
LEFT JOIN parcels op ON op.id = f.other_parcel_id
LEFT JOIN occupations o ON o.id = f.occupation_id
LEFT JOIN planning_layers l ON l.id = f.layer_id
LEFT JOIN zones z ON z.id = f.zone_id
WHERE f.run_id = $1
  AND ($2::text IS NULL OR f.town = $2)
  AND ($3::text IS NULL OR f.village = $3)
  AND ($4::text IS NULL OR f.kind = $4)
  AND ($5::text IS NULL OR f.severity = $5)
  AND ($6::text IS NULL OR f.code = $6)
  AND ($7::int IS NULL OR f.parcel_id = $7)
ORDER BY CASE f.severity WHEN 'conflict' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, f.kind, f.id
LIMIT $9 OFFSET $10
