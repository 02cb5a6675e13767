-- The overlap check goes through the zone pieces by tile column (0.05°), so a
-- parcel within one column is judged with all its pieces in one statement;
-- only the pairs of parcels reaching across a column edge wait in
-- check_pairs, read back by parcel. The pieces are prepared again to get
-- their column.
TRUNCATE check_class_parts, check_zone_parts, check_prepared_layers;
ALTER TABLE check_class_parts ADD COLUMN tile_x integer NOT NULL;
DROP INDEX check_pairs_batch;
ALTER TABLE check_pairs DROP COLUMN batch;
CREATE INDEX check_pairs_parcel ON check_pairs (run_id, parcel_id);
