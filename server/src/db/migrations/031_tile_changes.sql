-- Where the data under the vector tiles changed: one row per statement that
-- wrote parcels, zones or planning layers, with the box of the rows it
-- touched before and after (EPSG:4490 degrees; no box: anywhere). Each
-- server process keeps rendered tiles in memory (server/src/tiles/cache.ts)
-- and, before serving one, reads the rows it has not seen yet and drops the
-- tiles they touch, so processes sharing one database never serve a stale
-- tile. Rows are only inserted: concurrent writers never wait on each other.
CREATE TABLE tile_changes (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- the tile source the change shows in: parcels, or zones (every planning layer)
  source text NOT NULL,
  min_lon double precision,
  min_lat double precision,
  max_lon double precision,
  max_lat double precision,
  changed_at timestamptz NOT NULL DEFAULT now()
);

-- TG_ARGV[0] names the source. The transition tables are new_rows (INSERT,
-- UPDATE) and old_rows (UPDATE, DELETE); plpgsql plans a query only when it
-- runs, so each branch names only the tables its operation has.
CREATE FUNCTION log_tile_change() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  box box2d;
BEGIN
  IF TG_OP = 'INSERT' THEN
    SELECT ST_Extent(geom) INTO box FROM new_rows;
  ELSIF TG_OP = 'DELETE' THEN
    SELECT ST_Extent(geom) INTO box FROM old_rows;
  ELSE
    SELECT ST_Extent(geom) INTO box FROM (SELECT geom FROM new_rows UNION ALL SELECT geom FROM old_rows) touched;
  END IF;
  IF box IS NOT NULL THEN
    INSERT INTO tile_changes (source, min_lon, min_lat, max_lon, max_lat)
    VALUES (TG_ARGV[0], ST_XMin(box), ST_YMin(box), ST_XMax(box), ST_YMax(box));
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER parcels_tile_insert AFTER INSERT ON parcels
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION log_tile_change('parcels');
CREATE TRIGGER parcels_tile_update AFTER UPDATE ON parcels
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION log_tile_change('parcels');
CREATE TRIGGER parcels_tile_delete AFTER DELETE ON parcels
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION log_tile_change('parcels');

CREATE TRIGGER zones_tile_insert AFTER INSERT ON zones
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION log_tile_change('zones');
CREATE TRIGGER zones_tile_update AFTER UPDATE ON zones
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION log_tile_change('zones');
CREATE TRIGGER zones_tile_delete AFTER DELETE ON zones
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION log_tile_change('zones');

-- A planning layer's new version, rename or deletion changes which zones are
-- current, wherever they lie.
CREATE FUNCTION log_tile_change_anywhere() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO tile_changes (source) VALUES (TG_ARGV[0]);
  RETURN NULL;
END
$$;

CREATE TRIGGER planning_layers_tile_change AFTER INSERT OR UPDATE OR DELETE ON planning_layers
  FOR EACH STATEMENT EXECUTE FUNCTION log_tile_change_anywhere('zones');
