// expected.json: the planted cases, measured on the geometry as written
// (lon/lat, 7 decimals) rather than taken from how they were planted. The
// generator stops if a measurement finds a case it did not plant.
import type { Village } from './admin.ts'
import { M2_PER_MU, areaM2 } from './area.ts'
import { intersectPolys, toGk, type Area } from './geo.ts'
import { polygonsOf, polysIntersect, type Poly } from './geometry.ts'
import type { LedgerEntry } from './ledger.ts'
import { round2 } from './ledger.ts'
import { CONTROL_DISTANCE } from './network.ts'
import type { Occupation } from './occupations.ts'
import { PROTECTED, type Parcel } from './parcels.ts'
import { insideVillage, type Site } from './site.ts'

function overlapM2(a: Poly, b: readonly Poly[]): number {
  const pieces = intersectPolys([a], b)
  if (pieces.length === 0) return 0
  const area: Area =
    pieces.length === 1
      ? { type: 'Polygon', coordinates: pieces[0] as Poly }
      : { type: 'MultiPolygon', coordinates: pieces }
  return areaM2(area)
}

const round1 = (v: number) => Math.round(v * 10) / 10
const round4 = (v: number) => Math.round(v * 1e4) / 1e4

function codeOf(entries: ReadonlyMap<Parcel, LedgerEntry>, parcel: Parcel): string {
  const code = entries.get(parcel)?.properties.code
  if (!code) throw new Error('a placed parcel has no ledger entry')
  return code
}

function sameSet(what: string, found: readonly string[], planted: readonly string[]): void {
  const a = [...new Set(found)].sort()
  const b = [...new Set(planted)].sort()
  if (a.join() !== b.join())
    throw new Error(`${what}: measured [${a.join(', ')}] but planted [${b.join(', ')}]`)
}

export function overlappingPairs(entries: readonly LedgerEntry[], site: Site) {
  const byParcel = new Map(entries.map((e) => [e.parcel, e] as const))
  const pairs = new Map<string, { a: string; b: string; overlap_m2: number }>()
  for (const entry of entries) {
    for (const hit of site.hits('parcels', entry.parcel.ll, entry.parcel)) {
      const [a, b] = [entry.properties.code, codeOf(byParcel, hit as Parcel)].sort() as [
        string,
        string,
      ]
      if (!pairs.has(`${a}|${b}`))
        pairs.set(`${a}|${b}`, { a, b, overlap_m2: round1(overlapM2(entry.parcel.ll, [hit.ll])) })
    }
  }
  const found = [...pairs.values()].sort((x, y) => x.a.localeCompare(y.a))
  const planted = entries.filter((e) => e.parcel.kind === 'overlap').map((e) => e.properties.code)
  const second = found.map((p) => (planted.includes(p.a) ? p.a : p.b))
  sameSet('second claims in overlapping pairs', second, planted)
  if (found.length !== planted.length)
    throw new Error(`found ${found.length} overlapping pairs, planted ${planted.length}`)
  return found
}

export function straddlingParcels(entries: readonly LedgerEntry[], villages: readonly Village[]) {
  const found = entries
    .filter((e) => !insideVillage(e.parcel.ll, e.parcel.village))
    .map((e) => {
      const inside = overlapM2(
        e.parcel.ll[0] ? e.parcel.ll : [],
        polygonsOf(e.parcel.village.geometry),
      )
      const others = villages.filter(
        (v) =>
          v !== e.parcel.village &&
          polygonsOf(v.geometry).some((p) => polysIntersect(p, e.parcel.ll)),
      )
      return {
        code: e.properties.code,
        village: e.parcel.village.code,
        other_villages: others.map((v) => v.code).sort(),
        outside_m2: round1(e.measuredM2 - inside),
      }
    })
  sameSet(
    'parcels outside their village',
    found.map((f) => f.code),
    entries.filter((e) => e.parcel.kind === 'straddle').map((e) => e.properties.code),
  )
  return found
}

export function areaMismatches(entries: readonly LedgerEntry[]) {
  return entries
    .filter((e) => e.declaredOff !== undefined)
    .map((e) => {
      const measured = e.measuredM2 / M2_PER_MU
      return {
        code: e.properties.code,
        measured_mu: round2(measured),
        declared_mu: e.properties.declared_area_mu,
        difference_ratio: round4(e.properties.declared_area_mu / measured - 1),
      }
    })
}

export function protectedOverlaps(entries: readonly LedgerEntry[], site: Site) {
  const found = entries.flatMap((e) =>
    site.zonesHit(e.parcel.ll, PROTECTED).map((zone) => {
      const m2 = overlapM2(e.parcel.ll, polygonsOf(zone.geometry))
      return {
        code: e.properties.code,
        category: e.properties.category,
        intended_use: e.properties.intended_use,
        zone_class: zone.zoneClass,
        zone_code: zone.code,
        overlap_m2: round1(m2),
        overlap_ratio: round4(m2 / e.measuredM2),
      }
    }),
  )
  sameSet(
    'parcels in protected zones',
    found.map((f) => f.code),
    entries.filter((e) => e.parcel.kind === 'zone').map((e) => e.properties.code),
  )
  return found
}

/** Everything each occupation touches: parcels, road control strips, river areas. */
export function occupationIntrusions(
  occupations: readonly Occupation[],
  entries: readonly LedgerEntry[],
  site: Site,
) {
  const byParcel = new Map(entries.map((e) => [e.parcel, e] as const))
  return occupations.flatMap((o) => {
    const parcels = site.hits('parcels', o.ll).map((hit) => {
      const entry = byParcel.get(hit as Parcel)
      return {
        code: o.code,
        kind: o.kind,
        into: 'parcel',
        target: entry?.properties.code ?? '',
        category: entry?.properties.category ?? '',
        area_m2: round1(overlapM2(o.ll, [hit.ll])),
      }
    })
    const rivers = site.zonesHit(o.ll, ['river_area']).map((zone) => ({
      code: o.code,
      kind: o.kind,
      into: 'river_area',
      target: zone.code,
      name: zone.name,
      area_m2: round1(overlapM2(o.ll, polygonsOf(zone.geometry))),
    }))
    const gk = o.ll.map((ring) => ring.map(toGk))
    const roads = [...site.roadDistances(gk, 40)]
      .filter(([road, d]) => d < road.width / 2 + CONTROL_DISTANCE[road.roadClass])
      .map(([road, d]) => ({
        code: o.code,
        kind: o.kind,
        into: 'road_control',
        target: road.code,
        name: road.name,
        road_class: road.roadClass,
        distance_from_road_land_m: round1(d - road.width / 2),
        control_distance_m: CONTROL_DISTANCE[road.roadClass],
      }))
    return [...parcels, ...rivers, ...roads]
  })
}
