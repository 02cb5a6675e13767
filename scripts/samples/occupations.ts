// Surveyed occupations (占用): buildings, sheds, fences, piles and
// cultivation. About a third intrude into collective parcels, some sit in
// a road's building-control zone or in a river management area; the rest
// are harmless. What each one really touches is measured afterwards
// (expected.ts), not assumed from how it was placed.
import {
  boxOf,
  closeRing,
  place,
  polyWithin,
  polygonsOf,
  ringCentroid,
  type Poly,
  type Pt,
} from './geometry.ts'
import { CONTROL_DISTANCE, type River, type Road } from './network.ts'
import type { Parcel, VillagePlan } from './parcels.ts'
import { writtenRing } from './parcels.ts'
import type { Rng } from './prng.ts'
import { parcelShape } from './shapes.ts'
import type { Placed, Segment, Site } from './site.ts'
import type { Area } from './geo.ts'

export type OccupationKind = 'building' | 'shed' | 'fence' | 'pile' | 'cultivation'
export type Intent = 'parcel' | 'road' | 'river' | 'none'

export interface Occupation extends Placed {
  code: string
  kind: OccupationKind
  description: string
  surveyedAt: string
  intent: Intent
}

// prettier-ignore
const KINDS: Readonly<Record<OccupationKind, { m2: [number, number]; aspect: [number, number]; texts: string[] }>> = {
  building: { m2: [60, 400], aspect: [1, 2.5], texts: ['私建平房', '违建二层小楼', '临街违建门面房', '私建仓库'] },
  shed: { m2: [30, 300], aspect: [1, 3], texts: ['私搭彩钢棚', '简易养殖棚', '私搭简易棚', '违规搭建塑料大棚'] },
  fence: { m2: [6, 24], aspect: [40, 120], texts: ['私设围挡', '砖砌围墙', '铁丝网围栏'] },
  pile: { m2: [10, 120], aspect: [1, 2], texts: ['乱堆建筑垃圾', '堆放柴草', '堆放废旧物料', '堆放砂石'] },
  cultivation: { m2: [200, 2500], aspect: [1, 3], texts: ['私自开垦种植', '占地种植果树', '擅自种植苗木'] },
}

const INTENTS: readonly (readonly [Intent, number])[] = [
  ['parcel', 34],
  ['road', 13],
  ['river', 10],
  ['none', 43],
]

export interface OccupationContext {
  site: Site
  /** ordinary collective and intensive-use parcels, the ones occupations intrude into */
  collective: readonly Parcel[]
  plans: readonly VillagePlan[]
  roads: readonly Road[]
  rivers: readonly River[]
  district: Area
}

/** ~600 at 5000 parcels, in proportion otherwise. */
export function occupationCount(parcels: number): number {
  return Math.max(30, Math.round((600 * parcels) / 5000))
}

/** Occupations in fixed shares per intent, so failed tries don't skew the mix. */
export function placeOccupations(ctx: OccupationContext, count: number, rng: Rng): Occupation[] {
  const out: Occupation[] = []
  const total = INTENTS.reduce((s, [, w]) => s + w, 0)
  let owed = count
  INTENTS.forEach(([intent, weight], i) => {
    const quota = i === INTENTS.length - 1 ? owed : Math.round((count * weight) / total)
    owed -= quota
    for (let placed = 0, tries = 0; placed < quota; tries++) {
      if (tries > quota * 100 + 100)
        throw new Error(`placed ${placed} of ${quota} occupations meant for ${intent}`)
      const occupation = placeOne(ctx, intent, out.length + 1, rng)
      if (!occupation) continue
      ctx.site.add('occupations', occupation)
      out.push(occupation)
      placed++
    }
  })
  return out
}

function placeOne(
  ctx: OccupationContext,
  intent: Intent,
  seq: number,
  rng: Rng,
): Occupation | null {
  const kind = rng.weighted(kindWeights(intent))
  const shape = occupationShape(kind, rng)
  const gk =
    intent === 'parcel'
      ? onParcel(rng.pick(ctx.collective), shape, rng)
      : intent === 'road'
        ? besideRoad(ctx, shape, rng)
        : intent === 'river'
          ? inRiver(ctx, shape, rng)
          : nearHouses(rng.pick(ctx.plans), shape, rng)
  const ll = gk ? writtenRing(gk) : null
  if (!gk || !ll || !acceptable(ctx, intent, gk, ll)) return null
  return {
    code: `OC-${String(seq).padStart(4, '0')}`,
    kind,
    description: rng.pick(KINDS[kind].texts),
    surveyedAt: surveyDate(rng),
    intent,
    ll,
    box: boxOf(ll[0] ?? []),
  }
}

function kindWeights(intent: Intent): (readonly [OccupationKind, number])[] {
  if (intent === 'river')
    return [
      ['shed', 3],
      ['pile', 4],
      ['cultivation', 3],
      ['fence', 1],
    ]
  if (intent === 'road')
    return [
      ['building', 3],
      ['shed', 3],
      ['pile', 3],
      ['fence', 2],
    ]
  return [
    ['building', 3],
    ['shed', 3],
    ['fence', 2],
    ['pile', 2],
    ['cultivation', 2],
  ]
}

