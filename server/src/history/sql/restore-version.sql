-- Writes an earlier version's content over a parcel: its properties and its
-- outline exactly as stored then (no GeoJSON round trip), all but the status,
-- which only the workflow changes. The history trigger records it as a new
-- version.
-- $1 parcel id, $2 version
UPDATE parcels p SET
  geom = v.geom_after,
  code = v.after ->> 'code',
  name = v.after ->> 'name',
  town = v.after ->> 'town',
  village = v.after ->> 'village',
  category = v.after ->> 'category',
  subtype = v.after ->> 'subtype',
  problems = ARRAY(SELECT jsonb_array_elements_text(v.after -> 'problems')),
  ownership = v.after ->> 'ownership',
  declared_area_mu = (v.after ->> 'declared_area_mu')::double precision,
  location = v.after ->> 'location',
  intended_use = v.after ->> 'intended_use',
  attributes = v.after -> 'attributes'
FROM parcel_versions v
WHERE p.id = $1 AND v.parcel_id = $1 AND v.version = $2
