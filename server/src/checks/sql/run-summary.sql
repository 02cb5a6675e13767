-- A run's findings counted per town, village, kind and severity, with the
-- summed area of their pieces (ellipsoidal, m²). Occupations in road or river
-- zones count where their point on surface lies.
-- $1 run id, $2 town (NULL: all), $3 by village (false: by town only)
SELECT f.town, t.name AS town_name,
       CASE WHEN $3::boolean THEN f.village END AS village,
       CASE WHEN $3::boolean THEN v.name END AS village_name,
       f.kind, f.severity, count(*)::int AS findings, coalesce(sum(f.area_m2), 0) AS area_m2
FROM check_findings f
LEFT JOIN towns t ON t.code = f.town
LEFT JOIN villages v ON v.code = f.village
WHERE f.run_id = $1 AND ($2::text IS NULL OR f.town = $2)
GROUP BY 1, 2, 3, 4, 5, 6
ORDER BY 1 NULLS LAST, 3 NULLS LAST, 5, CASE f.severity WHEN 'conflict' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END
