-- What a map figure shows inside a box: planning zones (roads and rivers as
-- their lines), village boundaries, live parcels (one of them the subject),
-- and the finding pieces asked for, each clipped to the box and given in
-- CGCS2000 Gauss-Krüger metres (EPSG:4549, CM 120°E) to 0.01 m.
-- $1 subject parcel id (0: none), $2 $3 $4 $5 the box minX minY maxX maxY in EPSG:4549 m,
-- $6 finding ids (int[]), $7 only parcels of this village (null: all)
WITH box AS (
  -- the box in metres, and in degrees for the GiST index (edges densified
  -- every 20 m so the transformed box still covers the corners)
  SELECT ST_MakeEnvelope($2, $3, $4, $5, 4549) AS m,
         ST_Transform(ST_Segmentize(ST_MakeEnvelope($2, $3, $4, $5, 4549), 20), 4490) AS d
),
features AS (
  SELECT 'zone' AS layer, z.class, NULL::text AS category, z.code,
         CASE WHEN z.attributes ->> 'width_m' ~ '^[0-9]+(\.[0-9]+)?$'
              THEN (z.attributes ->> 'width_m')::double precision END AS width_m,
         ST_ClipByBox2D(ST_Transform(z.geom, 4549), b.m::box2d) AS g
  FROM zones z
  JOIN planning_layers l ON l.id = z.layer_id AND l.version = z.layer_version AND l.deleted_at IS NULL
  CROSS JOIN box b
  WHERE z.geom && b.d
  UNION ALL
  SELECT 'village', NULL, NULL, v.code, NULL, ST_ClipByBox2D(ST_Boundary(ST_Transform(v.geom, 4549)), b.m::box2d)
  FROM villages v CROSS JOIN box b WHERE v.geom && b.d
  UNION ALL
  SELECT CASE WHEN p.id = $1 THEN 'subject' ELSE 'parcel' END, NULL, p.category, p.code, NULL,
         ST_ClipByBox2D(ST_Transform(p.geom, 4549), b.m::box2d)
  FROM parcels p CROSS JOIN box b
  WHERE p.geom && b.d AND p.deleted_at IS NULL AND ($7::text IS NULL OR p.village = $7 OR p.id = $1)
  UNION ALL
  SELECT 'finding', f.kind, NULL, f.code, NULL,
         ST_ClipByBox2D(ST_CollectionExtract(ST_Transform(f.geom, 4549), 3), b.m::box2d)
  FROM check_findings f CROSS JOIN box b
  WHERE f.id = ANY ($6::int[]) AND f.geom IS NOT NULL AND ST_Dimension(f.geom) = 2
)
SELECT layer, class, category, code, width_m, ST_AsGeoJSON(g, 2) AS geometry
FROM features WHERE g IS NOT NULL AND NOT ST_IsEmpty(g)
