-- 四至: what adjoins each parcel on its east, south, west and north sides.
-- A side's strip is the ground swept when the parcel's convex hull moves
-- $2 metres that way, less the hull itself: what lies in it lies beyond the
-- parcel on that side, not diagonally off a corner. Everything is measured
-- in CGCS2000 Gauss-Krüger metres (EPSG:4549, CM 120°E). In a strip the
-- nearest thing wins: another live parcel, a road's land (the centre line
-- widened by width_m / 2), a river or river management area, or the
-- parcel's village boundary. Within 1 m of the nearest, a road or river
-- goes before a parcel, and a parcel before the village line, since village
-- lines often run along roads and rivers.
-- $1 parcel ids (int[]), $2 search distance in metres
-- One row per parcel and side that has something; a side with nothing is absent.
WITH subject AS (
  -- each parcel in metres, with its hull and a margin box in degrees for the GiST index
  SELECT p.id, p.village, p.geom, ST_Transform(p.geom, 4549) AS g,
         ST_ConvexHull(ST_Transform(p.geom, 4549)) AS hull,
         -- $2 m is at most $2 / 80000 degrees of longitude or latitude at 36°N
         ST_Expand(p.geom, $2 / 80000.0) AS reach
  FROM parcels p WHERE p.id = ANY ($1::int[])
),
sides AS (
  -- the four strips
  SELECT s.id, d.side,
         ST_Difference(ST_ConvexHull(ST_Collect(s.hull, ST_Translate(s.hull, d.dx * $2, d.dy * $2))), s.hull) AS strip
  FROM subject s
  CROSS JOIN (VALUES ('east', 1, 0), ('south', 0, -1), ('west', -1, 0), ('north', 0, 1)) AS d (side, dx, dy)
),
near_parcels AS (
  -- other live parcels within reach
  SELECT s.id, o.code AS ref, nullif(o.name, '') AS name, ST_Transform(o.geom, 4549) AS g
  FROM subject s JOIN parcels o ON o.geom && s.reach AND o.id <> s.id AND o.deleted_at IS NULL
),
near_zones AS (
  -- roads (as their road land), rivers and river management areas of live layers, within reach
  SELECT s.id, z.class, z.code AS ref, coalesce(z.name, z.code) AS name, z.attributes ->> 'road_class' AS road_class,
         CASE WHEN z.class = 'road' THEN
           ST_Buffer(ST_Transform(z.geom, 4549),
             CASE WHEN z.attributes ->> 'width_m' ~ '^[0-9]+(\.[0-9]+)?$'
                  THEN greatest((z.attributes ->> 'width_m')::double precision / 2, 0.1) ELSE 0.1 END, 2)
         ELSE ST_Transform(z.geom, 4549) END AS g
  FROM subject s
  JOIN zones z ON z.geom && s.reach AND z.class IN ('road', 'river', 'river_area')
  JOIN planning_layers l ON l.id = z.layer_id AND l.version = z.layer_version AND l.deleted_at IS NULL
),
candidates AS (
  -- everything that meets a strip, with its distance from the parcel in metres
  SELECT sd.id, sd.side, 'parcel' AS kind, 2 AS rank, n.ref, n.name, NULL::text AS road_class,
         ST_Distance(s.g, n.g) AS distance_m
  FROM sides sd JOIN subject s ON s.id = sd.id JOIN near_parcels n ON n.id = sd.id
  WHERE ST_Intersects(n.g, sd.strip)
  UNION ALL
  SELECT sd.id, sd.side, CASE WHEN z.class = 'road' THEN 'road' ELSE 'river' END,
         CASE WHEN z.class = 'road' THEN 0 ELSE 1 END, z.ref, z.name, z.road_class,
         ST_Distance(s.g, z.g)
  FROM sides sd JOIN subject s ON s.id = sd.id JOIN near_zones z ON z.id = sd.id
  WHERE ST_Intersects(z.g, sd.strip)
  UNION ALL
  SELECT sd.id, sd.side, 'village_boundary', 3, nb.code, nb.name, NULL, ST_Distance(s.g, b.line)
  FROM sides sd JOIN subject s ON s.id = sd.id
  JOIN villages v ON v.code = s.village
  CROSS JOIN LATERAL (SELECT ST_Boundary(ST_Transform(v.geom, 4549)) AS line) b
  LEFT JOIN LATERAL (
    -- the village across the line: the one covering most of the strip
    SELECT n.code, n.name FROM villages n
    WHERE n.code <> v.code AND n.geom && s.reach AND ST_Intersects(ST_Transform(n.geom, 4549), sd.strip)
    ORDER BY ST_Area(ST_Intersection(ST_Transform(n.geom, 4549), sd.strip)) DESC, n.code LIMIT 1
  ) nb ON true
  WHERE ST_Intersects(b.line, sd.strip)
),
ranked AS (
  -- candidates within 1 m of the nearest on their side
  SELECT c.*, min(c.distance_m) OVER (PARTITION BY c.id, c.side) AS nearest_m FROM candidates c
)
SELECT DISTINCT ON (r.id, r.side) r.id AS parcel_id, r.side, r.kind, r.ref, r.name, r.road_class, r.distance_m
FROM ranked r
WHERE r.distance_m <= r.nearest_m + 1
ORDER BY r.id, r.side, r.rank, r.distance_m, r.ref
