-- Step one of the overlap check, for the zone pieces (check_class_parts) of
-- one chunk of tile columns (tile_x mod chunks, tiles of 0.05°): each parcel
-- of the run's scope that such a piece meets, and whether the piece covers
-- it. Pieces drive the join, so GEOS prepares each piece once and tests it
-- against the parcels under it. A parcel within one tile column meets pieces
-- of that column only, so all its pairs are here and the tail judges it at
-- once; the pairs of a parcel reaching across a column edge go to
-- check_pairs, for overlap-pairs-across.sql once every chunk is done.
-- The head of a statement that overlap-findings.sql completes.
-- $1 run id, $2 layers jsonb [{ id, name, version }], $3–$6 see overlap-findings.sql,
-- $7 number of chunks, $8 this chunk, $9 town, $10 village, $11 parcel ids (each NULL: not restricted)
WITH met AS MATERIALIZED (
  -- the chunk's pieces of the run's layer versions × the parcels they meet; a parcel is
  -- local when its box, widened by 1e-9° (pieces are snapped to 1e-10°), lies in one column
  SELECT z.id AS part_id, z.layer_id, z.class, ST_Covers(z.geom, p.geom) AS whole,
         floor((ST_XMin(p.geom) - 1e-9) / 0.05) = floor((ST_XMax(p.geom) + 1e-9) / 0.05) AS local,
         p.id AS parcel_id, p.code, p.version, p.category, p.intended_use, p.town, p.village,
         p.area_m2 AS parcel_m2, p.geom
  FROM check_class_parts z
  JOIN jsonb_to_recordset($2::jsonb) AS l (id int, version int) ON l.id = z.layer_id AND l.version = z.layer_version
  JOIN parcels p ON p.geom && z.geom AND ST_Intersects(z.geom, p.geom)
  WHERE z.tile_x % $7::int = $8::int AND p.deleted_at IS NULL
    AND ($9::text IS NULL OR p.town = $9)
    AND ($10::text IS NULL OR p.village = $10)
    AND ($11::int[] IS NULL OR p.id = ANY ($11::int[]))
),
across AS (
  -- the pairs of parcels reaching across a column edge, kept for overlap-pairs-across.sql
  INSERT INTO check_pairs (run_id, parcel_id, layer_id, class, part_id, whole)
  SELECT $1, m.parcel_id, m.layer_id, m.class, m.part_id, m.whole FROM met m WHERE NOT m.local
),
pairs AS NOT MATERIALIZED (
  -- the local parcels' pairs, as the tail reads them
  SELECT m.* FROM met m WHERE m.local
)
