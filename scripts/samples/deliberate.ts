// The mistakes planted on purpose, for the checks to find: parcels claimed
// twice (overlapping pairs), parcels across a village boundary, and parcels
// reaching into basic farmland or the ecological red line.
import type { Town, Village } from './admin.ts'
import { SUBTYPES, type SubtypeSpec } from './catalog.ts'
import { M2_PER_MU } from './area.ts'
import {
  boxOf,
  closeRing,
  place,
  pointInPoly,
  polyArea,
  polysIntersect,
  polyWithin,
  polygonsOf,
  ringCentroid,
  type Poly,
  type Pt,
} from './geometry.ts'
import { fits, shapeFor, type Parcel } from './parcels.ts'
import type { Rng } from './prng.ts'
import type { Site } from './site.ts'
import type { Zone, ZoneClass } from './zones.ts'

export interface PlannedCases {
  overlaps: number
  straddles: number
  zoneParcels: number
}

/** About 5 pairs, 3 straddlers and a few dozen zone cases at 5000 parcels. */
export function plannedCases(total: number): PlannedCases {
  return { overlaps: 5, straddles: 3, zoneParcels: Math.max(6, Math.round(total * 0.007)) }
}

function moved(gk: Poly, angle: number, dx: number, dy: number): Poly {
  const ring = gk[0] ?? []
  const [cx, cy] = ringCentroid(ring)
  const local = ring.slice(0, -1).map(([x, y]): Pt => [x - cx, y - cy])
  return [closeRing(place(local, angle, cx + dx, cy + dy))]
}

function record(site: Site, parcel: Parcel): Parcel {
  site.add('parcels', parcel)
  return parcel
}

/** A second claim on part of an existing parcel, same village. */
export function overlappingPairs(
  parcels: readonly Parcel[],
  count: number,
  site: Site,
  rng: Rng,
): [Parcel, Parcel][] {
  const pairs: [Parcel, Parcel][] = []
  const usedVillages = new Set<string>()
  const candidates = rng.shuffle(
    parcels.filter(
      (p) =>
        p.spec.category !== 'idle_industrial' &&
        polyArea(p.gk) > M2_PER_MU &&
        polyArea(p.gk) < 40 * M2_PER_MU,
    ),
  )
  for (const a of candidates) {
    if (pairs.length >= count) break
    if (usedVillages.has(a.village.code)) continue
    const size = Math.sqrt(polyArea(a.gk))
    for (let attempt = 0; attempt < 10; attempt++) {
      const t = rng.uniform(0, 2 * Math.PI)
      const shift = size * rng.uniform(0.3, 0.55)
      const gk = moved(a.gk, rng.uniform(-0.15, 0.15), shift * Math.cos(t), shift * Math.sin(t))
      const ll = fits(site, a.village, gk, { parcel: a })
      if (!ll || !polysIntersect(a.ll, ll)) continue
      pairs.push([
        a,
        record(site, {
          village: a.village,
          spec: a.spec,
          gk,
          ll,
          box: boxOf(ll[0] ?? []),
          kind: 'overlap',
        }),
      ])
      usedVillages.add(a.village.code)
      break
    }
  }
  if (pairs.length < count) throw new Error(`placed ${pairs.length} of ${count} overlapping pairs`)
  return pairs
}

function smallSpec(rng: Rng): SubtypeSpec {
  const specs = SUBTYPES.filter(
    (s) => s.category !== 'idle_industrial' && s.placement !== 'road' && s.placement !== 'river',
  )
  return rng.pick(specs)
}

/** Vertices of a village's outline that the neighbour `other` shares. */
function sharedVertices(village: Village, other: Village): Pt[] {
  const theirs = new Set(other.gk.flatMap((p) => p.flat()).map(([x, y]) => `${x},${y}`))
  const ring = village.gk[0]?.[0] ?? []
  return ring.filter((p, i) => {
    const prev = ring[i - 1]
    const next = ring[i + 1]
    const shared = (q: Pt | undefined) => q !== undefined && theirs.has(`${q[0]},${q[1]}`)
    return shared(p) && shared(prev) && shared(next)
  })
}

