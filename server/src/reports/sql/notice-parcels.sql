-- The parcels a village's public notice (公示) lists, as posted: what the
-- notice prints and the outline for the public map (GeoJSON, EPSG:4490,
-- 7 decimals ≈ 1 cm). Areas are ellipsoidal on the CGCS2000 ellipsoid, m².
-- $1 village code
SELECT p.id, p.code, p.name, p.category, p.subtype, p.location, p.ownership, p.area_m2,
       ST_AsGeoJSON(p.geom, 7, 0) AS geometry
FROM parcels p
WHERE p.village = $1 AND p.deleted_at IS NULL
ORDER BY p.code
