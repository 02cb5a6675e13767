-- Occupations intruding into registered parcels (侵占集体资产资源): for each
-- live occupation and each parcel in scope it reaches, the intruding piece,
-- its area (ST_Area(geography): ellipsoidal, CGCS2000) and its share of the
-- parcel, graded by the rule for the occupation's kind.
-- $1 run id, $2 town, $3 village, $4 parcel ids (each NULL: not restricted),
-- $5 the encroachment rules jsonb [{ id, zone_class, occupation_kind, severity, basis_zh, basis_en }],
-- $6 smallest piece reported, m², $7 pieces above this many m² are raised one step (NULL: never)
WITH rules AS MATERIALIZED (
  -- the run's rules into parcels; one naming the occupation kind goes first
  SELECT r.*, (r.occupation_kind IS NOT NULL)::int AS specificity
  FROM jsonb_to_recordset($5::jsonb) AS r (id int, zone_class text, occupation_kind text, severity text,
       basis_zh text, basis_en text)
  WHERE r.zone_class = 'parcel'
),
hits AS MATERIALIZED (
  -- occupation × parcel pairs that meet; whole when the parcel holds all of the occupation
  SELECT o.id AS occupation_id, o.code AS occupation_code, o.kind AS occupation_kind, o.description,
         p.id AS parcel_id, p.code, p.version, p.town, p.village, p.area_m2 AS parcel_m2,
         CASE WHEN ST_Covers(p.geom, o.geom) THEN o.geom
              ELSE ST_CollectionExtract(ST_Intersection(p.geom, o.geom), 3) END AS geom
  FROM occupations o
  JOIN parcels p ON p.geom && o.geom AND ST_Intersects(p.geom, o.geom)
  WHERE o.deleted_at IS NULL AND p.deleted_at IS NULL
    AND ($2::text IS NULL OR p.town = $2)
    AND ($3::text IS NULL OR p.village = $3)
    AND ($4::int[] IS NULL OR p.id = ANY ($4::int[]))
),
measured AS (
  -- m², ellipsoidal
  SELECT h.*, ST_Area(h.geom::geography) AS m2 FROM hits h
),
graded AS (
  -- the rule for the occupation's kind, raised for large pieces
  SELECT m.*, r.rule_id, r.basis_zh, r.basis_en,
         $7::double precision IS NOT NULL AND m.m2 > $7::double precision AND r.severity <> 'conflict' AS raised,
         CASE WHEN $7::double precision IS NOT NULL AND m.m2 > $7::double precision
              THEN CASE r.severity WHEN 'info' THEN 'warning' ELSE 'conflict' END
              ELSE r.severity END AS severity
  FROM measured m
  LEFT JOIN LATERAL (
    SELECT x.id AS rule_id, x.severity, x.basis_zh, x.basis_en FROM rules x
    WHERE x.occupation_kind IS NULL OR x.occupation_kind = m.occupation_kind
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
  INSERT INTO check_findings (run_id, kind, code, severity, parcel_id, parcel_version, occupation_id,
                              zone_class, town, village, area_m2, ratio, rule_id, message_zh, message_en, geom)
  SELECT $1, 'encroachment', 'occupation_in_parcel', g.severity, g.parcel_id, g.version, g.occupation_id,
         'parcel', g.town, g.village, g.m2, least(g.m2 / g.parcel_m2, 1), g.rule_id,
         format('占用 %s（%s）侵入地块 %s %s 亩（%s 平方米，占地块 %s%%）：%s%s',
                g.occupation_code, coalesce(g.description, g.occupation_kind), g.code,
                round((g.m2 * 15 / 10000)::numeric, 2), round(g.m2::numeric, 1),
                round(least(g.m2 / g.parcel_m2, 1)::numeric * 100, 1), g.basis_zh,
                CASE WHEN g.raised THEN format('；面积超过 %s 亩，提高一级', round(($7::double precision * 15 / 10000)::numeric, 2)) ELSE '' END),
         format('Occupation %s (%s) intrudes %s mu (%s m², %s%% of the parcel) into parcel %s: %s%s',
                g.occupation_code, g.occupation_kind,
                round((g.m2 * 15 / 10000)::numeric, 2), round(g.m2::numeric, 1),
                round(least(g.m2 / g.parcel_m2, 1)::numeric * 100, 1), g.code, g.basis_en,
                CASE WHEN g.raised THEN format('; larger than %s mu, raised one step', round(($7::double precision * 15 / 10000)::numeric, 2)) ELSE '' END),
         ST_Multi(g.geom)
  FROM graded g
  RETURNING severity
)
-- one row per severity found and a total (severity NULL), so an answer is never empty
SELECT severity, count(*)::int AS n FROM written GROUP BY ROLLUP (severity)
