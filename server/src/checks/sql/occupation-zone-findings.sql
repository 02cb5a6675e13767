-- Occupations intruding into road building-control zones and river management
-- areas, zone by zone (check_zone_parts): the intruding piece, its area
-- (ST_Area(geography): ellipsoidal, CGCS2000) and its share of the occupation,
-- graded by the rule for the zone class and the occupation's kind. Town and
-- village are those holding the occupation's point on surface.
-- $1 run id, $2 layers jsonb [{ id, name, version }], $3 town, $4 village (each NULL: not restricted),
-- $5 the encroachment rules jsonb [{ id, zone_class, occupation_kind, severity, basis_zh, basis_en }],
-- $6 zone class names jsonb { class: { zh, en } }, $7 smallest piece reported, m²,
-- $8 pieces above this many m² are raised one step (NULL: never)
WITH rules AS MATERIALIZED (
  -- the run's rules; one naming the occupation kind goes first
  SELECT r.*, (r.occupation_kind IS NOT NULL)::int AS specificity
  FROM jsonb_to_recordset($5::jsonb) AS r (id int, zone_class text, occupation_kind text, severity text,
       basis_zh text, basis_en text)
),
layers AS (
  -- the layer versions the run uses
  SELECT l.id AS layer_id, l.name AS layer_name, l.version AS layer_version
  FROM jsonb_to_recordset($2::jsonb) AS l (id int, name text, version int)
),
scoped AS (
  -- live occupations, those of the town or village when the run has one
  SELECT o.id, o.code, o.kind, o.description, o.geom
  FROM occupations o
  WHERE o.deleted_at IS NULL
    AND (($3::text IS NULL AND $4::text IS NULL) OR EXISTS (
      SELECT 1 FROM villages v
      WHERE ST_Intersects(v.geom, ST_PointOnSurface(o.geom))
        AND ($3::text IS NULL OR v.town = $3) AND ($4::text IS NULL OR v.code = $4)))
),
hits AS (
  -- occupation × zone piece pairs that meet; whole when the piece holds all of the occupation
  SELECT s.id AS occupation_id, z.layer_id, z.zone_id, z.class, z.id AS part_id, ST_Covers(z.geom, s.geom) AS whole
  FROM check_zone_parts z
  JOIN layers USING (layer_id, layer_version)
  JOIN scoped s ON s.geom && z.geom AND ST_Intersects(z.geom, s.geom)
),
groups AS (
  -- one row per occupation and zone
  SELECT h.occupation_id, h.layer_id, h.zone_id, h.class, bool_or(h.whole) AS whole, array_agg(h.part_id) AS parts
  FROM hits h GROUP BY h.occupation_id, h.layer_id, h.zone_id, h.class
),
pieces AS MATERIALIZED (
  -- computed once: the occupation itself, or its intersection with the zone's pieces
  SELECT g.*, s.code, s.kind, s.description, s.geom AS occupation_geom,
         CASE WHEN g.whole THEN s.geom
              ELSE (SELECT ST_CollectionExtract(ST_UnaryUnion(ST_Collect(ST_Intersection(s.geom, z.geom))), 3)
                    FROM check_zone_parts z WHERE z.id = ANY (g.parts)) END AS geom
  FROM groups g JOIN scoped s ON s.id = g.occupation_id
),
measured AS (
  -- m², ellipsoidal
  SELECT s.*, ST_Area(s.geom::geography) AS m2, ST_Area(s.occupation_geom::geography) AS occupation_m2
  FROM pieces s
),
graded AS (
  -- the rule, raised for large pieces; the zone's name; the place
  SELECT m.*, r.rule_id, r.basis_zh, r.basis_en, l.layer_name, l.layer_version, zn.code AS zone_code,
         coalesce(zn.name, zn.code, m.zone_id::text) AS zone_name, place.village, place.town,
         coalesce($6::jsonb -> m.class ->> 'zh', m.class) AS class_zh,
         coalesce($6::jsonb -> m.class ->> 'en', m.class) AS class_en,
         $8::double precision IS NOT NULL AND m.m2 > $8::double precision AND r.severity <> 'conflict' AS raised,
         CASE WHEN $8::double precision IS NOT NULL AND m.m2 > $8::double precision
              THEN CASE r.severity WHEN 'info' THEN 'warning' ELSE 'conflict' END
              ELSE r.severity END AS severity
  FROM measured m
  JOIN layers l ON l.layer_id = m.layer_id
  JOIN zones zn ON zn.id = m.zone_id
  LEFT JOIN LATERAL (
    SELECT x.id AS rule_id, x.severity, x.basis_zh, x.basis_en FROM rules x
    WHERE x.zone_class = m.class AND (x.occupation_kind IS NULL OR x.occupation_kind = m.kind)
    ORDER BY x.specificity DESC LIMIT 1
  ) r0 ON true
  CROSS JOIN LATERAL (
    SELECT r0.rule_id, coalesce(r0.severity, 'info') AS severity,
           coalesce(r0.basis_zh, '未设规则，仅记录') AS basis_zh,
           coalesce(r0.basis_en, 'No rule applies; recorded for information') AS basis_en
  ) r
  LEFT JOIN LATERAL (
    SELECT v.code AS village, v.town FROM villages v
    WHERE ST_Intersects(v.geom, ST_PointOnSurface(m.occupation_geom)) ORDER BY v.code LIMIT 1
  ) place ON true
  WHERE m.m2 >= $7::double precision AND m.m2 > 0
),
written AS (
  INSERT INTO check_findings (run_id, kind, code, severity, occupation_id, layer_id, layer_version, zone_id,
                              zone_class, town, village, area_m2, ratio, rule_id, message_zh, message_en, geom)
  SELECT $1, 'encroachment', 'occupation_in_' || g.class, g.severity, g.occupation_id, g.layer_id, g.layer_version,
         g.zone_id, g.class, g.town, g.village, g.m2, least(g.m2 / g.occupation_m2, 1), g.rule_id,
         format('占用 %s（%s）侵入%s %s %s 亩（%s 平方米，占该占用 %s%%）：%s%s',
                g.code, coalesce(g.description, g.kind), g.class_zh, g.zone_name,
                round((g.m2 * 15 / 10000)::numeric, 2), round(g.m2::numeric, 1),
                round(least(g.m2 / g.occupation_m2, 1)::numeric * 100, 1), g.basis_zh,
                CASE WHEN g.raised THEN format('；面积超过 %s 亩，提高一级', round(($8::double precision * 15 / 10000)::numeric, 2)) ELSE '' END),
         format('Occupation %s (%s) intrudes %s mu (%s m², %s%% of it) into the %s %s: %s%s',
                g.code, g.kind, round((g.m2 * 15 / 10000)::numeric, 2), round(g.m2::numeric, 1),
                round(least(g.m2 / g.occupation_m2, 1)::numeric * 100, 1), g.class_en, g.zone_name, g.basis_en,
                CASE WHEN g.raised THEN format('; larger than %s mu, raised one step', round(($8::double precision * 15 / 10000)::numeric, 2)) ELSE '' END),
         ST_Multi(g.geom)
  FROM graded g
  RETURNING severity
)
-- one row per severity found and a total (severity NULL), so an answer is never empty
SELECT severity, count(*)::int AS n FROM written GROUP BY ROLLUP (severity)
