-- History written once per statement from the transition tables instead of
-- once per row: an import of 100,000 parcels spent most of its time in the
-- per-row trigger, mostly turning geometries into jsonb. Geometries are now
-- kept as geometry in their own columns; the documents hold the properties.

ALTER TABLE parcel_versions
  ADD COLUMN geom_before geometry(MultiPolygon, 4490),
  ADD COLUMN geom_after geometry(MultiPolygon, 4490);

UPDATE parcel_versions SET
  geom_after = ST_SetSRID(ST_GeomFromGeoJSON(after -> 'geometry'), 4490),
  geom_before = CASE WHEN before ? 'geometry' THEN ST_SetSRID(ST_GeomFromGeoJSON(before -> 'geometry'), 4490) END,
  after = after - 'geometry',
  before = before - 'geometry';

ALTER TABLE parcel_versions ALTER COLUMN geom_after SET NOT NULL;

DROP TRIGGER parcels_after_write ON parcels;
DROP FUNCTION parcels_after_write();

-- A parcel's properties as a JSON document, for the history.
CREATE OR REPLACE FUNCTION parcel_document(p parcels) RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $$
  SELECT jsonb_build_object(
    'code', p.code, 'name', p.name, 'town', p.town, 'village', p.village,
    'category', p.category, 'subtype', p.subtype, 'status', p.status,
    'problems', to_jsonb(p.problems), 'ownership', p.ownership,
    'declared_area_mu', p.declared_area_mu, 'location', p.location,
    'intended_use', p.intended_use, 'attributes', p.attributes,
    'area_m2', p.area_m2, 'deleted', p.deleted_at IS NOT NULL)
$$;

CREATE FUNCTION parcels_history_insert() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO parcel_versions
    (parcel_id, version, action, changed_by, changed_fields, note, before, after, geom_before, geom_after)
  SELECT n.id, n.version, 'create', n.updated_by,
         ARRAY(SELECT k FROM (SELECT jsonb_object_keys(d.doc) AS k UNION ALL SELECT 'geometry') keys ORDER BY k),
         nullif(current_setting('jiyuan.change_note', true), ''), NULL, d.doc, NULL, n.geom
  FROM new_rows n CROSS JOIN LATERAL (SELECT parcel_document(n) AS doc) d;
  RETURN NULL;
END
$$;

CREATE FUNCTION parcels_history_update() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO parcel_versions
    (parcel_id, version, action, changed_by, changed_fields, note, before, after, geom_before, geom_after)
  SELECT n.id, n.version,
         CASE
           WHEN o.deleted_at IS NULL AND n.deleted_at IS NOT NULL THEN 'delete'
           WHEN o.deleted_at IS NOT NULL AND n.deleted_at IS NULL THEN 'restore'
           ELSE 'update' END,
         n.updated_by,
         ARRAY(
           SELECT k FROM (
             SELECT a.key AS k FROM jsonb_each(nd.doc) a WHERE a.value IS DISTINCT FROM od.doc -> a.key
             UNION ALL
             SELECT 'geometry' WHERE NOT ST_OrderingEquals(o.geom, n.geom)
           ) changed ORDER BY k),
         nullif(current_setting('jiyuan.change_note', true), ''), od.doc, nd.doc, o.geom, n.geom
  FROM old_rows o
  JOIN new_rows n ON n.id = o.id
  CROSS JOIN LATERAL (SELECT parcel_document(o) AS doc) od
  CROSS JOIN LATERAL (SELECT parcel_document(n) AS doc) nd;
  RETURN NULL;
END
$$;

CREATE TRIGGER parcels_history_insert
AFTER INSERT ON parcels REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION parcels_history_insert();

CREATE TRIGGER parcels_history_update
AFTER UPDATE ON parcels REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION parcels_history_update();
