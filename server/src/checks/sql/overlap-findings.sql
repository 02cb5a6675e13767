-- The tail of both overlap statements: overlap-pairs-local.sql and
-- overlap-pairs-across.sql each end with `pairs`, every parcel × zone piece
-- pair of the parcels they judge (all pairs of each such parcel), whole where
-- the piece covers the parcel. Per parcel and zone class of a layer, the
-- overlapping piece: where a piece covers the parcel, the parcel itself with
-- its own area_m2 (ellipsoidal on the CGCS2000 ellipsoid, kept by the parcels
-- trigger), no intersection computed; otherwise the parcel cut by the class's
-- pieces it meets, their union where there are several (pieces of one class
-- never overlap, so nothing counts twice), measured with ST_Area(geography),
-- ellipsoidal on the CGCS2000 ellipsoid. Then each piece is graded by the rule
-- table and written to check_findings with its share of the parcel and its
-- message; the answer counts what was written.
-- $1 run id, $2 layers jsonb [{ id, name, version }],
-- $3 the overlap rules jsonb [{ id, zone_class, category, intended_use, severity, basis_zh, basis_en }],
-- $4 zone class names jsonb { class: { zh, en } }, $5 smallest piece reported, m²,
-- $6 pieces above this many m² are raised one severity step (NULL: never)
open AS (
  -- parcel × class pairs that no single piece covers, with their pieces
  SELECT m.parcel_id, m.layer_id, m.class, array_agg(m.part_id) AS parts
  FROM pairs m
  GROUP BY m.parcel_id, m.layer_id, m.class
  HAVING NOT bool_or(m.whole)
),
cut AS MATERIALIZED (
  -- the parcel cut by its one piece, or by the union of its pieces, as a MultiPolygon like the
  -- parcels; m², ellipsoidal
  SELECT s.*, ST_Area(s.geom::geography) AS m2
  FROM (
    SELECT g.parcel_id, g.layer_id, g.class, p.code, p.version, p.category, p.intended_use, p.town, p.village,
           p.area_m2 AS parcel_m2,
           CASE
             WHEN cardinality(g.parts) = 1 THEN
               (SELECT ST_Multi(ST_CollectionExtract(ST_Intersection(p.geom, z.geom), 3))
                FROM check_class_parts z WHERE z.id = g.parts[1])
             ELSE
               (SELECT ST_Multi(ST_CollectionExtract(ST_UnaryUnion(ST_Collect(ST_Intersection(p.geom, z.geom))), 3))
                FROM check_class_parts z WHERE z.id = ANY (g.parts))
           END AS geom
    FROM open g JOIN parcels p ON p.id = g.parcel_id
    OFFSET 0
  ) s
),
pieces AS NOT MATERIALIZED (
  -- both kinds (read twice below, kept once)
  SELECT m.parcel_id, m.layer_id, m.class, m.code, m.version, m.category, m.intended_use, m.town, m.village,
         m.parcel_m2, m.geom, m.parcel_m2 AS m2
  FROM pairs m WHERE m.whole
  UNION ALL
  SELECT c.parcel_id, c.layer_id, c.class, c.code, c.version, c.category, c.intended_use, c.town, c.village,
         c.parcel_m2, c.geom, c.m2
  FROM cut c
),
rules AS MATERIALIZED (
  -- the run's rules, each with how specific it is: category and use > use > category > neither
  SELECT r.*, (r.intended_use IS NOT NULL)::int * 2 + (r.category IS NOT NULL)::int AS specificity
  FROM jsonb_to_recordset($3::jsonb) AS r (id int, zone_class text, category text, intended_use text,
       severity text, basis_zh text, basis_en text)
),
verdicts AS MATERIALIZED (
  -- the most specific rule for each zone class × category × intended use present, looked up once,
  -- keyed class|category|use for a lookup per piece (estimates of the pieces are too rough to join on)
  SELECT jsonb_object_agg(k.class || '|' || coalesce(k.category, '') || '|' || coalesce(k.intended_use, ''),
           jsonb_build_object('rule_id', r.rule_id, 'severity', coalesce(r.severity, 'info'),
             'basis_zh', coalesce(r.basis_zh, '未设规则，仅记录'),
             'basis_en', coalesce(r.basis_en, 'No rule applies; recorded for information'))) AS by_key
  FROM (SELECT DISTINCT m.class, m.category, m.intended_use FROM pieces m) k
  LEFT JOIN LATERAL (
    SELECT x.id AS rule_id, x.severity, x.basis_zh, x.basis_en FROM rules x
    WHERE x.zone_class = k.class AND (x.category IS NULL OR x.category = k.category)
      AND (x.intended_use IS NULL OR x.intended_use = k.intended_use)
    ORDER BY x.specificity DESC LIMIT 1
  ) r ON true
),
graded AS (
  -- each piece with its verdict, raised for large pieces
  SELECT m.*, r.rule_id, r.basis_zh, r.basis_en, l.name AS layer_name, l.version AS layer_version,
         coalesce($4::jsonb -> m.class ->> 'zh', m.class) AS class_zh,
         coalesce($4::jsonb -> m.class ->> 'en', m.class) AS class_en,
         $6::double precision IS NOT NULL AND m.m2 > $6::double precision AND r.severity <> 'conflict' AS raised,
         CASE WHEN $6::double precision IS NOT NULL AND m.m2 > $6::double precision
              THEN CASE r.severity WHEN 'info' THEN 'warning' ELSE 'conflict' END
              ELSE r.severity END AS severity
  FROM pieces m
  JOIN jsonb_to_recordset($2::jsonb) AS l (id int, name text, version int) ON l.id = m.layer_id
  CROSS JOIN verdicts v
  CROSS JOIN LATERAL jsonb_to_record(
    v.by_key -> (m.class || '|' || coalesce(m.category, '') || '|' || coalesce(m.intended_use, ''))
  ) AS r (rule_id int, severity text, basis_zh text, basis_en text)
  WHERE m.m2 >= $5::double precision AND m.m2 > 0
),
written AS (
  INSERT INTO check_findings (run_id, kind, code, severity, parcel_id, parcel_version, layer_id, layer_version,
                              zone_class, town, village, area_m2, ratio, rule_id, message_zh, message_en, geom)
  SELECT $1, 'overlap', 'zone_overlap', g.severity, g.parcel_id, g.version, g.layer_id, g.layer_version,
         g.class, g.town, g.village, g.m2, least(g.m2 / g.parcel_m2, 1), g.rule_id,
         '地块 ' || g.code || ' 有 ' || t.mu || ' 亩（' || t.m2 || ' 平方米，占 ' || t.pct || '%）位于' || g.class_zh
           || '（' || g.layer_name || ' 第 ' || g.layer_version || ' 版）：' || g.basis_zh
           || CASE WHEN g.raised THEN '；面积超过 ' || t.raise_mu || ' 亩，提高一级' ELSE '' END,
         'Parcel ' || g.code || ' has ' || t.mu || ' mu (' || t.m2 || ' m², ' || t.pct || '%) in ' || g.class_en
           || ' (' || g.layer_name || ', version ' || g.layer_version || '): ' || g.basis_en
           || CASE WHEN g.raised THEN '; larger than ' || t.raise_mu || ' mu, raised one step' ELSE '' END,
         g.geom
  FROM graded g
  CROSS JOIN LATERAL (
    -- the figures of both messages, worked out once (OFFSET 0 keeps them from being inlined twice)
    SELECT round((g.m2 * 15 / 10000)::numeric, 2)::text AS mu, round(g.m2::numeric, 1)::text AS m2,
           round(least(g.m2 / g.parcel_m2, 1)::numeric * 100, 1)::text AS pct,
           round(($6::double precision * 15 / 10000)::numeric, 2)::text AS raise_mu
    OFFSET 0
  ) t
  RETURNING severity
)
-- one row per severity found and a total (severity NULL), so an answer is never empty
SELECT severity, count(*)::int AS n FROM written GROUP BY ROLLUP (severity)
