// Planning zones (三区三线, river management areas, sea areas). Each zone
// is built in Gauss-Krüger metres, clipped to the district (the sea to
// outside it) and written as lon/lat with {class, name, code}.
import {
  bufferMetres,
  gkLine,
  intersectPolys,
  subtractPolys,
  validLonLatArea,
  type Area,
} from './geo.ts'
import {
  boxesOverlap,
  boxOf,
  closeRing,
  distance,
  growBox,
  pointInPoly,
  polyArea,
  type Box,
  type Poly,
  type Pt,
} from './geometry.ts'
import { type Reservoir, type River, type Road } from './network.ts'
import { SEA_AREAS, TOWNS, URBAN_CORE, type TownSpec } from './places.ts'
import type { Rng } from './prng.ts'

export type ZoneClass =
  'basic_farmland' | 'ecological_redline' | 'urban_boundary' | 'river_area' | 'sea_area'

export interface Zone {
  zoneClass: ZoneClass
  name: string
  code: string
  /** Gauss-Krüger metres, for construction */
  gk: Poly[]
  /** as written, lon/lat at 7 decimals */
  geometry: Area
}

const clip = intersectPolys
const subtract = subtractPolys

/**
 * A star-shaped blob (a hill, a town, a field block): radius wobbling with
 * a few harmonics, never below 45 % of the mean, so the ring is simple.
 */
export function blob(centre: Pt, radius: number, rng: Rng, stretch = 1, vertices = 56): Poly {
  const harmonics = [2, 3, 4, 5, 7].map((k) => ({
    k,
    a: (rng.normal() * 0.12) / Math.sqrt(k - 1),
    phase: rng.uniform(0, 2 * Math.PI),
  }))
  const angle = rng.uniform(0, Math.PI)
  const points = Array.from({ length: vertices }, (_, i): Pt => {
    const t = (i / vertices) * 2 * Math.PI
    const wobble = harmonics.reduce((s, h) => s + h.a * Math.cos(h.k * t + h.phase), 0)
    const r = radius * Math.max(0.45, 1 + wobble)
    const x = r * Math.cos(t) * stretch
    const y = (r * Math.sin(t)) / stretch
    return [
      centre[0] + x * Math.cos(angle) - y * Math.sin(angle),
      centre[1] + x * Math.sin(angle) + y * Math.cos(angle),
    ]
  })
  return [closeRing(points)]
}

function zone(zoneClass: ZoneClass, name: string, code: string, gk: Poly[]): Zone | null {
  const kept = gk.filter((p) => polyArea(p) > 2000)
  const geometry = kept.length > 0 ? validLonLatArea(kept, `${zoneClass} ${code}`) : null
  return geometry ? { zoneClass, name, code, gk: kept, geometry } : null
}

function numbered(prefix: string, n: number, width = 3): string {
  return `${prefix}-${String(n).padStart(width, '0')}`
}

export function urbanBoundaries(district: readonly Poly[], rng: Rng): Zone[] {
  const core = zone(
    'urban_boundary',
    '即墨城区城镇开发边界',
    numbered('CZKF', 1),
    clip([blob(gkLine([URBAN_CORE.centre])[0] as Pt, URBAN_CORE.radius, rng, 1.25, 96)], district),
  )
  const seats = TOWNS.filter((t) => t.urbanRadius > 0).map((town, i) =>
    zone(
      'urban_boundary',
      `${town.name}驻地城镇开发边界`,
      numbered('CZKF', i + 2),
      clip([blob(gkLine([town.seat])[0] as Pt, town.urbanRadius, rng, 1.2)], district),
    ),
  )
  return [core, ...seats].filter((z): z is Zone => z !== null)
}

// prettier-ignore
const HILLS: readonly { name: string; centre: Pt; radius: number }[] = [
  { name: '马山', centre: [120.36, 36.492], radius: 1300 },
  { name: '豹竹涧', centre: [120.765, 36.545], radius: 1800 },
  { name: '天柱山', centre: [120.62, 36.568], radius: 1500 },
  { name: '四舍山', centre: [120.805, 36.508], radius: 1000 },
  { name: '大桥山', centre: [120.48, 36.578], radius: 1100 },
  { name: '鹤山', centre: [120.66, 36.345], radius: 1100 },
]

