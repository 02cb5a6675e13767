// Parcel geometry: where each registered parcel lies and what shape it has.
// Parcels cluster around village centres and line the roads and rivers;
// they stay inside their village, off road land, out of protected zones
// and clear of each other. Deliberate exceptions come from deliberate.ts.
import type { Village } from './admin.ts'
import { subtypeWeights, type SubtypeSpec } from './catalog.ts'
import { cleanRing, toLonLat } from './geo.ts'
import {
  boxOf,
  closeRing,
  distance,
  place,
  pointInPoly,
  polyArea,
  type Poly,
  type Pt,
} from './geometry.ts'
import { M2_PER_MU } from './area.ts'
import type { River, Road } from './network.ts'
import type { Profile } from './places.ts'
import type { Rng } from './prng.ts'
import { parcelShape, isSimpleRing } from './shapes.ts'
import { insideVillage, type Placed, type Segment, type Site } from './site.ts'
import type { ZoneClass } from './zones.ts'

export type ParcelKind = 'normal' | 'overlap' | 'straddle' | 'zone'

export interface Parcel extends Placed {
  village: Village
  spec: SubtypeSpec
  /** metres, as built */
  gk: Poly
  kind: ParcelKind
}

/** Zones no ordinary parcel may touch (a few are made to, on purpose). */
export const PROTECTED: readonly ZoneClass[] = ['basic_farmland', 'ecological_redline']
const AVOIDED: readonly ZoneClass[] = [...PROTECTED, 'river_area']

/** Gap kept from the road land's edge, metres. */
const ROAD_GAP = 2
const ATTEMPTS = 30

export interface VillagePlan {
  village: Village
  count: number
  /** spread of the house cluster around the centre, metres */
  sigma: number
  /** the village's prevailing plot orientation, radians */
  grid: number
  roads: Segment<Road>[]
  rivers: Segment<River>[]
}

const PROFILE_DENSITY: Readonly<Record<Profile, number>> = {
  core: 0.5,
  street: 1,
  rural: 1.3,
  functional: 0.7,
}

/** How many parcels each village gets: `total` exactly, by largest remainder. */
export function allocate(villages: readonly Village[], total: number, rng: Rng): number[] {
  const weights = villages.map(
    (v) => PROFILE_DENSITY[v.town.profile] * Math.pow(v.areaM2, 0.3) * rng.uniform(0.6, 1.4),
  )
  const sum = weights.reduce((s, w) => s + w, 0)
  const exact = weights.map((w) => (w / sum) * total)
  const counts = exact.map(Math.floor)
  const order = exact
    .map((x, i) => [x - Math.floor(x), i] as const)
    .sort((a, b) => b[0] - a[0] || a[1] - b[1])
  for (let k = 0; k < total - counts.reduce((s, c) => s + c, 0); k++) {
    const i = order[k % order.length]?.[1] ?? 0
    counts[i] = (counts[i] ?? 0) + 1
  }
  return counts
}

export function villagePlans(
  villages: readonly Village[],
  counts: readonly number[],
  site: Site,
  rng: Rng,
): VillagePlan[] {
  return villages.map((village, i) => {
    const count = counts[i] ?? 0
    const base = Math.min(450, Math.max(180, 0.11 * Math.sqrt(village.areaM2)))
    const box = boxOf(village.gk.flatMap((p) => p[0] ?? []))
    const inVillage = <T>(s: Segment<T>) =>
      village.gk.some((p) => pointInPoly([(s.a[0] + s.b[0]) / 2, (s.a[1] + s.b[1]) / 2], p))
    return {
      village,
      count,
      sigma: base * Math.max(1, Math.sqrt(count / 40)),
      grid: rng.uniform(0, Math.PI),
      roads: site.roads.query(box).filter(inVillage),
      rivers: site.rivers.query(box).filter(inVillage),
    }
  })
}

interface Anchor {
  centre: Pt
  angle: number
}

function polar(centre: Pt, r: number, rng: Rng): Pt {
  const t = rng.uniform(0, 2 * Math.PI)
  return [centre[0] + r * Math.cos(t), centre[1] + r * Math.sin(t)]
}

