-- Step two of the overlap check, for one chunk of parcels (by id modulo): the
-- pairs that step one (overlap-pairs-local.sql) kept in check_pairs for the
-- parcels reaching across a tile-column edge, now that every chunk has added
-- its pieces, with the parcels' own columns.
-- The head of a statement that overlap-findings.sql completes.
-- $1 run id, $2 layers jsonb [{ id, name, version }], $3–$6 see overlap-findings.sql,
-- $7 number of chunks, $8 this chunk
WITH pairs AS MATERIALIZED (
  -- each kept pair with its parcel
  SELECT c.part_id, c.layer_id, c.class, c.whole, p.id AS parcel_id, p.code, p.version, p.category,
         p.intended_use, p.town, p.village, p.area_m2 AS parcel_m2, p.geom
  FROM check_pairs c JOIN parcels p ON p.id = c.parcel_id
  WHERE c.run_id = $1 AND c.parcel_id % $7::int = $8::int
)