/** Coastal wetlands: strips inland of the coast between two longitudes. */
// prettier-ignore
const WETLANDS: readonly { name: string; from: number; to: number; width: number }[] = [
  { name: '鳌山湾滨海湿地', from: 120.636, to: 120.745, width: 500 },
  { name: '田横滨海湿地', from: 120.81, to: 120.9, width: 400 },
]

export function ecologicalRedlines(
  district: readonly Poly[],
  coast: readonly Pt[],
  lakes: readonly { reservoir: Reservoir; gk: Poly }[],
  rng: Rng,
): Zone[] {
  const hills = HILLS.map((h) => ({
    name: `${h.name}生态保护红线`,
    gk: clip([blob(gkLine([h.centre])[0] as Pt, h.radius, rng, 1.3)], district),
  }))
  const wetlands = WETLANDS.map((w) => {
    const [west, east] = gkLine([
      [w.from, 36.4],
      [w.to, 36.4],
    ]).map((p) => p[0])
    const strip = coast.filter((p) => p[0] >= (west ?? 0) && p[0] <= (east ?? 0))
    const buffered =
      strip.length > 1 ? bufferMetres({ type: 'LineString', coordinates: strip }, w.width) : []
    return { name: `${w.name}生态保护红线`, gk: clip(buffered, district) }
  })
  const sources = lakes.map(({ reservoir, gk }) => ({
    name: `${reservoir.name}水源涵养生态保护红线`,
    gk: clip(bufferMetres({ type: 'Polygon', coordinates: gk }, 300), district),
  }))
  return [...hills, ...wetlands, ...sources]
    .map((z, i) => zone('ecological_redline', z.name, numbered('STHX', i + 1), z.gk))
    .filter((z): z is Zone => z !== null)
}

/** Reservoir water bodies as polygons, for the river management areas. */
export function reservoirShapes(
  list: readonly Reservoir[],
  rng: Rng,
): { reservoir: Reservoir; gk: Poly }[] {
  return list.map((reservoir) => ({
    reservoir,
    gk: blob(reservoir.centre, reservoir.radius, rng, 1.4),
  }))
}

export function riverAreas(
  district: readonly Poly[],
  riverList: readonly River[],
  lakes: readonly { reservoir: Reservoir; gk: Poly }[],
): Zone[] {
  const corridors = riverList.map((r) => ({
    name: `${r.name}河道管理范围`,
    gk: clip(bufferMetres({ type: 'LineString', coordinates: r.line }, r.halfWidth), district),
  }))
  const basins = lakes.map(({ reservoir, gk }) => ({
    name: `${reservoir.name}管理范围`,
    gk: clip([gk], district),
  }))
  return [...corridors, ...basins]
    .map((z, i) => zone('river_area', z.name, numbered('HDGL', i + 1), z.gk))
    .filter((z): z is Zone => z !== null)
}

/** The sea strip between the coast and the offshore line, cut into sea-use areas. */
export function seaAreas(coast: readonly Pt[], offshore: readonly Pt[]): Zone[] {
  const ring = closeRing([...coast, ...gkLine(offshore)])
  const box = boxOf(ring)
  let west = box[0] - 1000
  return SEA_AREAS.map((area) => {
    const east = Math.min(gkLine([[area.east, 36.4]])[0]?.[0] ?? box[2], box[2] + 1000)
    const slab: Poly = [
      closeRing([
        [west, box[1] - 1000],
        [east, box[1] - 1000],
        [east, box[3] + 1000],
        [west, box[3] + 1000],
      ]),
    ]
    const cut = clip([[ring]], [slab])
    west = east
    return zone('sea_area', area.name, area.code, cut)
  }).filter((z): z is Zone => z !== null)
}

export interface FarmlandContext {
  district: readonly Poly[]
  towns: readonly { spec: TownSpec; gk: Poly[] }[]
  villageCentres: readonly { centre: Pt; radius: number }[]
  roads: readonly Road[]
  exclusions: readonly Zone[]
  /** 1 at 5000 parcels; smaller blocks, closer together, for a crowded district-scale set */
  fieldScale: number
}

