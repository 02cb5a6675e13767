-- What a candidate outline, not yet saved, would overlap: each live parcel it
-- shares an area with (DE-9IM II = 2), and its part in each zone class of each
-- live planning layer's current version. Graded the way the overlap and the
-- parcel-pair checks grade (server/src/checks/preview.ts). Areas are
-- ST_Area(geography): ellipsoidal on the CGCS2000 ellipsoid, m². Nothing is written.
-- $1 the candidate, GeoJSON Polygon or MultiPolygon in EPSG:4490, valid (checked before),
-- $2 a parcel id left out (the parcel being edited) or NULL, $3 smallest piece reported, m²,
-- $4 sliver width, m
WITH candidate AS MATERIALIZED (
  -- the outline as the parcel would be stored
  SELECT ST_ForcePolygonCCW(ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON($1::text), 4490))) AS geom
),
candidate_area AS (
  -- its own area, m², ellipsoidal
  SELECT c.geom, ST_Area(c.geom::geography) AS m2 FROM candidate c
),
parcel_pieces AS (
  -- live parcels sharing an area with it, and the shared piece
  SELECT p.id AS parcel_id, p.code AS parcel_code, p.town, p.area_m2 AS other_m2,
         ST_Equals(c.geom, p.geom) AS equal,
         ST_CollectionExtract(ST_Intersection(c.geom, p.geom), 3) AS geom
  FROM candidate c
  JOIN parcels p ON p.geom && c.geom AND p.deleted_at IS NULL AND p.id IS DISTINCT FROM $2::int
  WHERE ST_Relate(c.geom, p.geom, '2********')
),
zone_pieces AS (
  -- per layer and class, the candidate's part inside its polygonal zones, overlapping zones counted once
  SELECT l.id AS layer_id, l.name AS layer_name, l.version AS layer_version, z.class,
         ST_CollectionExtract(ST_UnaryUnion(ST_Collect(ST_Intersection(c.geom, z.geom))), 3) AS geom
  FROM candidate c
  JOIN zones z ON z.geom && c.geom AND GeometryType(z.geom) = 'MULTIPOLYGON' AND ST_Intersects(z.geom, c.geom)
  JOIN planning_layers l ON l.id = z.layer_id AND l.version = z.layer_version AND l.deleted_at IS NULL
  GROUP BY l.id, l.name, l.version, z.class
),
pieces AS (
  -- both kinds, measured
  SELECT 'parcel' AS kind, pp.parcel_id, pp.parcel_code, pp.town, pp.other_m2, pp.equal,
         NULL::int AS layer_id, NULL::text AS layer_name, NULL::int AS layer_version, NULL::text AS zone_class,
         pp.geom, ST_Area(pp.geom::geography) AS m2
  FROM parcel_pieces pp
  UNION ALL
  SELECT 'zone', NULL, NULL, NULL, NULL, false, zp.layer_id, zp.layer_name, zp.layer_version, zp.class,
         zp.geom, ST_Area(zp.geom::geography)
  FROM zone_pieces zp
)
SELECT p.kind, p.parcel_id, p.parcel_code, p.town, p.layer_id, p.layer_name, p.layer_version, p.zone_class,
       p.m2 AS area_m2, least(p.m2 / nullif(a.m2, 0), 1) AS ratio,
       -- a pair covering each other to 99.9 % is a duplicate; a piece narrower than $4 m a sliver (EPSG:4549 metres)
       CASE WHEN p.kind <> 'parcel' THEN NULL
            WHEN p.equal OR (p.m2 >= 0.999 * a.m2 AND p.m2 >= 0.999 * p.other_m2) THEN 'duplicate'
            WHEN 2 * (ST_MaximumInscribedCircle(ST_Transform(p.geom, 4549))).radius < $4::double precision THEN 'sliver'
            ELSE 'parcel_overlap' END AS pair_code,
       ST_AsGeoJSON(ST_Multi(p.geom), 9, 0) AS geometry
FROM pieces p CROSS JOIN candidate_area a
WHERE p.m2 >= $3::double precision AND p.m2 > 0
ORDER BY p.kind, p.m2 DESC
