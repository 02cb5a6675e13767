// Parcel Features bent out of shape: wrong geometry types, wrong nesting,
// rings that do not close or cross themselves, numbers out of range, and
// properties of the wrong type or with odd text. Each case starts from a
// valid parcel near a given point (EPSG:4490) and changes one to three things.
import type { Random } from './random.ts'
import { nested, oddString, oddValue, raw } from './values.ts'

export interface Spot {
  town: string
  village: string
  lon: number
  lat: number
}

type Ring = unknown[]

/** A closed square ring of `size` degrees at (lon, lat), counter-clockwise. */
function squareRing(lon: number, lat: number, size: number): number[][] {
  return [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
}

/** A valid parcel with a code no other case uses. */
export function baseFeature(spot: Spot, code: string, r: Random): Record<string, any> {
  const lon = spot.lon + r.int(200) * 0.00001
  const lat = spot.lat + r.int(200) * 0.00001
  return {
    type: 'Feature',
    properties: {
      code,
      name: '测试地块',
      town: spot.town,
      village: spot.village,
      category: r.pick(['idle_industrial', 'collective_construction', 'intensive_use']),
      declared_area_mu: 0.5,
      ownership: '村集体',
      problems: ['contract'],
      attributes: { 备注: '模糊测试' },
    },
    geometry: { type: 'Polygon', coordinates: [squareRing(lon, lat, 0.0002)] },
  }
}

const GEOMETRY_TYPES = [
  'Point', 'MultiPoint', 'LineString', 'MultiLineString', 'MultiPolygon', 'GeometryCollection', 'Feature',
  'polygon', 'POLYGON', 'Polygon ', '', null, 5, ['Polygon'], { type: 'Polygon' },
]

/** The rings of a geometry as a list of mutable arrays, whatever its nesting. */
function rings(geometry: any): Ring[] {
  const found: Ring[] = []
  const walk = (value: unknown, depth: number) => {
    if (!Array.isArray(value) || depth > 4) return
    if (value.length > 0 && Array.isArray(value[0]) && typeof value[0][0] === 'number') found.push(value)
    else for (const item of value) walk(item, depth + 1)
  }
  walk(geometry?.coordinates, 0)
  return found
}

type Mutation = (f: Record<string, any>, r: Random) => void

/** Mutations that may leave a valid parcel (an accepted case is slow: it is saved and checked). */
const lenient = new Set<Mutation>()
const mayStayValid = (mutation: Mutation): Mutation => (lenient.add(mutation), mutation)

const geometryMutations: Mutation[] = [
  // the type
  (f, r) => (f.geometry.type = r.pick(GEOMETRY_TYPES)),
  (f) => (f.geometry = { type: 'MultiPolygon', coordinates: [f.geometry.coordinates] }),
  (f, r) => (f.geometry = r.pick([null, undefined, [], 'POLYGON((0 0,1 0,1 1,0 0))', 1, {}, { type: 'Polygon' }])),
  (f, r) => (f.geometry = { type: 'GeometryCollection', geometries: r.chance(0.5) ? [f.geometry] : [] }),
  // a coordinate
  (f, r) => {
    const ring = r.pick(rings(f.geometry))
    const position = ring && (r.pick(ring) as unknown[])
    if (position) position[r.int(2)] = oddValue(r)
  },
  (f, r) => {
    const ring = r.pick(rings(f.geometry))
    const position = ring && (r.pick(ring) as unknown[])
    if (position) position[r.int(2)] = raw(r.pick(['1e999', '-1e999', '1e-999', '-0', '1e308', '4.9e-324']))
  },
  (f, r) => {
    // every coordinate of a ring moved to the edges: out of Jimo, of the globe, of float64
    const ring = r.pick(rings(f.geometry))
    const [dx, dy] = r.pick([[180, 0], [0, 90], [-240.9, 0], [1e300, 1e300], [360, 0], [0, -36], [-120.5, -36.3]])
    if (ring) for (const p of ring as number[][]) { p[0]! += dx!; p[1]! += dy! }
  },
  // the ring's shape
  (f, r) => {
    const ring = r.pick(rings(f.geometry))
    if (ring) ring.splice(r.int(ring.length), 1)
  },
  (f, r) => {
    const ring = r.pick(rings(f.geometry))
    if (ring) ring.pop()
  },
  (f, r) => {
    const ring = r.pick(rings(f.geometry)) as number[][] | undefined
    if (ring && ring.length >= 4) [ring[1], ring[2]] = [ring[2]!, ring[1]!] // a bow-tie
  },
  (f, r) => {
    const ring = r.pick(rings(f.geometry)) as number[][] | undefined
    if (ring) ring.splice(2, 0, [ring[1]![0]! + 0.5, ring[1]![1]!], [ring[1]![0]!, ring[1]![1]!]) // a spike
  },
  mayStayValid((f, r) => {
    const ring = r.pick(rings(f.geometry)) as number[][] | undefined
    if (ring) ring.splice(1, 0, ...Array.from({ length: r.pick([1, 5, 50]) }, () => [...ring[0]!])) // repeated points
  }),
  mayStayValid((f, r) => {
    const ring = r.pick(rings(f.geometry)) as number[][] | undefined
    if (ring) for (const p of ring) p.push(r.pick([0, 12.5, NaN, 1e308]), 7) // 3-D and 4-D positions
  }),
  mayStayValid((f, r) => {
    const ring = r.pick(rings(f.geometry)) as number[][] | undefined
    if (ring) ring.reverse()
  }),
  mayStayValid((f, r) => {
    const ring = r.pick(rings(f.geometry)) as number[][] | undefined
    if (!ring) return
    const [x, y] = ring[0] as [number, number]
    const width = r.pick([0, 1e-12, 1e-9, 1e-7])
    ring.splice(0, ring.length, [x, y], [x + 0.0005, y], [x + 0.0005, y + width], [x, y + width], [x, y]) // a sliver
  }),
  (f, r) => {
    const ring = r.pick(rings(f.geometry)) as number[][] | undefined
    if (ring) for (const p of ring) { p[0] = ring[0]![0]!; p[1] = ring[0]![1]! } // one point
  },
  (f, r) => {
    // holes: outside the shell, crossing it, or the shell itself again
    const shell = rings(f.geometry)[0] as number[][] | undefined
    if (!shell) return
    const [x, y] = shell[0] as [number, number]
    const hole = r.pick([squareRing(x + 0.01, y, 0.0001), squareRing(x - 0.00005, y, 0.0001), shell.map((p) => [...p])])
    if (f.geometry.type === 'Polygon') f.geometry.coordinates.push(hole)
  },
  mayStayValid((f, r) => {
    // many vertices: a circle of n points (100,001 passes the limit; a saved one of 20,000 would make
    // every later check of the parcel slow)
    const n = r.pick([10, 1000, 2000, 100_001])
    const [x, y] = (rings(f.geometry)[0]?.[0] as number[] | undefined) ?? [120.4, 36.4]
    const ring = Array.from({ length: n }, (_, i) => [x! + 0.0001 * Math.cos((2 * Math.PI * i) / n), y! + 0.0001 * Math.sin((2 * Math.PI * i) / n)])
    ring.push([...ring[0]!])
    f.geometry = { type: 'Polygon', coordinates: [ring] }
  }),
  (f) => {
    // a MultiPolygon of a polygon and itself, overlapping
    if (f.geometry?.type === 'Polygon') f.geometry = { type: 'MultiPolygon', coordinates: [f.geometry.coordinates, structuredClone(f.geometry.coordinates)] }
  },
  // the nesting
  (f) => (f.geometry.coordinates = [f.geometry.coordinates]),
  (f) => (f.geometry.coordinates = f.geometry.coordinates?.[0]),
  (f, r) => (f.geometry.coordinates = r.pick([[], [[]], [[[]]], [[[[]]]], null, 'coordinates', {}, [[['1', '2']]]])),
  (f, r) => (f.geometry.coordinates = nested(r.pick([10, 1000, 50_000]), 'array', '120.4')),
  (f) => (f.geometry.coordinates = [...f.geometry.coordinates, ...f.geometry.coordinates]),
]

const PROPERTY_NAMES = [
  'code', 'name', 'town', 'village', 'category', 'subtype', 'status', 'problems', 'ownership', 'declared_area_mu',
  'location', 'intended_use', 'attributes', 'id', 'version', 'area_m2', '__proto__', 'constructor', '', '地块编码',
  'CODE', 'code ', '\u0000', 'x'.repeat(300),
]

const propertyMutations: Mutation[] = [
  (f, r) => (f.properties[r.pick(PROPERTY_NAMES)] = oddValue(r)),
  mayStayValid((f, r) => (f.properties[r.pick(PROPERTY_NAMES)] = oddString(r))),
  (f, r) => delete f.properties[r.pick(['code', 'town', 'category', 'village'])],
  (f, r) => (f.properties.problems = r.pick([['encroachment', 'encroachment'], ['x'], 'contract', [null], [['contract']], oddValue(r)])),
  (f, r) => (f.properties.declared_area_mu = r.pick([-1, 1e12, '5', raw('1e999'), raw('-0'), 0, 1e-300, oddValue(r)])),
  (f, r) => (f.properties.attributes = r.pick([
    { [oddString(r)]: oddString(r) },
    { 键: oddValue(r) },
    nested(r.pick([10, 500, 5000, 50_000]), 'object', '"\\u0000"'),
    { a: '\ud800' },
    { '\ud800': 1 },
    { 'a\u0000': 'b' },
    [1, 2],
    'attributes',
  ])),
  (f, r) => (f.properties = r.pick([null, [], 'properties', 1, {}, { code: f.properties.code }])),
  (f, r) => (f.properties.status = r.pick(['reused', 'publicized', 'REGISTERED', '', oddValue(r)])),
  (f, r) => (f.properties.town = r.pick(['370215002', '370215999', '999999999', '37021500', oddValue(r)])),
  (f, r) => (f.properties.village = r.pick(['370215002001', '370215001999', null, '', oddValue(r)])),
]

const featureMutations: Mutation[] = [
  (f, r) => (f.type = r.pick(['FeatureCollection', 'Polygon', 'feature', '', null, 1, oddValue(r)])),
  mayStayValid((f) => delete f.type),
  mayStayValid((f, r) => (f.id = oddValue(r))),
  mayStayValid((f, r) => (f.bbox = r.pick([[0, 0, 1, 1], 'bbox', [raw('1e999')], oddValue(r)]))),
  mayStayValid((f, r) => (f.crs = r.pick([
    { type: 'name', properties: { name: 'EPSG:4549' } },
    { type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG::999999' } },
    'EPSG:4326',
    oddValue(r),
  ]))),
  mayStayValid((f, r) => (f[oddString(r)] = oddValue(r))),
]

/**
 * Changes one to three things of a valid feature, mostly its geometry or
 * properties; the first change is one that breaks it, nine times in ten.
 */
export function mutateFeature(feature: Record<string, any>, r: Random): Record<string, any> {
  const count = r.weighted([[3, 1], [4, 2], [3, 3]] as const)
  for (let i = 0; i < count; i++) {
    const hasGeometry = feature.geometry !== null && typeof feature.geometry === 'object'
    let family = r.weighted([[5, geometryMutations], [4, propertyMutations], [1, featureMutations]] as const)
    if (!hasGeometry) family = propertyMutations
    if (i === 0 && r.chance(0.9)) family = family.filter((m) => !lenient.has(m))
    try {
      r.pick(family)(feature, r)
    } catch {
      // a mutation that does not apply to what an earlier one left: the feature stays as it is
    }
  }
  return feature
}

/** A partial feature for PATCH: some properties, the geometry, or both, then bent like a whole one. */
export function patchBody(spot: Spot, code: string, r: Random): Record<string, any> {
  const full = baseFeature(spot, code, r)
  const body: Record<string, any> = {}
  if (r.chance(0.7)) {
    const names = Object.keys(full.properties).filter((name) => name !== 'code' && r.chance(0.3))
    body.properties = Object.fromEntries(names.map((name) => [name, full.properties[name]]))
  }
  if (r.chance(0.5) || body.properties === undefined) body.geometry = full.geometry
  if (r.chance(0.1)) body.type = full.type
  body.properties ??= {}
  return mutateFeature(body, r)
}
