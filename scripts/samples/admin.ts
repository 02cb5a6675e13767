// The administrative layers: district outline, the 17 towns and streets as
// a partition of it, and the villages as a partition of each town.
import { invalidReason, gkLine, validLonLatArea, type Area } from './geo.ts'
import {
  boxOf,
  closeRing,
  pointInPoly,
  polyArea,
  ringCentroid,
  type Poly,
  type Pt,
} from './geometry.ts'
import { villageName } from './names.ts'
import { absorbFragments, partition, relax, waveBetween, type WaveOptions } from './partition.ts'
import { COAST_FROM, COAST_TO, OUTLINE, TOWNS, type TownSpec } from './places.ts'
import { Rng } from './prng.ts'

export interface District {
  gk: Poly[]
  /** the coastal stretch of the outline, south-west to north-east, metres */
  coast: Pt[]
  geometry: Area
}

export interface Town {
  spec: TownSpec
  gk: Poly[]
  geometry: Area
}

export type VillageKind = '新村' | '网格村'

export interface Village {
  code: string
  name: string
  kind: VillageKind
  town: TownSpec
  gk: Poly[]
  geometry: Area
  /** where the houses cluster, metres */
  centre: Pt
  areaM2: number
}

// the outline is the same whatever --seed says: it is the real district
const OUTLINE_SEED = 370215

export function buildDistrict(): District {
  const control = gkLine(OUTLINE)
  const coastWave: WaveOptions = {
    amplitude: 0.09,
    maxSlope: 0.8,
    step: 60,
    wavelength: 500,
    seed: OUTLINE_SEED,
  }
  for (let calm = 1; ; calm *= 0.6) {
    const ring: Pt[] = []
    let coastStart = 0
    let coastEnd = 0
    control.forEach((a, i) => {
      if (i === COAST_FROM) coastStart = ring.length
      if (i === COAST_TO) coastEnd = ring.length
      const b = control[(i + 1) % control.length] as Pt
      const onCoast = i >= COAST_FROM && i < COAST_TO
      const wave = onCoast
        ? coastWave
        : { ...coastWave, amplitude: 0.04, maxSlope: 0.5, step: 100, wavelength: 1500 }
      ring.push(a, ...waveBetween(a, b, { ...wave, amplitude: wave.amplitude * calm }))
    })
    const gk: Poly[] = [[closeRing(ring)]]
    if (invalidReason({ type: 'Polygon', coordinates: gk[0] as Poly })) continue
    const geometry = validLonLatArea(gk, 'district')
    if (!geometry) throw new Error('district outline vanished')
    return { gk, coast: ring.slice(coastStart, coastEnd + 1), geometry }
  }
}

export function buildTowns(district: District, rng: Rng): Town[] {
  const seeds = TOWNS.map((t) => gkLine([t.seat])[0] as Pt)
  const wave = {
    amplitude: 0.06,
    maxSlope: 0.7,
    step: 80,
    maxOffset: 700,
    wavelength: 1500,
    seed: rng.int(0, 2 ** 31),
  }
  const cells = absorbFragments(partition(district.gk, seeds, wave))
  return TOWNS.map((spec, i) => {
    const gk = cells[i] ?? []
    const geometry = validLonLatArea(gk, `town ${spec.code}`)
    if (!geometry) throw new Error(`town ${spec.code} ${spec.name} came out empty`)
    return { spec, gk, geometry }
  })
}

/** Villages per town, in proportion to the towns' weights, `total` in all. */
function villageCounts(total: number): number[] {
  const sum = TOWNS.reduce((s, t) => s + t.villages, 0)
  return TOWNS.map((t) => Math.max(2, Math.round((total * t.villages) / sum)))
}

export function buildVillages(towns: readonly Town[], total: number, rng: Rng): Village[] {
  const counts = villageCounts(total)
  return towns.flatMap((town, i) => townVillages(town, counts[i] ?? 2, rng.fork(town.spec.code)))
}

function townVillages(town: Town, count: number, rng: Rng): Village[] {
  const area = town.gk.reduce((s, p) => s + polyArea(p), 0)
  const seeds = relax(spreadPoints(town.gk, count, Math.sqrt(area / count) * 0.6, rng), town.gk, 2)
  const wave = {
    amplitude: 0.08,
    maxSlope: 0.6,
    step: 50,
    maxOffset: 300,
    wavelength: 600,
    seed: rng.int(0, 2 ** 31),
  }
  const cells = absorbFragments(partition(town.gk, seeds, wave))
  const ordered = cells
    .map((gk, i) => ({ gk, seed: seeds[i] as Pt }))
    .filter((c) => c.gk.length > 0)
    .sort(
      (a, b) =>
        Math.round(b.seed[1] / 2000) - Math.round(a.seed[1] / 2000) || a.seed[0] - b.seed[0],
    )
  const taken = new Set<string>()
  return ordered.map((cell, i) => {
    const code = `${town.spec.code}${String(i + 1).padStart(3, '0')}`
    const geometry = validLonLatArea(cell.gk, `village ${code}`)
    if (!geometry) throw new Error(`village ${code} came out empty`)
    return {
      code,
      name: villageName(rng, taken),
      kind: rng.chance(0.3) ? '新村' : '网格村',
      town: town.spec,
      gk: cell.gk,
      geometry,
      centre: interiorPoint(cell.gk, cell.seed),
      areaM2: cell.gk.reduce((s, p) => s + polyArea(p), 0),
    }
  })
}

/** Random points in the region, at least `spacing` apart where possible. */
function spreadPoints(region: readonly Poly[], count: number, spacing: number, rng: Rng): Pt[] {
  const box = boxOf(region.flatMap((p) => p[0] ?? []))
  const points: Pt[] = []
  let minGap = spacing
  for (let tries = 0; points.length < count; tries++) {
    if (tries > 0 && tries % 500 === 0) minGap *= 0.8
    const p: Pt = [rng.uniform(box[0], box[2]), rng.uniform(box[1], box[3])]
    if (!region.some((poly) => pointInPoly(p, poly))) continue
    if (points.some((q) => Math.hypot(p[0] - q[0], p[1] - q[1]) < minGap)) continue
    points.push(p)
  }
  return points
}

/** The seed if it is still inside the cell, else a point well inside it. */
function interiorPoint(polys: readonly Poly[], seed: Pt): Pt {
  const largest = [...polys].sort((a, b) => polyArea(b) - polyArea(a))[0] ?? []
  if (pointInPoly(seed, largest)) return seed
  const centroid = ringCentroid(largest[0] ?? [])
  if (pointInPoly(centroid, largest)) return centroid
  const box = boxOf(largest[0] ?? [])
  for (let k = 1; k < 64; k++) {
    const p: Pt = [
      box[0] + ((box[2] - box[0]) * ((k * 37) % 64)) / 64,
      box[1] + ((box[3] - box[1]) * k) / 64,
    ]
    if (pointInPoly(p, largest)) return p
  }
  return seed
}
