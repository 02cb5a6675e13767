-- Counts and areas of live parcels by town, category, status and problem
-- (a parcel with two problems counts under each; 'none' for none). Areas are
-- ellipsoidal on the CGCS2000 ellipsoid, m².
-- $1 town (null: all), $2 village (null: all)
WITH chosen AS (
  SELECT p.town, p.category, p.status, p.problems, p.area_m2 FROM parcels p
  WHERE p.deleted_at IS NULL AND ($1::text IS NULL OR p.town = $1) AND ($2::text IS NULL OR p.village = $2)
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
