-- 界址点: the vertices of a parcel in CGCS2000 Gauss-Krüger metres
-- (EPSG:4549, CM 120°E, no zone prefix), ring by ring, outer ring first,
-- each ring without its closing point.
-- $1 parcel id
WITH points AS (
  SELECT d.path[1] AS part, d.path[2] AS ring, d.path[3] AS n, ST_X(d.geom) AS x, ST_Y(d.geom) AS y,
         count(*) OVER (PARTITION BY d.path[1], d.path[2]) AS ring_points
  FROM parcels p, ST_DumpPoints(ST_Transform(p.geom, 4549)) AS d
  WHERE p.id = $1
)
SELECT part, ring, n, x, y FROM points WHERE n < ring_points ORDER BY part, ring, n
