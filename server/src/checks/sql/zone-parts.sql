-- The zones of one layer version that occupations are checked against one by
-- one (road building-control zones, river management areas), each cut into
-- pieces of at most 256 vertices.
-- Returns one row: the number of pieces written.
-- $1 layer id, $2 layer version, $3 zone classes, $4 number of chunks, $5 this chunk (zones by id modulo)
WITH written AS (
  INSERT INTO check_zone_parts (layer_id, layer_version, zone_id, class, geom)
  SELECT z.layer_id, z.layer_version, z.id, z.class, p.geom
  FROM zones z
  CROSS JOIN LATERAL ST_Subdivide(z.geom, 256) AS s (geom)
  CROSS JOIN LATERAL ST_Dump(s.geom) AS p
  WHERE z.layer_id = $1 AND z.layer_version = $2 AND z.class = ANY ($3::text[]) AND z.id % $4 = $5
    AND GeometryType(z.geom) = 'MULTIPOLYGON' AND GeometryType(p.geom) = 'POLYGON'
  RETURNING 1
)
SELECT count(*)::int AS n FROM written
