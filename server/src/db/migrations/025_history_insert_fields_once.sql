-- The history of created parcels lists the same changed fields for every
-- row (all the document's keys and the geometry): the list is made once per
-- statement, not once per row. For an import of 100,000 parcels the per-row
-- list and its lateral subquery took three quarters of the trigger's time.
CREATE OR REPLACE FUNCTION parcels_history_insert() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  fields text[];
BEGIN
  SELECT ARRAY(SELECT k FROM (SELECT jsonb_object_keys(parcel_document(n)) AS k UNION ALL SELECT 'geometry') keys ORDER BY k)
  INTO fields
  FROM (SELECT * FROM new_rows LIMIT 1) n;

  INSERT INTO parcel_versions
    (parcel_id, version, action, changed_by, changed_fields, note, before, after, geom_before, geom_after)
  SELECT n.id, n.version, 'create', n.updated_by, fields,
         nullif(current_setting('jiyuan.change_note', true), ''), NULL, parcel_document(n), NULL, n.geom
  FROM new_rows n;
  RETURN NULL;
END
$$;
