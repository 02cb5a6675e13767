-- Two versions of a parcel side by side: their property documents, who made
-- them and when, and how the outline changed. Areas are ellipsoidal on the
-- CGCS2000 ellipsoid (geography of EPSG:4490), m²: added is the ground of the
-- later outline outside the earlier one, removed the other way round.
-- $1 parcel id, $2 earlier version, $3 later version
WITH pair AS (
  -- the two versions
  SELECT a.version AS from_version, b.version AS to_version,
         a.action AS from_action, b.action AS to_action,
         a.changed_at AS from_changed_at, b.changed_at AS to_changed_at,
         au.username AS from_changed_by, bu.username AS to_changed_by,
         a.after AS from_doc, b.after AS to_doc, a.geom_after AS from_geom, b.geom_after AS to_geom
  FROM parcel_versions a
  JOIN parcel_versions b ON b.parcel_id = a.parcel_id AND b.version = $3
  LEFT JOIN users au ON au.id = a.changed_by
  LEFT JOIN users bu ON bu.id = b.changed_by
  WHERE a.parcel_id = $1 AND a.version = $2
)
SELECT from_version, to_version, from_action, to_action, from_changed_at, to_changed_at,
       from_changed_by, to_changed_by, from_doc, to_doc,
       NOT ST_OrderingEquals(from_geom, to_geom) AS geometry_changed,
       ST_Area(from_geom::geography) AS from_area_m2,
       ST_Area(to_geom::geography) AS to_area_m2,
       CASE WHEN ST_OrderingEquals(from_geom, to_geom) THEN 0
            ELSE ST_Area(ST_Difference(to_geom, from_geom)::geography) END AS added_m2,
       CASE WHEN ST_OrderingEquals(from_geom, to_geom) THEN 0
            ELSE ST_Area(ST_Difference(from_geom, to_geom)::geography) END AS removed_m2
FROM pair
