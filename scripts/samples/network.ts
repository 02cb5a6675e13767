// Roads, rivers and reservoirs. Main roads and rivers follow hand-placed
// control points roughly where the real ones run; township roads link each
// village to the network. Built in Gauss-Krüger metres (EPSG:4549).
import {
  densify,
  distance,
  lineLength,
  pointInPoly,
  pointSegmentDistance,
  smooth,
  type Poly,
  type Pt,
} from './geometry.ts'
import { gkLine } from './geo.ts'
import { waveBetween } from './partition.ts'
import type { Rng } from './prng.ts'

export type RoadClass = 'expressway' | 'national' | 'provincial' | 'county' | 'township'

/**
 * Building-control distance from the road land's outer edge, metres (the
 * national rule in DOMAIN.md: expressway 30, national 20, provincial 15,
 * county 10, township 5).
 */
export const CONTROL_DISTANCE: Readonly<Record<RoadClass, number>> = {
  expressway: 30,
  national: 20,
  provincial: 15,
  county: 10,
  township: 5,
}

export interface Road {
  code: string
  name: string
  roadClass: RoadClass
  /** road land width, metres */
  width: number
  line: Pt[]
}

export interface River {
  code: string
  name: string
  /** management area on each side of the centreline, metres */
  halfWidth: number
  line: Pt[]
}

export interface Reservoir {
  code: string
  name: string
  centre: Pt
  radius: number
}

interface LineSpec {
  name: string
  points: Pt[]
}

// prettier-ignore
const MAIN_ROADS: readonly (LineSpec & { roadClass: RoadClass; width: number })[] = [
  { name: '沈海高速', roadClass: 'expressway', width: 35, points: [[120.362, 36.245], [120.37, 36.33], [120.39, 36.42], [120.43, 36.5], [120.47, 36.56], [120.5, 36.585]] },
  { name: '青新高速', roadClass: 'expressway', width: 35, points: [[120.392, 36.428], [120.33, 36.462], [120.27, 36.497], [120.218, 36.522]] },
  { name: '204国道', roadClass: 'national', width: 30, points: [[120.43, 36.238], [120.44, 36.33], [120.447, 36.39], [120.47, 36.45], [120.52, 36.52], [120.558, 36.592]] },
  { name: '228国道', roadClass: 'national', width: 30, points: [[120.56, 36.232], [120.6, 36.272], [120.635, 36.31], [120.625, 36.37], [120.62, 36.405], [120.635, 36.432], [120.68, 36.44], [120.74, 36.434], [120.8, 36.442], [120.855, 36.46], [120.882, 36.492]] },
  { name: '烟青一级路', roadClass: 'provincial', width: 40, points: [[120.47, 36.38], [120.53, 36.44], [120.58, 36.5], [120.63, 36.56], [120.655, 36.593]] },
  { name: '青威路', roadClass: 'provincial', width: 30, points: [[120.47, 36.4], [120.53, 36.425], [120.59, 36.45], [120.66, 36.47], [120.72, 36.485], [120.78, 36.495], [120.84, 36.505], [120.872, 36.516]] },
  { name: '蓝鳌路', roadClass: 'provincial', width: 30, points: [[120.226, 36.352], [120.32, 36.34], [120.4, 36.32], [120.47, 36.33], [120.54, 36.33], [120.62, 36.32], [120.672, 36.298]] },
  { name: '移段路', roadClass: 'county', width: 16, points: [[120.24, 36.5], [120.31, 36.53], [120.38, 36.54], [120.45, 36.565]] },
  { name: '灵龙路', roadClass: 'county', width: 16, points: [[120.33, 36.42], [120.355, 36.445], [120.38, 36.47]] },
  { name: '大信路', roadClass: 'county', width: 16, points: [[120.4, 36.3], [120.415, 36.35], [120.43, 36.385]] },
  { name: '金段路', roadClass: 'county', width: 16, points: [[120.58, 36.53], [120.48, 36.545], [120.38, 36.54]] },
  { name: '金田路', roadClass: 'county', width: 16, points: [[120.58, 36.53], [120.66, 36.52], [120.75, 36.47]] },
  { name: '蓝移路', roadClass: 'county', width: 16, points: [[120.25, 36.36], [120.245, 36.43], [120.24, 36.5]] },
  { name: '龙泉路', roadClass: 'county', width: 16, points: [[120.47, 36.37], [120.52, 36.34], [120.56, 36.35], [120.6, 36.41]] },
]

