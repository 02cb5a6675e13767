-- The 公路建筑控制区 (road building-control zones) derived from the road lines
-- of the live road layers: for each road, the strip from the edge of its road
-- land (width_m / 2 from the centre line; the centre line itself when width_m
-- is missing) outwards by the control distance of its class. Buffers are built
-- in Gauss-Krüger metres (EPSG:4549: CGCS2000, 3-degree zone, CM 120°E),
-- given a vertex every 10 m (a straight 2 km edge would otherwise bow by about
-- 4 cm once its two ends alone are transformed), and stored as MultiPolygons
-- in EPSG:4490.
-- Returns one row: the number of zones written.
-- $1 derived layer id, $2 its new version, $3 control distance by road class, jsonb { class: m },
-- $4 number of chunks, $5 this chunk (road lines by id modulo), so no statement runs long
WITH roads AS (
  -- road centre lines at their layer's current version, of a class with a distance
  SELECT z.id, z.code, z.name, z.attributes ->> 'road_class' AS road_class,
         CASE WHEN z.attributes ->> 'width_m' ~ '^[0-9]+(\.[0-9]+)?$'
              THEN (z.attributes ->> 'width_m')::double precision ELSE 0 END AS width_m,
         ST_Transform(z.geom, 4549) AS line
  FROM zones z
  JOIN planning_layers l ON l.id = z.layer_id AND l.version = z.layer_version AND l.deleted_at IS NULL
  WHERE z.class = 'road' AND GeometryType(z.geom) = 'MULTILINESTRING'
    AND $3::jsonb ? (z.attributes ->> 'road_class') AND z.id % $4 = $5
),
distances AS (
  -- the control distance of each road's class, m
  SELECT r.*, ($3::jsonb ->> r.road_class)::double precision AS control_m FROM roads r
),
strips AS (
  -- road land plus control zone, minus road land, in metres
  SELECT d.*, ST_Difference(ST_Buffer(d.line, d.width_m / 2 + d.control_m), ST_Buffer(d.line, d.width_m / 2)) AS strip
  FROM distances d WHERE d.control_m > 0
),
written AS (
  INSERT INTO zones (layer_id, layer_version, class, name, code, attributes, geom)
  SELECT $1, $2, 'road_control', coalesce(s.name, s.code, 'road ' || s.id) || '建筑控制区', s.code,
         jsonb_build_object('road_zone_id', s.id, 'road_class', s.road_class, 'width_m', s.width_m, 'control_m', s.control_m),
         ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_Transform(ST_Segmentize(s.strip, 10), 4490)), 3))
  FROM strips s
  WHERE NOT ST_IsEmpty(s.strip)
  RETURNING 1
)
SELECT count(*)::int AS n FROM written