/** Parcels laid across the border of two villages of one town. */
export function straddlingParcels(
  villages: readonly Village[],
  towns: readonly Town[],
  count: number,
  site: Site,
  rng: Rng,
): { parcel: Parcel; other: Village }[] {
  const out: { parcel: Parcel; other: Village }[] = []
  for (const village of rng.shuffle(villages)) {
    if (out.length >= count) break
    const town = towns.find((t) => t.spec.code === village.town.code)
    const neighbours = villages.filter((v) => v !== village && v.town.code === village.town.code)
    for (const other of rng.shuffle(neighbours)) {
      const border = sharedVertices(village, other)
      if (border.length < 5 || !town) continue
      const parcel = straddleAt(village, other, town, rng.pick(border.slice(2, -2)), site, rng)
      if (parcel) {
        out.push({ parcel: record(site, parcel), other })
        break
      }
    }
  }
  if (out.length < count) throw new Error(`placed ${out.length} of ${count} straddling parcels`)
  return out
}

function straddleAt(
  village: Village,
  other: Village,
  town: Town,
  at: Pt,
  site: Site,
  rng: Rng,
): Parcel | null {
  for (let attempt = 0; attempt < 10; attempt++) {
    const spec = smallSpec(rng)
    const shape = shapeFor(
      spec,
      Math.min(rng.logUniform(spec.areaMu[0], spec.areaMu[1]), 10) * M2_PER_MU,
      rng,
    )
    const gk: Poly = [closeRing(place(shape, rng.uniform(0, Math.PI), at[0], at[1]))]
    const ll = fits(site, village, gk, { outsideVillage: true })
    if (!ll) continue
    const inTown = polygonsOf(town.geometry).some((poly) => polyWithin(ll, poly))
    const ring = ll[0] ?? []
    const split = (v: Village) =>
      ring.some((p) => polygonsOf(v.geometry).some((poly) => pointInPoly(p, poly)))
    if (inTown && split(village) && split(other))
      return { village, spec, gk, ll, box: boxOf(ring), kind: 'straddle' }
  }
  return null
}

/**
 * Parcels reaching into basic farmland (two in three) or the ecological
 * red line, each laid over a zone's edge or just inside it.
 */
export function zoneParcels(
  zones: readonly Zone[],
  villages: readonly Village[],
  count: number,
  site: Site,
  rng: Rng,
): { parcel: Parcel; zoneClass: ZoneClass }[] {
  const out: { parcel: Parcel; zoneClass: ZoneClass }[] = []
  for (let k = 0, tries = 0; out.length < count; k++, tries++) {
    if (tries > count * 60)
      throw new Error(`placed ${out.length} of ${count} parcels in protected zones`)
    const zoneClass: ZoneClass = out.length % 3 === 2 ? 'ecological_redline' : 'basic_farmland'
    const zone = rng.pick(zones.filter((z) => z.zoneClass === zoneClass))
    const parcel = intoZone(zone, villages, site, rng)
    if (parcel) out.push({ parcel: record(site, parcel), zoneClass })
  }
  return out
}

function intoZone(zone: Zone, villages: readonly Village[], site: Site, rng: Rng): Parcel | null {
  const piece = rng.pick(zone.gk)
  const ring = piece[0] ?? []
  const edge = rng.pick(ring)
  const village = villages.find((v) => v.gk.some((p) => pointInPoly(edge, p)))
  if (!village) return null
  const inward = ringCentroid(ring)
  const spec = rng.pick(SUBTYPES.filter((s) => s.placement !== 'road' && s.placement !== 'river'))
  const areaM2 = Math.min(rng.logUniform(spec.areaMu[0], spec.areaMu[1]), 30) * M2_PER_MU
  const shape = shapeFor(spec, areaM2, rng)
  const reach = Math.sqrt(areaM2) * rng.uniform(-0.3, 0.6)
  const d = Math.hypot(inward[0] - edge[0], inward[1] - edge[1]) || 1
  const centre: Pt = [
    edge[0] + ((inward[0] - edge[0]) / d) * reach,
    edge[1] + ((inward[1] - edge[1]) / d) * reach,
  ]
  const gk: Poly = [closeRing(place(shape, rng.uniform(0, Math.PI), centre[0], centre[1]))]
  const ll = fits(site, village, gk, { zones: [zone.zoneClass] })
  if (!ll || site.zonesHit(ll, [zone.zoneClass]).length === 0) return null
  return { village, spec, gk, ll, box: boxOf(ll[0] ?? []), kind: 'zone' }
}