// prettier-ignore
const RIVERS: readonly (LineSpec & { halfWidth: number })[] = [
  { name: '大沽河', halfWidth: 80, points: [[120.232, 36.552], [120.218, 36.51], [120.214, 36.48], [120.218, 36.45], [120.222, 36.42], [120.228, 36.39], [120.232, 36.36], [120.242, 36.33], [120.258, 36.3], [120.276, 36.272]] },
  { name: '五沽河', halfWidth: 45, points: [[120.37, 36.585], [120.33, 36.56], [120.29, 36.535], [120.255, 36.51], [120.222, 36.49]] },
  { name: '墨水河', halfWidth: 50, points: [[120.475, 36.51], [120.458, 36.455], [120.445, 36.41], [120.432, 36.37], [120.415, 36.32], [120.398, 36.28], [120.386, 36.232]] },
  { name: '桃源河', halfWidth: 35, points: [[120.365, 36.44], [120.32, 36.425], [120.275, 36.418], [120.225, 36.41]] },
  { name: '龙泉河', halfWidth: 35, points: [[120.5, 36.38], [120.55, 36.365], [120.6, 36.37], [120.645, 36.386]] },
  { name: '莲阴河', halfWidth: 35, points: [[120.55, 36.56], [120.575, 36.51], [120.605, 36.465], [120.643, 36.424]] },
]

// prettier-ignore
const RESERVOIRS: readonly { name: string; centre: Pt; radius: number }[] = [
  { name: '宋化泉水库', centre: [120.305, 36.452], radius: 750 },
  { name: '挪城水库', centre: [120.535, 36.472], radius: 600 },
  { name: '书院水库', centre: [120.7, 36.535], radius: 650 },
  { name: '王圈水库', centre: [120.412, 36.507], radius: 550 },
]

/** A line through the control points that bends like a road or meanders like a river. */
function naturalLine(points: readonly Pt[], district: readonly Poly[], rng: Rng, bend: Bend): Pt[] {
  const base = densify(gkLine(points), 1500)
  const seed = rng.int(0, 2 ** 31)
  const waved: Pt[] = [base[0] as Pt]
  for (let i = 1; i < base.length; i++) {
    const a = base[i - 1] as Pt
    const b = base[i] as Pt
    waved.push(...waveBetween(a, b, { ...bend, step: 100, seed }), b)
  }
  return longestInside(densify(smooth(waved, 2), 120), district)
}

interface Bend {
  amplitude: number
  maxSlope: number
  wavelength: number
}

const ROAD_BEND: Bend = { amplitude: 0.02, maxSlope: 0.1, wavelength: 3000 }
const EXPRESSWAY_BEND: Bend = { amplitude: 0.005, maxSlope: 0.05, wavelength: 3000 }
const RIVER_BEND: Bend = { amplitude: 0.1, maxSlope: 0.6, wavelength: 450 }

/** The longest run of consecutive points inside the district. */
export function longestInside(line: readonly Pt[], district: readonly Poly[]): Pt[] {
  let best: Pt[] = []
  let run: Pt[] = []
  for (const p of line) {
    if (district.some((poly) => pointInPoly(p, poly))) {
      run.push(p)
      if (run.length > best.length) best = run
    } else {
      run = []
    }
  }
  return best
}

export function mainRoads(district: readonly Poly[], rng: Rng): Road[] {
  return MAIN_ROADS.map((spec, i) => ({
    code: `GL-${String(i + 1).padStart(3, '0')}`,
    name: spec.name,
    roadClass: spec.roadClass,
    width: spec.width,
    line: naturalLine(
      spec.points,
      district,
      rng,
      spec.roadClass === 'expressway' ? EXPRESSWAY_BEND : ROAD_BEND,
    ),
  }))
}

