-- Step one of the overlap check: each parcel of the run × each prepared zone
-- piece (check_class_parts) it meets, and whether that piece covers the whole
-- parcel, with the batch of step two that will take the parcel. Zone pieces
-- drive the join, so each is prepared once by GEOS and tested against the
-- parcels under it. No geometry is written.
-- Returns one row: the number of pairs written.
-- $1 run id, $2 layers jsonb [{ id, version }], $3 the run's parcel ids in batch order,
-- $4 batch size, $5 number of chunks, $6 this chunk (pieces by id modulo)
WITH layers AS (
  -- the layer versions the run uses
  SELECT (l ->> 'id')::int AS layer_id, (l ->> 'version')::int AS layer_version
  FROM jsonb_array_elements($2::jsonb) AS l
),
pieces AS (
  -- this chunk of their prepared pieces
  SELECT z.id, z.layer_id, z.class, z.geom
  FROM check_class_parts z JOIN layers USING (layer_id, layer_version)
  WHERE z.id % $5 = $6
),
batches AS (
  -- each parcel's batch: its place in the list, by batch size
  SELECT b.id, ((b.n - 1) / $4::int)::int AS batch
  FROM unnest($3::int[]) WITH ORDINALITY AS b (id, n)
),
written AS (
  INSERT INTO check_pairs (run_id, batch, parcel_id, layer_id, class, part_id, whole)
  SELECT $1, b.batch, p.id, z.layer_id, z.class, z.id, ST_Covers(z.geom, p.geom)
  FROM pieces z
  JOIN parcels p ON p.geom && z.geom AND ST_Intersects(z.geom, p.geom)
  JOIN batches b ON b.id = p.id
  RETURNING 1
)
SELECT count(*)::int AS n FROM written