function bearing(s: Segment<unknown>): number {
  return Math.atan2(s.b[1] - s.a[1], s.b[0] - s.a[0])
}

/** Plots face the nearest road when one is close, else the village grid. */
function orientation(plan: VillagePlan, site: Site, centre: Pt, rng: Rng): number {
  const near = site.roadsNear([centre[0], centre[1], centre[0], centre[1]], 150)
  const nearest = near
    .map((s) => ({ s, d: distance(centre, [(s.a[0] + s.b[0]) / 2, (s.a[1] + s.b[1]) / 2]) }))
    .sort((a, b) => a.d - b.d)[0]
  const base = nearest ? bearing(nearest.s) : plan.grid
  return base + rng.normal() * (nearest ? 0.03 : 0.08)
}

function pickSegment<T>(segments: readonly Segment<T>[], rng: Rng): Segment<T> | undefined {
  if (segments.length === 0) return undefined
  return rng.weighted(segments.map((s) => [s, distance(s.a, s.b)] as const))
}

/** A point beside a road or river, the shape's long side along it. */
function alongside(
  segment: Segment<unknown>,
  clearance: number,
  shape: readonly Pt[],
  rng: Rng,
): Anchor {
  const t = rng.next()
  const at: Pt = [
    segment.a[0] + (segment.b[0] - segment.a[0]) * t,
    segment.a[1] + (segment.b[1] - segment.a[1]) * t,
  ]
  const angle = bearing(segment)
  const depth = Math.max(...shape.map((p) => Math.abs(p[1])))
  const side = rng.chance(0.5) ? 1 : -1
  const off = side * (clearance + depth)
  return { centre: [at[0] - Math.sin(angle) * off, at[1] + Math.cos(angle) * off], angle }
}

function randomInVillage(plan: VillagePlan, minDistance: number, rng: Rng): Pt | null {
  const box = boxOf(plan.village.gk.flatMap((p) => p[0] ?? []))
  for (let i = 0; i < 30; i++) {
    const p: Pt = [rng.uniform(box[0], box[2]), rng.uniform(box[1], box[3])]
    if (distance(p, plan.village.centre) < minDistance) continue
    if (plan.village.gk.some((poly) => pointInPoly(p, poly))) return p
  }
  return null
}

function anchorFor(
  plan: VillagePlan,
  spec: SubtypeSpec,
  shape: readonly Pt[],
  site: Site,
  widen: number,
  rng: Rng,
): Anchor | null {
  const { centre } = plan.village
  const free = (p: Pt | null): Anchor | null =>
    p ? { centre: p, angle: orientation(plan, site, p, rng) } : null
  switch (spec.placement) {
    case 'core':
      return free(polar(centre, Math.abs(rng.normal()) * plan.sigma * widen, rng))
    case 'edge':
      return free(polar(centre, plan.sigma * rng.uniform(1.6, 2.6) * widen, rng))
    case 'outer':
      return free(randomInVillage(plan, 2 * plan.sigma, rng))
    case 'road': {
      const s = pickSegment(plan.roads, rng)
      return s
        ? alongside(s, s.owner.width / 2 + ROAD_GAP + rng.uniform(0, 10), shape, rng)
        : free(polar(centre, plan.sigma * 2 * widen, rng))
    }
    case 'river': {
      const s = pickSegment(plan.rivers, rng)
      return s
        ? alongside(s, s.owner.halfWidth + rng.uniform(2, 12), shape, rng)
        : free(randomInVillage(plan, 2 * plan.sigma, rng))
    }
    case 'industrial': {
      const s = pickSegment(
        plan.roads.filter((r) => r.owner.roadClass !== 'township'),
        rng,
      )
      return s
        ? alongside(s, s.owner.width / 2 + rng.uniform(10, 150), shape, rng)
        : free(polar(centre, plan.sigma * 2 * widen, rng))
    }
  }
}

