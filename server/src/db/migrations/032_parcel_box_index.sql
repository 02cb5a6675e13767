-- The boxes of live parcels (migration 030), indexed for the vector tiles
-- below zoom 14: the small parcels whose centre lies in a tile are found by
-- range, without reading their outlines; the few wide enough to show their
-- shape by size.
CREATE INDEX parcels_box_centre ON parcels (box_x, box_y) WHERE deleted_at IS NULL;
CREATE INDEX parcels_box_size ON parcels (box_size) WHERE deleted_at IS NULL;
