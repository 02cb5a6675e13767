-- Geometry of one batch of parcels: invalid rings (GEOS's reason and place),
-- slivers (a polygon of the parcel narrower than the sliver width: twice the
-- radius of its largest inscribed circle, in Gauss-Krüger metres, EPSG:4549),
-- and the part of a parcel outside its village or outside the district.
-- Areas: ST_Area(geography), ellipsoidal on the CGCS2000 ellipsoid.
-- Duplicates come with the parcel pairs (parcel-pair-findings.sql).
-- $1 run id, $2 parcel ids, $3 smallest piece reported, m², $4 sliver width, m
WITH batch AS MATERIALIZED (
  -- the batch's live parcels
  SELECT p.id, p.code, p.version, p.town, p.village, p.area_m2, p.geom
  FROM parcels p WHERE p.id = ANY ($2::int[]) AND p.deleted_at IS NULL
),
invalid AS (
  -- rings GEOS refuses, with its reason and the place
  SELECT b.id, 'invalid_geometry' AS code, 'conflict' AS severity, b.geom, NULL::double precision AS m2,
         format('地块 %s 几何无效：%s，位置 %s %s', b.code, d.reason, round(ST_X(d.location)::numeric, 7), round(ST_Y(d.location)::numeric, 7)) AS zh,
         format('Parcel %s has an invalid geometry: %s at %s %s', b.code, d.reason, round(ST_X(d.location)::numeric, 7), round(ST_Y(d.location)::numeric, 7)) AS en
  FROM batch b CROSS JOIN LATERAL ST_IsValidDetail(b.geom) AS d
  WHERE NOT ST_IsValid(b.geom)
),
polygons AS (
  -- each polygon of a parcel that might be thin: 2·area/perimeter, with degrees turned into
  -- metres at their largest scale (1° of latitude ≈ 111.3 km ≥ 1° of longitude), is a lower
  -- bound of that ratio in metres and at most about the polygon's width
  SELECT b.id, b.code, d.geom
  FROM batch b CROSS JOIN LATERAL ST_Dump(b.geom) AS d
  WHERE 2 * ST_Area(d.geom) * 111320 * cos(radians(ST_YMax(d.geom))) / nullif(ST_Perimeter(d.geom), 0) < 4 * $4::double precision
),
slivers AS (
  -- those narrower than the sliver width
  SELECT s.id, 'sliver' AS code, 'warning' AS severity, s.geom, ST_Area(s.geom::geography) AS m2,
         format('地块 %s 有宽 %s 米的细长图形（窄于 %s 米），多为数字化错误', s.code, round(w.width::numeric, 2), $4::double precision) AS zh,
         format('Parcel %s has a polygon %s m wide (narrower than %s m), most likely a digitising error', s.code, round(w.width::numeric, 2), $4::double precision) AS en
  FROM polygons s
  CROSS JOIN LATERAL (SELECT 2 * (ST_MaximumInscribedCircle(ST_Transform(s.geom, 4549))).radius AS width) w
  WHERE w.width < $4::double precision
),
outside_village AS MATERIALIZED (
  -- the part of each parcel outside its own village, computed once; villages drive the
  -- loop so GEOS prepares each village once
  SELECT b.id, v.code AS village, v.name AS village_name, d.geom, ST_Area(d.geom::geography) AS m2
  FROM villages v
  CROSS JOIN LATERAL (SELECT * FROM batch b WHERE b.village = v.code OFFSET 0) b
  CROSS JOIN LATERAL (SELECT ST_CollectionExtract(ST_Difference(b.geom, v.geom), 3) AS geom OFFSET 0) d
  WHERE v.code IN (SELECT village FROM batch) AND NOT ST_Covers(v.geom, b.geom)
),
outside_district AS MATERIALIZED (
  -- the part of each parcel outside the district, computed once
  SELECT b.id, d.geom, ST_Area(d.geom::geography) AS m2
  FROM district t
  CROSS JOIN LATERAL (SELECT * FROM batch b OFFSET 0) b
  CROSS JOIN LATERAL (SELECT ST_CollectionExtract(ST_Difference(b.geom, t.geom), 3) AS geom OFFSET 0) d
  WHERE NOT ST_Covers(t.geom, b.geom)
),
found AS (
  -- every problem, with its message
  SELECT * FROM invalid
  UNION ALL SELECT * FROM slivers
  UNION ALL
  SELECT o.id, 'outside_village', 'warning', o.geom, o.m2,
         format('地块 %s 有 %s 平方米（%s 亩）超出所属村 %s（%s）', b.code, round(o.m2::numeric, 1),
                round((o.m2 * 15 / 10000)::numeric, 2), o.village_name, o.village),
         format('Parcel %s has %s m² (%s mu) outside its village %s (%s)', b.code, round(o.m2::numeric, 1),
                round((o.m2 * 15 / 10000)::numeric, 2), o.village_name, o.village)
  FROM outside_village o JOIN batch b ON b.id = o.id
  WHERE o.m2 >= $3::double precision AND o.m2 > 0
  UNION ALL
  SELECT o.id, 'outside_district', 'conflict', o.geom, o.m2,
         format('地块 %s 有 %s 平方米（%s 亩）超出即墨区界', b.code, round(o.m2::numeric, 1), round((o.m2 * 15 / 10000)::numeric, 2)),
         format('Parcel %s has %s m² (%s mu) outside the district boundary', b.code, round(o.m2::numeric, 1), round((o.m2 * 15 / 10000)::numeric, 2))
  FROM outside_district o JOIN batch b ON b.id = o.id
  WHERE o.m2 >= $3::double precision AND o.m2 > 0
),
written AS (
  INSERT INTO check_findings (run_id, kind, code, severity, parcel_id, parcel_version, town, village,
                              area_m2, ratio, message_zh, message_en, geom)
  SELECT $1, 'geometry', f.code, f.severity, b.id, b.version, b.town, b.village,
         f.m2, least(f.m2 / nullif(b.area_m2, 0), 1), f.zh, f.en, ST_Multi(f.geom)
  FROM found f JOIN batch b ON b.id = f.id
  RETURNING severity
)
-- one row per severity found and a total (severity NULL), so an answer is never empty
SELECT severity, count(*)::int AS n FROM written GROUP BY ROLLUP (severity)
