-- Registered parcels claiming the same ground, for one batch of parcels: each
-- parcel of the batch × each other live parcel whose interior it shares in an
-- area (DE-9IM II = 2), with the shared piece and its area (ST_Area(geography):
-- ellipsoidal, CGCS2000). Each side of a pair gets its own finding. A pair
-- covering each other to 99.9 % is a duplicate; a shared piece narrower than
-- the sliver width (twice the radius of its largest inscribed circle, measured
-- in Gauss-Krüger metres, EPSG:4549) is a sliver of misdrawn boundaries.
-- $1 run id, $2 parcel ids, $3 check kinds of the run, $4 smallest piece reported, m², $5 sliver width, m
WITH pairs AS MATERIALIZED (
  -- the batch's parcels and the parcels sharing an area with them
  SELECT a.id, a.code, a.version, a.town, a.village, a.area_m2, b.id AS other_id, b.code AS other_code,
         b.area_m2 AS other_m2, ST_Equals(a.geom, b.geom) AS equal,
         ST_CollectionExtract(ST_Intersection(a.geom, b.geom), 3) AS geom
  FROM parcels a
  JOIN parcels b ON b.geom && a.geom AND b.id <> a.id AND b.deleted_at IS NULL
  WHERE a.id = ANY ($2::int[]) AND a.deleted_at IS NULL AND ST_Relate(a.geom, b.geom, '2********')
),
measured AS (
  -- m², ellipsoidal
  SELECT p.*, ST_Area(p.geom::geography) AS m2 FROM pairs p
),
classified AS (
  -- duplicate, sliver or overlap, and the check kind each belongs to
  SELECT m.*, c.code AS finding, CASE c.code WHEN 'parcel_overlap' THEN 'encroachment' ELSE 'geometry' END AS kind
  FROM measured m
  CROSS JOIN LATERAL (
    SELECT CASE
      WHEN m.equal OR (m.m2 >= 0.999 * m.area_m2 AND m.m2 >= 0.999 * m.other_m2) THEN 'duplicate'
      WHEN 2 * (ST_MaximumInscribedCircle(ST_Transform(m.geom, 4549))).radius < $5::double precision THEN 'sliver'
      ELSE 'parcel_overlap' END AS code
  ) c
  WHERE m.m2 >= $4::double precision AND m.m2 > 0
),
written AS (
  INSERT INTO check_findings (run_id, kind, code, severity, parcel_id, parcel_version, other_parcel_id,
                              town, village, area_m2, ratio, message_zh, message_en, geom)
  SELECT $1, c.kind, c.finding, CASE c.finding WHEN 'sliver' THEN 'warning' ELSE 'conflict' END,
         c.id, c.version, c.other_id, c.town, c.village, c.m2, least(c.m2 / c.area_m2, 1),
         CASE c.finding
           WHEN 'duplicate' THEN format('地块 %s 与地块 %s 范围相同（重复登记，重叠 %s 亩，%s 平方米）',
             c.code, c.other_code, round((c.m2 * 15 / 10000)::numeric, 2), round(c.m2::numeric, 1))
           WHEN 'sliver' THEN format('地块 %s 与地块 %s 之间有宽不足 %s 米的细碎重叠 %s 平方米，多为边界错位，需修正',
             c.code, c.other_code, $5::double precision, round(c.m2::numeric, 1))
           ELSE format('地块 %s 与已登记地块 %s 重叠 %s 亩（%s 平方米，占本地块 %s%%）：同一块地被两宗地块同时登记，需核实权属',
             c.code, c.other_code, round((c.m2 * 15 / 10000)::numeric, 2), round(c.m2::numeric, 1),
             round(least(c.m2 / c.area_m2, 1)::numeric * 100, 1))
         END,
         CASE c.finding
           WHEN 'duplicate' THEN format('Parcels %s and %s cover the same ground (registered twice; %s mu, %s m² shared)',
             c.code, c.other_code, round((c.m2 * 15 / 10000)::numeric, 2), round(c.m2::numeric, 1))
           WHEN 'sliver' THEN format('Parcels %s and %s share a sliver narrower than %s m (%s m²), most likely misdrawn boundaries',
             c.code, c.other_code, $5::double precision, round(c.m2::numeric, 1))
           ELSE format('Parcel %s overlaps registered parcel %s by %s mu (%s m², %s%% of this parcel): two parcels claim the same ground; verify the title',
             c.code, c.other_code, round((c.m2 * 15 / 10000)::numeric, 2), round(c.m2::numeric, 1),
             round(least(c.m2 / c.area_m2, 1)::numeric * 100, 1))
         END,
         ST_Multi(c.geom)
  FROM classified c
  WHERE c.kind = ANY ($3::text[])
  RETURNING severity
)
-- one row per severity found and a total (severity NULL), so an answer is never empty
SELECT severity, count(*)::int AS n FROM written GROUP BY ROLLUP (severity)
