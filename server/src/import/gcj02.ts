// GCJ-02, the obfuscated lon/lat that Chinese web maps (AMap/高德, Tencent)
// publish: WGS 84 plus a smooth offset of a few hundred metres.
//
// The forward formula is the public reconstruction that circulates as
// "eviltransform" / "coordtransform" (Krasovsky-ellipsoid constants below);
// it reproduces the official offsets to about a metre. Its inverse has no
// closed form, so `fromGcj02` iterates: guess w, move w by the difference
// between forward(w) and the GCJ-02 point, repeat until that difference is
// below 1e-10° (~0.01 mm); a few iterations suffice since the offset
// changes slowly. Outside China the formula applies no offset.
//
// WGS 84 is taken as CGCS2000 here (they agree well under a metre).

const A = 6378245.0 // Krasovsky 1940 semi-major axis, m
const EE = 0.006693421622965943 // Krasovsky 1940 first eccentricity squared
const TOLERANCE_DEG = 1e-10
const MAX_ITERATIONS = 30

/** The rough box outside which GCJ-02 equals WGS 84, as the formula defines it. */
export function outsideChina(lon: number, lat: number): boolean {
  return lon < 72.004 || lon > 137.8347 || lat < 0.8293 || lat > 55.8271
}

function offsetLat(x: number, y: number): number {
  let d = -100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x))
  d += ((20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2) / 3
  d += ((20 * Math.sin(y * Math.PI) + 40 * Math.sin((y / 3) * Math.PI)) * 2) / 3
  d += ((160 * Math.sin((y / 12) * Math.PI) + 320 * Math.sin((y * Math.PI) / 30)) * 2) / 3
  return d
}

function offsetLon(x: number, y: number): number {
  let d = 300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x))
  d += ((20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2) / 3
  d += ((20 * Math.sin(x * Math.PI) + 40 * Math.sin((x / 3) * Math.PI)) * 2) / 3
  d += ((150 * Math.sin((x / 12) * Math.PI) + 300 * Math.sin((x / 30) * Math.PI)) * 2) / 3
  return d
}

/** WGS 84 / CGCS2000 lon/lat → GCJ-02 lon/lat, degrees. */
export function toGcj02(lon: number, lat: number): [number, number] {
  if (outsideChina(lon, lat)) return [lon, lat]
  const x = lon - 105
  const y = lat - 35
  const radLat = (lat / 180) * Math.PI
  const magic = 1 - EE * Math.sin(radLat) ** 2
  const sqrtMagic = Math.sqrt(magic)
  // metres of offset → degrees, by the meridian and parallel radii of curvature
  const dLat = (offsetLat(x, y) * 180) / (((A * (1 - EE)) / (magic * sqrtMagic)) * Math.PI)
  const dLon = (offsetLon(x, y) * 180) / ((A / sqrtMagic) * Math.cos(radLat) * Math.PI)
  return [lon + dLon, lat + dLat]
}

/** GCJ-02 lon/lat → WGS 84 / CGCS2000 lon/lat, degrees, by iteration. */
export function fromGcj02(lon: number, lat: number): [number, number] {
  if (outsideChina(lon, lat)) return [lon, lat]
  let wLon = lon
  let wLat = lat
  for (let i = 0; i < MAX_ITERATIONS; i++) {
    const [gLon, gLat] = toGcj02(wLon, wLat)
    const dLon = gLon - lon
    const dLat = gLat - lat
    wLon -= dLon
    wLat -= dLat
    if (Math.abs(dLon) < TOLERANCE_DEG && Math.abs(dLat) < TOLERANCE_DEG) break
  }
  return [wLon, wLat]
}