export function rivers(district: readonly Poly[], rng: Rng): River[] {
  return RIVERS.map((spec, i) => ({
    code: `HL-${String(i + 1).padStart(2, '0')}`,
    name: spec.name,
    halfWidth: spec.halfWidth,
    line: naturalLine(spec.points, district, rng, RIVER_BEND),
  }))
}

/** Reservoirs, shrunk until they keep 80 m clear of every road's land. */
export function reservoirs(roads: readonly Road[]): Reservoir[] {
  return RESERVOIRS.map((spec, i) => {
    const centre = gkLine([spec.centre])[0] as Pt
    let radius = spec.radius
    while (
      radius > 150 &&
      roads.some((r) => lineDistance(centre, r.line) < radius * 1.3 + r.width / 2 + 80)
    ) {
      radius *= 0.85
    }
    return { code: `SK-${String(i + 1).padStart(2, '0')}`, name: spec.name, centre, radius }
  })
}

export function lineDistance(p: Pt, line: readonly Pt[]): number {
  let best = Infinity
  for (let i = 1; i < line.length; i++)
    best = Math.min(best, pointSegmentDistance(p, line[i - 1] as Pt, line[i] as Pt))
  return best
}

/** Nearest point on a polyline to p, with the index of its segment. */
export function nearestOnLine(
  p: Pt,
  line: readonly Pt[],
): { point: Pt; segment: number; distance: number } {
  let best = { point: line[0] as Pt, segment: 1, distance: Infinity }
  for (let i = 1; i < line.length; i++) {
    const a = line[i - 1] as Pt
    const b = line[i] as Pt
    const dx = b[0] - a[0]
    const dy = b[1] - a[1]
    const len2 = dx * dx + dy * dy || 1
    const t = Math.max(0, Math.min(1, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2))
    const q: Pt = [a[0] + t * dx, a[1] + t * dy]
    const d = distance(p, q)
    if (d < best.distance) best = { point: q, segment: i, distance: d }
  }
  return best
}

export interface VillageAnchor {
  name: string
  centre: Pt
}

/**
 * Township roads (乡道): each village centre linked to the nearest road, and
 * to its nearest neighbouring village, with gentle bends.
 */
export function townshipRoads(
  villages: readonly VillageAnchor[],
  main: readonly Road[],
  district: readonly Poly[],
  rng: Rng,
): Road[] {
  const roads: Road[] = []
  const seed = rng.int(0, 2 ** 31)
  const add = (name: string, from: Pt, to: Pt) => {
    const line = [
      from,
      ...waveBetween(from, to, { amplitude: 0.06, maxSlope: 0.2, step: 60, seed }),
      to,
    ]
    const inside = densify(line, 100)
    if (longestInside(inside, district).length !== inside.length) return
    const code = `XD-${String(roads.length + 1).padStart(4, '0')}`
    roads.push({ code, name, roadClass: 'township', width: 8, line })
  }
  for (const village of villages) {
    const network = [...main, ...roads]
    const nearest = network
      .map((road) => ({ road, hit: nearestOnLine(village.centre, road.line) }))
      .sort((a, b) => a.hit.distance - b.hit.distance)[0]
    if (nearest && nearest.hit.distance > 250 && nearest.hit.distance < 5000) {
      add(`${baseName(village.name)}路`, village.centre, nearest.hit.point)
    }
  }
  for (const [i, village] of villages.entries()) {
    const neighbour = villages
      .filter((_, j) => j !== i)
      .map((other) => ({ other, d: distance(village.centre, other.centre) }))
      .sort((a, b) => a.d - b.d)[0]
    if (!neighbour || neighbour.d > 3500 || neighbour.other.name < village.name) continue
    add(
      `${baseName(village.name)}至${baseName(neighbour.other.name)}路`,
      village.centre,
      neighbour.other.centre,
    )
  }
  return roads.filter((r) => lineLength(r.line) > 150)
}

function baseName(village: string): string {
  return village.endsWith('村') ? village.slice(0, -1) : village
}
