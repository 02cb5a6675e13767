-- Step two of the overlap check, for one batch of parcels: per parcel and zone
-- class of a layer, the piece of the parcel inside that class, its area and
-- share, the rule that grades it, and the finding, written to check_findings.
-- Area: the parcel's own area_m2 where a zone piece covers the parcel, else
-- ST_Area(geography) of the piece: both ellipsoidal on the CGCS2000 ellipsoid,
-- as official areas are measured.
-- $1 run id, $2 batch number (check_pairs.batch), $3 layers jsonb [{ id, name, version }],
-- $4 the overlap rules jsonb [{ id, zone_class, category, intended_use, severity, basis_zh, basis_en }],
-- $5 zone class names jsonb { class: { zh, en } }, $6 smallest piece reported, m²,
-- $7 pieces above this many m² are raised one severity step (NULL: never)
WITH rules AS MATERIALIZED (
  -- the run's rules, each with how specific it is: category and use > use > category > neither
  SELECT r.*, (r.intended_use IS NOT NULL)::int * 2 + (r.category IS NOT NULL)::int AS specificity
  FROM jsonb_to_recordset($4::jsonb) AS r (id int, zone_class text, category text, intended_use text,
       severity text, basis_zh text, basis_en text)
),
groups AS (
  -- one row per parcel and class, whole when one zone piece covers the parcel
  SELECT c.parcel_id, c.layer_id, c.class, bool_or(c.whole) AS whole, array_agg(c.part_id) AS parts
  FROM check_pairs c
  WHERE c.run_id = $1 AND c.batch = $2
  GROUP BY c.parcel_id, c.layer_id, c.class
),
pieces AS MATERIALIZED (
  -- computed once: the parcel itself, its intersection with one zone piece, or the union
  -- over several; and its area in m², ellipsoidal
  SELECT s.*, CASE WHEN s.whole THEN s.parcel_m2 ELSE ST_Area(s.geom::geography) END AS m2
  FROM (
    SELECT g.parcel_id, g.layer_id, g.class, g.whole, p.code, p.version, p.category, p.intended_use,
           p.town, p.village, p.area_m2 AS parcel_m2,
           CASE
             WHEN g.whole THEN p.geom
             WHEN cardinality(g.parts) = 1 THEN
               (SELECT ST_CollectionExtract(ST_Intersection(p.geom, z.geom), 3) FROM check_class_parts z WHERE z.id = g.parts[1])
             ELSE
               (SELECT ST_CollectionExtract(ST_UnaryUnion(ST_Collect(ST_Intersection(p.geom, z.geom))), 3)
                FROM check_class_parts z WHERE z.id = ANY (g.parts))
           END AS geom
    FROM groups g JOIN parcels p ON p.id = g.parcel_id
    OFFSET 0
  ) s
),
graded AS (
  -- the rule for the parcel's category × intended use × zone class, raised for large pieces
  SELECT m.*, r.rule_id, r.basis_zh, r.basis_en, l.name AS layer_name, l.version AS layer_version,
         coalesce($5::jsonb -> m.class ->> 'zh', m.class) AS class_zh,
         coalesce($5::jsonb -> m.class ->> 'en', m.class) AS class_en,
         $7::double precision IS NOT NULL AND m.m2 > $7::double precision AND r.severity <> 'conflict' AS raised,
         CASE WHEN $7::double precision IS NOT NULL AND m.m2 > $7::double precision
              THEN CASE r.severity WHEN 'info' THEN 'warning' ELSE 'conflict' END
              ELSE r.severity END AS severity
  FROM pieces m
  JOIN jsonb_to_recordset($3::jsonb) AS l (id int, name text, version int) ON l.id = m.layer_id
  LEFT JOIN LATERAL (
    -- the most specific rule for the parcel's category × intended use × zone class
    SELECT x.id AS rule_id, x.severity, x.basis_zh, x.basis_en FROM rules x
    WHERE x.zone_class = m.class AND (x.category IS NULL OR x.category = m.category)
      AND (x.intended_use IS NULL OR x.intended_use = m.intended_use)
    ORDER BY x.specificity DESC LIMIT 1
  ) r0 ON true
  CROSS JOIN LATERAL (
    SELECT r0.rule_id, coalesce(r0.severity, 'info') AS severity,
           coalesce(r0.basis_zh, '未设规则，仅记录') AS basis_zh,
           coalesce(r0.basis_en, 'No rule applies; recorded for information') AS basis_en
  ) r
  WHERE m.m2 >= $6::double precision AND m.m2 > 0
),
written AS (
  INSERT INTO check_findings (run_id, kind, code, severity, parcel_id, parcel_version, layer_id, layer_version,
                              zone_class, town, village, area_m2, ratio, rule_id, message_zh, message_en, geom)
  SELECT $1, 'overlap', 'zone_overlap', g.severity, g.parcel_id, g.version, g.layer_id, g.layer_version,
         g.class, g.town, g.village, g.m2, least(g.m2 / g.parcel_m2, 1), g.rule_id,
         format('地块 %s 有 %s 亩（%s 平方米，占 %s%%）位于%s（%s 第 %s 版）：%s%s',
                g.code, round((g.m2 * 15 / 10000)::numeric, 2), round(g.m2::numeric, 1),
                round(least(g.m2 / g.parcel_m2, 1)::numeric * 100, 1), g.class_zh, g.layer_name, g.layer_version,
                g.basis_zh, CASE WHEN g.raised THEN format('；面积超过 %s 亩，提高一级', round(($7::double precision * 15 / 10000)::numeric, 2)) ELSE '' END),
         format('Parcel %s has %s mu (%s m², %s%%) in %s (%s, version %s): %s%s',
                g.code, round((g.m2 * 15 / 10000)::numeric, 2), round(g.m2::numeric, 1),
                round(least(g.m2 / g.parcel_m2, 1)::numeric * 100, 1), g.class_en, g.layer_name, g.layer_version,
                g.basis_en, CASE WHEN g.raised THEN format('; larger than %s mu, raised one step', round(($7::double precision * 15 / 10000)::numeric, 2)) ELSE '' END),
         ST_Multi(g.geom)
  FROM graded g
  RETURNING severity
)
-- one row per severity found and a total (severity NULL), so an answer is never empty
SELECT severity, count(*)::int AS n FROM written GROUP BY ROLLUP (severity)
