-- The places and box of one parcel for its dossier; the box in CGCS2000
-- Gauss-Krüger metres (EPSG:4549).
-- $1 parcel id
SELECT t.name AS town_name, v.name AS village_name,
       ST_XMin(g.m) AS min_x, ST_YMin(g.m) AS min_y, ST_XMax(g.m) AS max_x, ST_YMax(g.m) AS max_y,
       ST_NPoints(p.geom) AS vertices
FROM parcels p
CROSS JOIN LATERAL (SELECT ST_Transform(p.geom, 4549) AS m) g
LEFT JOIN towns t ON t.code = p.town
LEFT JOIN villages v ON v.code = p.village
WHERE p.id = $1