/** Metres → the ring as written, or null if rounding spoiled it. */
export function writtenRing(gk: Poly): Poly | null {
  const ring = cleanRing((gk[0] ?? []).map(toLonLat))
  return ring.length >= 4 && isSimpleRing(ring) ? [ring] : null
}

export interface Allowance {
  /** a parcel this one may overlap */
  parcel?: Placed
  /** may cross the village boundary */
  outsideVillage?: boolean
  /** protected classes it may touch */
  zones?: readonly ZoneClass[]
}

/** The ring as written if the parcel fits where it is, else null. */
export function fits(site: Site, village: Village, gk: Poly, allow: Allowance = {}): Poly | null {
  const ll = writtenRing(gk)
  if (!ll) return null
  if (site.hits('parcels', ll, allow.parcel).length > 0) return null
  if (!allow.outsideVillage && !insideVillage(ll, village)) return null
  if (!site.clearOfRoads(gk, ROAD_GAP)) return null
  const forbidden = AVOIDED.filter((c) => !allow.zones?.includes(c))
  if (site.zonesHit(ll, forbidden).length > 0) return null
  return ll
}

export function shapeFor(spec: SubtypeSpec, areaM2: number, rng: Rng): Pt[] {
  const kind = rng.weighted(spec.shapes)
  return parcelShape(kind, areaM2, rng.uniform(spec.aspect[0], spec.aspect[1]), rng)
}

export function tryPlace(
  plan: VillagePlan,
  spec: SubtypeSpec,
  site: Site,
  rng: Rng,
): Parcel | null {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const shrink = attempt < ATTEMPTS / 2 ? 1 : 0.7
    const areaM2 = rng.logUniform(spec.areaMu[0], spec.areaMu[1]) * M2_PER_MU * shrink
    const shape = shapeFor(spec, areaM2, rng)
    const anchor = anchorFor(plan, spec, shape, site, 1 + attempt * 0.08, rng)
    if (!anchor) continue
    const gk: Poly = [closeRing(place(shape, anchor.angle, anchor.centre[0], anchor.centre[1]))]
    const ll = fits(site, plan.village, gk)
    if (ll) return { village: plan.village, spec, gk, ll, box: boxOf(ll[0] ?? []), kind: 'normal' }
  }
  return null
}

/**
 * Ordinary parcels, `total` of them. A village whose land runs out passes
 * what it could not place, as small parcels, to the village after it.
 * `districtTotal` (the whole set) sets the subtype mix.
 */
export function placeParcels(
  plans: readonly VillagePlan[],
  total: number,
  districtTotal: number,
  site: Site,
  rng: Rng,
): Parcel[] {
  const parcels: Parcel[] = []
  let carry = 0
  for (const plan of plans) {
    const weights = subtypeWeights(plan.village.town.profile, districtTotal)
    const small = weights.filter(([s]) => s.areaMu[1] <= 8)
    const target = plan.count + carry
    let placed = 0
    for (let k = 0; k < target; k++) {
      const parcel = tryPlace(plan, rng.weighted(k < plan.count ? weights : small), site, rng)
      if (!parcel) continue
      parcels.push(parcel)
      site.add('parcels', parcel)
      placed++
    }
    carry = target - placed
  }
  return fillShortfall(parcels, plans, total, districtTotal, site, rng)
}

function fillShortfall(
  parcels: Parcel[],
  plans: readonly VillagePlan[],
  total: number,
  districtTotal: number,
  site: Site,
  rng: Rng,
): Parcel[] {
  const small = subtypeWeights('rural', districtTotal).filter(([s]) => s.areaMu[1] <= 8)
  for (let round = 0; parcels.length < total; round++) {
    if (round > 20)
      throw new Error(`only ${parcels.length} of ${total} parcels fit in the district`)
    for (const plan of plans) {
      if (parcels.length >= total) break
      const parcel = tryPlace(plan, rng.weighted(small), site, rng)
      if (!parcel) continue
      parcels.push(parcel)
      site.add('parcels', parcel)
    }
  }
  return parcels
}

export function planarAreaM2(parcel: Parcel): number {
  return polyArea(parcel.gk)
}