function occupationShape(kind: OccupationKind, rng: Rng): Pt[] {
  const spec = KINDS[kind]
  return parcelShape(
    kind === 'cultivation' ? 'quad' : 'rect',
    rng.uniform(spec.m2[0], spec.m2[1]),
    rng.uniform(spec.aspect[0], spec.aspect[1]),
    rng,
  )
}

/** Surveys ran from April to November 2023. */
function surveyDate(rng: Rng): string {
  const day = new Date(Date.UTC(2023, 3, 1) + rng.int(0, 243) * 86_400_000)
  return day.toISOString().slice(0, 10)
}

function at(shape: readonly Pt[], centre: Pt, angle: number): Poly {
  return [closeRing(place(shape, angle, centre[0], centre[1]))]
}

/** On the parcel's edge (half in, half out) or inside it. */
function onParcel(parcel: Parcel | undefined, shape: readonly Pt[], rng: Rng): Poly | null {
  const ring = parcel?.gk[0]
  if (!ring) return null
  const i = rng.int(0, ring.length - 2)
  const a = ring[i] as Pt
  const b = ring[i + 1] as Pt
  const t = rng.uniform(0.2, 0.8)
  const onEdge: Pt = [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t]
  const c = ringCentroid(ring)
  const inside: Pt = [
    c[0] + (onEdge[0] - c[0]) * rng.uniform(0, 0.5),
    c[1] + (onEdge[1] - c[1]) * rng.uniform(0, 0.5),
  ]
  const angle = Math.atan2(b[1] - a[1], b[0] - a[0])
  return at(shape, rng.chance(0.6) ? onEdge : inside, angle)
}

function pickAlong<T>(segments: readonly Segment<T>[], rng: Rng): Segment<T> | undefined {
  return segments.length > 0 ? rng.pick(segments) : undefined
}

function offsetFrom(s: Segment<unknown>, t: number, off: number): { centre: Pt; angle: number } {
  const angle = Math.atan2(s.b[1] - s.a[1], s.b[0] - s.a[0])
  const x = s.a[0] + (s.b[0] - s.a[0]) * t - Math.sin(angle) * off
  const y = s.a[1] + (s.b[1] - s.a[1]) * t + Math.cos(angle) * off
  return { centre: [x, y], angle }
}

/** In the building-control strip: from 0.5 m off the road land to 70 % of the control distance. */
function besideRoad(ctx: OccupationContext, shape: readonly Pt[], rng: Rng): Poly | null {
  const road = rng.pick(ctx.roads)
  const s = pickAlong(
    road.line.slice(1).map((b, i) => ({ a: road.line[i] as Pt, b, owner: road })),
    rng,
  )
  if (!s) return null
  const depth = Math.max(...shape.map((p) => Math.abs(p[1])))
  const edgeGap = Math.max(0.5 + depth, rng.uniform(1, 0.7 * CONTROL_DISTANCE[road.roadClass]))
  const { centre, angle } = offsetFrom(
    s,
    rng.next(),
    (rng.chance(0.5) ? 1 : -1) * (road.width / 2 + edgeGap),
  )
  return at(shape, centre, angle)
}

/** Inside a river's management area, off the centreline. */
function inRiver(ctx: OccupationContext, shape: readonly Pt[], rng: Rng): Poly | null {
  const river = rng.pick(ctx.rivers)
  const s = pickAlong(
    river.line.slice(1).map((b, i) => ({ a: river.line[i] as Pt, b, owner: river })),
    rng,
  )
  if (!s) return null
  const depth = Math.max(...shape.map((p) => Math.abs(p[1])))
  const room = Math.max(0, river.halfWidth - depth - 3)
  const { centre, angle } = offsetFrom(s, rng.next(), rng.uniform(-room, room))
  return at(shape, centre, angle)
}

function nearHouses(plan: VillagePlan | undefined, shape: readonly Pt[], rng: Rng): Poly | null {
  if (!plan) return null
  const r = Math.abs(rng.normal()) * plan.sigma * 2
  const t = rng.uniform(0, 2 * Math.PI)
  const centre: Pt = [
    plan.village.centre[0] + r * Math.cos(t),
    plan.village.centre[1] + r * Math.sin(t),
  ]
  return at(shape, centre, plan.grid + rng.normal() * 0.1)
}

/** Each intent touches what it is meant to and keeps clear of the rest. */
function acceptable(ctx: OccupationContext, intent: Intent, gk: Poly, ll: Poly): boolean {
  const { site } = ctx
  if (!polygonsOf(ctx.district).some((poly) => polyWithin(ll, poly))) return false
  if (site.hits('occupations', ll).length > 0) return false
  const parcels = site.hits('parcels', ll)
  if (intent === 'parcel' ? parcels.length !== 1 : parcels.length > 0) return false
  const inRiverArea = site.zonesHit(ll, ['river_area']).length > 0
  if (inRiverArea !== (intent === 'river')) return false
  // clearly in (by 0.5 m) or clearly out (by 3 m) of the control strip
  const roads = [...site.roadDistances(gk, 40)]
  if (roads.some(([road, d]) => d < road.width / 2)) return false
  const within = (margin: number) =>
    roads.some(([road, d]) => d < road.width / 2 + CONTROL_DISTANCE[road.roadClass] + margin)
  return intent === 'road' ? within(-0.5) : !within(3)
}
