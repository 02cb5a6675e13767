-- The zones of one layer version dissolved per class within tiles of 0.05°
-- (about 5 km, aligned to multiples of 0.05°) and cut into pieces of at most
-- 256 vertices: overlapping zones of one class count once, a parcel inside
-- adjacent zones of one class is inside one piece, and each piece is small
-- enough to test and clip quickly. The union snaps to a 1e-10° grid (about
-- 0.01 mm) so GEOS's overlay is robust on every GEOS version: the embedded
-- PostGIS silently loses a floating-point union of many road control strips.
-- Lines are left out.
-- One statement per tile (layer-tiles.sql lists them), so none runs long. Each
-- piece keeps its tile column, by which the overlap check goes through them.
-- Returns one row: the number of pieces written.
-- $1 layer id, $2 layer version, $3 and $4 the tile's column and row (× 0.05°)
WITH tile AS (
  -- the tile's square
  SELECT ST_MakeEnvelope($3::int * 0.05, $4::int * 0.05, ($3::int + 1) * 0.05, ($4::int + 1) * 0.05, 4490) AS geom
),
clipped AS (
  -- each polygonal zone of the layer version that reaches the tile, clipped to it
  SELECT z.class, CASE WHEN ST_Covers(t.geom, z.geom) THEN z.geom ELSE ST_Intersection(z.geom, t.geom) END AS geom
  FROM zones z, tile t
  WHERE z.layer_id = $1 AND z.layer_version = $2 AND GeometryType(z.geom) = 'MULTIPOLYGON' AND z.geom && t.geom
),
dissolved AS (
  -- one polygonal geometry per class
  SELECT c.class, ST_CollectionExtract(ST_Union(c.geom, 1e-10), 3) AS geom
  FROM clipped c
  GROUP BY c.class
),
written AS (
  INSERT INTO check_class_parts (layer_id, layer_version, class, tile_x, geom)
  SELECT $1, $2, d.class, $3::int, p.geom
  FROM dissolved d
  CROSS JOIN LATERAL ST_Subdivide(d.geom, 256) AS s (geom)
  CROSS JOIN LATERAL ST_Dump(s.geom) AS p
  WHERE GeometryType(p.geom) = 'POLYGON'
  RETURNING 1
)
SELECT count(*)::int AS n FROM written
