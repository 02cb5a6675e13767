-- Declared area against measured area, for one batch of parcels. Measured is
-- the parcel's area_m2: ellipsoidal on the CGCS2000 ellipsoid (ST_Area of the
-- geography, kept by the parcels trigger). A parcel is flagged when
-- |declared − measured| > max(tolerance × measured, floor), in 亩.
-- $1 run id, $2 parcel ids, $3 tolerance (share), $4 floor, 亩
WITH compared AS (
  -- both areas in 亩 (1 亩 = 10000/15 m²)
  SELECT p.id, p.code, p.version, p.town, p.village, p.geom, p.area_m2, p.declared_area_mu,
         p.area_m2 * 15 / 10000 AS measured_mu
  FROM parcels p
  WHERE p.id = ANY ($2::int[]) AND p.deleted_at IS NULL AND p.declared_area_mu IS NOT NULL AND p.area_m2 > 0
),
written AS (
  INSERT INTO check_findings (run_id, kind, code, severity, parcel_id, parcel_version, town, village,
                              area_m2, ratio, message_zh, message_en, geom)
  SELECT $1, 'area', 'area_mismatch', 'warning', c.id, c.version, c.town, c.village,
         abs(c.declared_area_mu - c.measured_mu) * 10000 / 15, c.declared_area_mu / c.measured_mu - 1,
         format('地块 %s 申报面积 %s 亩，实测 %s 亩（%s 平方米，CGCS2000 椭球面积），相差 %s 亩（%s%%），超过容差（%s%%，且不少于 %s 亩）',
                c.code, c.declared_area_mu, round(c.measured_mu::numeric, 2), round(c.area_m2::numeric, 1),
                round((c.declared_area_mu - c.measured_mu)::numeric, 2),
                round(((c.declared_area_mu / c.measured_mu - 1) * 100)::numeric, 1), round(($3::double precision * 100)::numeric, 2), $4::double precision),
         format('Parcel %s declares %s mu but measures %s mu (%s m², ellipsoidal on CGCS2000): %s mu (%s%%) apart, beyond the tolerance (%s%%, at least %s mu)',
                c.code, c.declared_area_mu, round(c.measured_mu::numeric, 2), round(c.area_m2::numeric, 1),
                round((c.declared_area_mu - c.measured_mu)::numeric, 2),
                round(((c.declared_area_mu / c.measured_mu - 1) * 100)::numeric, 1), round(($3::double precision * 100)::numeric, 2), $4::double precision),
         c.geom
  FROM compared c
  WHERE abs(c.declared_area_mu - c.measured_mu) > greatest($3::double precision * c.measured_mu, $4::double precision)
  RETURNING severity
)
-- one row per severity found and a total (severity NULL), so an answer is never empty
SELECT severity, count(*)::int AS n FROM written GROUP BY ROLLUP (severity)
