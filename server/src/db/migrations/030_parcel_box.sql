-- The centre and the size of each parcel's box (EPSG:4490 degrees), stored.
-- Vector tiles below zoom 14 draw a parcel under a few pixels across as a
-- point at that centre (server/src/tiles/render.ts): reading three numbers
-- is far cheaper than reading and measuring each outline, and a zoom-10 tile
-- of the district-scale set touches 56,000 parcels.
ALTER TABLE parcels
  ADD COLUMN box_x double precision GENERATED ALWAYS AS ((ST_XMin(geom) + ST_XMax(geom)) / 2) STORED,
  ADD COLUMN box_y double precision GENERATED ALWAYS AS ((ST_YMin(geom) + ST_YMax(geom)) / 2) STORED,
  ADD COLUMN box_size double precision
    GENERATED ALWAYS AS (greatest(ST_XMax(geom) - ST_XMin(geom), ST_YMax(geom) - ST_YMin(geom))) STORED;