/**
 * Permanent basic farmland: field blocks on a jittered grid over the
 * countryside, cut back from villages, towns, hills, rivers and roads.
 */
export function basicFarmland(ctx: FarmlandContext, rng: Rng): Zone[] {
  const box = boxOf(ctx.district.flatMap((p) => p[0] ?? []))
  const spacing = 2000 * ctx.fieldScale
  const blocks: { town: TownSpec; gk: Poly[] }[] = []
  for (let y = box[1]; y < box[3]; y += spacing) {
    for (let x = box[0]; x < box[2]; x += spacing) {
      const centre: Pt = [x + rng.uniform(0, spacing), y + rng.uniform(0, spacing)]
      const town = ctx.towns.find((t) => t.gk.some((p) => pointInPoly(centre, p)))
      if (!town || !farmingTown(town.spec) || rng.chance(0.15)) continue
      if (
        ctx.villageCentres.some((v) => distance(v.centre, centre) < v.radius + 250 * ctx.fieldScale)
      )
        continue
      const field = blob(
        centre,
        rng.uniform(900, 1700) * ctx.fieldScale,
        rng,
        rng.uniform(1, 1.6),
        40,
      )
      const cut = subtract(clip([field], ctx.district), nearbyExclusions(field, ctx))
      // blocks under 5 ha (at 5000 parcels) are dropped
      const kept = cut.filter((p) => polyArea(p) > 50_000 * ctx.fieldScale ** 2)
      if (kept.length > 0) blocks.push({ town: town.spec, gk: kept })
    }
  }
  const perTown = new Map<string, number>()
  return blocks
    .map((b, i) => {
      const n = (perTown.get(b.town.code) ?? 0) + 1
      perTown.set(b.town.code, n)
      return zone(
        'basic_farmland',
        `${b.town.name}永久基本农田${n}号片区`,
        numbered('JBNT', i + 1, 4),
        b.gk,
      )
    })
    .filter((z): z is Zone => z !== null)
}

function farmingTown(town: TownSpec): boolean {
  return town.profile === 'rural' || town.profile === 'street'
}

/** Everything a field block must keep clear of, near this block only. */
function nearbyExclusions(field: Poly, ctx: FarmlandContext): Poly[] {
  const box = growBox(boxOf(field[0] ?? []), 200)
  const zones = ctx.exclusions
    .flatMap((z) => z.gk)
    .filter((p) => boxesOverlap(boxOf(p[0] ?? []), box))
  const villages = ctx.villageCentres
    .filter((v) =>
      boxesOverlap(
        [
          v.centre[0] - v.radius,
          v.centre[1] - v.radius,
          v.centre[0] + v.radius,
          v.centre[1] + v.radius,
        ],
        box,
      ),
    )
    .map((v) => [closeRing(circle(v.centre, v.radius))])
  return [...zones, ...villages, ...roadStrips(ctx.roads, box)]
}

function circle(centre: Pt, radius: number, n = 32): Pt[] {
  return Array.from({ length: n }, (_, i): Pt => [
    centre[0] + radius * Math.cos((i / n) * 2 * Math.PI),
    centre[1] + radius * Math.sin((i / n) * 2 * Math.PI),
  ])
}

/** Road land plus a 40 m margin of roadside strips (四边地 live there), near a box. */
function roadStrips(roads: readonly Road[], box: Box): Poly[] {
  const out: Poly[] = []
  for (const road of roads) {
    const inside = road.line.flatMap((p, i) =>
      p[0] >= box[0] && p[0] <= box[2] && p[1] >= box[1] && p[1] <= box[3] ? [i] : [],
    )
    const first = inside[0]
    const last = inside[inside.length - 1]
    if (first === undefined || last === undefined) continue
    const piece = road.line.slice(Math.max(0, first - 1), Math.min(road.line.length, last + 2))
    if (piece.length > 1)
      out.push(...bufferMetres({ type: 'LineString', coordinates: piece }, road.width / 2 + 40))
  }
  return out
}
