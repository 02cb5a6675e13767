-- The tiles of 0.05° (aligned to multiples of 0.05°) that the polygonal zones
-- of one layer version reach, as column and row numbers, for class-parts.sql.
-- $1 layer id, $2 layer version
SELECT DISTINCT i, j
FROM zones z
CROSS JOIN LATERAL generate_series(floor(ST_XMin(z.geom) / 0.05)::int, floor(ST_XMax(z.geom) / 0.05)::int) AS i
CROSS JOIN LATERAL generate_series(floor(ST_YMin(z.geom) / 0.05)::int, floor(ST_YMax(z.geom) / 0.05)::int) AS j
WHERE z.layer_id = $1 AND z.layer_version = $2 AND GeometryType(z.geom) = 'MULTIPOLYGON'
  AND z.geom && ST_MakeEnvelope(i * 0.05, j * 0.05, (i + 1) * 0.05, (j + 1) * 0.05, 4490)
ORDER BY i, j
