-- Counts and areas of live parcels by town, category, status and problem
-- (a parcel with two problems counts under each; 'none' for none). Areas are
-- ellipsoidal on the CGCS2000 ellipsoid, m².
-- $1 town, $2 village, $3 category, $4 subtype, $5 status, $6 problem, $7 a
-- LIKE pattern on code or name: each null for all, as GET /api/parcels filters
WITH chosen AS (
  SELECT p.town, p.category, p.status, p.problems, p.area_m2 FROM parcels p
  WHERE p.deleted_at IS NULL AND ($1::text IS NULL OR p.town = $1) AND ($2::text IS NULL OR p.village = $2)
    AND ($3::text IS NULL OR p.category = $3) AND ($4::text IS NULL OR p.subtype = $4)
    AND ($5::text IS NULL OR p.status = $5) AND ($6::text IS NULL OR $6 = ANY (p.problems))
    AND ($7::text IS NULL OR p.code ILIKE $7 OR p.name ILIKE $7)
)
SELECT 'total' AS dimension, '' AS code, count(*)::int AS parcels, coalesce(sum(area_m2), 0) AS area_m2 FROM chosen
UNION ALL
SELECT 'town', town, count(*)::int, sum(area_m2) FROM chosen GROUP BY town
UNION ALL
SELECT 'category', category, count(*)::int, sum(area_m2) FROM chosen GROUP BY category
UNION ALL
SELECT 'status', status, count(*)::int, sum(area_m2) FROM chosen GROUP BY status
UNION ALL
SELECT 'problem', coalesce(problem, 'none'), count(*)::int, sum(area_m2)
FROM chosen LEFT JOIN LATERAL unnest(chosen.problems) AS problem ON true GROUP BY 2
