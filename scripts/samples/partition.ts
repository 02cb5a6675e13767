// Partition a region (towns of the district, villages of a town) into
// Voronoi cells with natural-looking, wavy borders.
//
// Far-away ghost seeds keep every real cell finite, so each border between
// two real cells runs between the same two circumcentres in both cells.
// The wave added to a border is a function of its endpoints alone, so both
// neighbours get the very same polyline and the partition has no gaps.
import { Delaunay } from 'd3-delaunay'
import { intersectPolys, invalidReason, unionPolys } from './geo.ts'
import {
  boxesOverlap,
  boxOf,
  closeRing,
  distance,
  pointInPoly,
  polyArea,
  ringCentroid,
  type Poly,
  type Pt,
} from './geometry.ts'
import { hashString, Rng } from './prng.ts'

export interface WaveOptions {
  /** largest sideways displacement, as a share of the border's length */
  amplitude: number
  /** steepest allowed slope of the wave against the straight border */
  maxSlope: number
  /** spacing of the inserted points, metres */
  step: number
  /** cap on the displacement, metres (cells on the hull have very long borders) */
  maxOffset?: number
  /** shortest wavelength of the wave, metres: smaller gives a busier border */
  wavelength?: number
  seed: number
}

const MAX_HARMONICS = 40

/** The same key for a border seen from either side. */
export function borderKey(a: Pt, b: Pt): string {
  const forward = a[0] < b[0] || (a[0] === b[0] && a[1] < b[1])
  const [lo, hi] = forward ? [a, b] : [b, a]
  return `${lo[0]},${lo[1]};${hi[0]},${hi[1]}`
}

/**
 * A wave between a and b: points strictly between them. The wave is a
 * sine series over the straight border, zero at both ends, so the polyline
 * never folds back on itself.
 */
export function waveBetween(a: Pt, b: Pt, options: WaveOptions, calm = 1): Pt[] {
  const forward = a[0] < b[0] || (a[0] === b[0] && a[1] < b[1])
  const [lo, hi] = forward ? [a, b] : [b, a]
  const length = distance(lo, hi)
  const n = Math.floor(length / options.step)
  if (n < 2 || options.amplitude * calm === 0) return []
  const rng = new Rng(hashString(borderKey(a, b), options.seed))
  const harmonics = Math.max(
    3,
    Math.min(MAX_HARMONICS, Math.round((2 * length) / (options.wavelength ?? length))),
  )
  const coefficients = Array.from(
    { length: harmonics },
    (_, k) => rng.normal() / Math.pow(k + 1, 1.2),
  )
  const ts = Array.from({ length: n - 1 }, (_, i) => (i + 1) / n)
  const offsets = ts.map((t) =>
    coefficients.reduce((s, c, k) => s + c * Math.sin((k + 1) * Math.PI * t), 0),
  )
  const slopes = [0, ...ts, 1].map((t) =>
    coefficients.reduce(
      (s, c, k) => s + c * (k + 1) * Math.PI * Math.cos((k + 1) * Math.PI * t),
      0,
    ),
  )
  const peak = Math.max(1e-9, ...offsets.map(Math.abs))
  const steepest = Math.max(1e-9, ...slopes.map(Math.abs))
  const reach = Math.min(options.amplitude * length, options.maxOffset ?? Infinity) * calm
  const size = Math.min(
    (reach * rng.uniform(0.5, 1)) / peak,
    (options.maxSlope * calm * length) / steepest,
  )
  const nx = -(hi[1] - lo[1]) / length
  const ny = (hi[0] - lo[0]) / length
  const points = ts.map((t, i): Pt => {
    const off = (offsets[i] ?? 0) * size
    return [lo[0] + (hi[0] - lo[0]) * t + nx * off, lo[1] + (hi[1] - lo[1]) * t + ny * off]
  })
  return forward ? points : points.reverse()
}

/** A closed ring with a wave along each edge; `calm` damps chosen borders. */
export function wavyRing(
  ring: readonly Pt[],
  options: WaveOptions,
  calm?: ReadonlyMap<string, number>,
): Pt[] {
  const out: Pt[] = []
  for (let i = 1; i < ring.length; i++) {
    const a = ring[i - 1] as Pt
    const b = ring[i] as Pt
    out.push(a, ...waveBetween(a, b, options, calm?.get(borderKey(a, b)) ?? 1))
  }
  return closeRing(out)
}

/**
 * Voronoi cells of the seeds. Ghost seeds on a ring around the region keep
 * every real cell finite and its far corners near, so borders stay short.
 */
function voronoiCells(seeds: readonly Pt[], region: readonly Poly[]): Pt[][] {
  const box = boxOf(region.flatMap((p) => p[0] ?? []))
  const cx = (box[0] + box[2]) / 2
  const cy = (box[1] + box[3]) / 2
  const spacing = Math.sqrt(((box[2] - box[0]) * (box[3] - box[1])) / Math.max(1, seeds.length))
  const radius = Math.hypot(box[2] - box[0], box[3] - box[1]) / 2 + spacing
  const count = Math.max(12, Math.ceil((2 * Math.PI * radius) / spacing))
  const ghosts = Array.from({ length: count }, (_, k): Pt => {
    const angle = (k / count) * 2 * Math.PI
    return [cx + radius * Math.cos(angle), cy + radius * Math.sin(angle)]
  })
  const delaunay = Delaunay.from([...seeds, ...ghosts])
  const voronoi = delaunay.voronoi([
    cx - 2 * radius,
    cy - 2 * radius,
    cx + 2 * radius,
    cy + 2 * radius,
  ])
  return seeds.map((_, i) => (voronoi.cellPolygon(i) ?? []) as Pt[])
}

/** Move seeds to the centroids of their cells within the region (Lloyd). */
export function relax(seeds: readonly Pt[], region: readonly Poly[], rounds: number): Pt[] {
  let current = [...seeds]
  for (let r = 0; r < rounds; r++) {
    const cells = voronoiCells(current, region)
    current = current.map((seed, i) => {
      const cell = cells[i] ?? []
      if (cell.length < 4) return seed
      const pieces = intersectPolys([[cell]], region)
      const largest = pieces.sort((p, q) => polyArea(q) - polyArea(p))[0]
      const centre = largest?.[0] ? ringCentroid(largest[0]) : seed
      return region.some((poly) => pointInPoly(centre, poly)) ? centre : seed
    })
  }
  return current
}

/**
 * The region cut into one area per seed, borders waved. Returns the pieces
 * of each cell (usually one). The borders of a cell whose waves make it
 * invalid are damped, halving each time, until every cell is valid.
 */
export function partition(
  region: readonly Poly[],
  seeds: readonly Pt[],
  wave: WaveOptions,
): Poly[][] {
  const cells = voronoiCells(seeds, region)
  const calm = new Map<string, number>()
  let rings = cells.map((cell) => wavyRing(cell, wave, calm))
  for (;;) {
    const bad = rings.flatMap((ring, i) =>
      ring.length >= 4 && invalidReason({ type: 'Polygon', coordinates: [ring] }) ? [i] : [],
    )
    if (bad.length === 0) break
    for (const i of bad) dampBorders(cells[i] ?? [], calm)
    rings = rings.map((ring, i) =>
      bad.includes(i) || touchesDamped(cells[i] ?? [], calm)
        ? wavyRing(cells[i] ?? [], wave, calm)
        : ring,
    )
  }
  return rings.map((ring) => (ring.length < 4 ? [] : intersectPolys([[ring]], region)))
}

function dampBorders(cell: readonly Pt[], calm: Map<string, number>): void {
  for (let i = 1; i < cell.length; i++) {
    const key = borderKey(cell[i - 1] as Pt, cell[i] as Pt)
    const next = (calm.get(key) ?? 1) / 2
    calm.set(key, next < 0.1 ? 0 : next)
  }
}

function touchesDamped(cell: readonly Pt[], calm: ReadonlyMap<string, number>): boolean {
  for (let i = 1; i < cell.length; i++)
    if (calm.has(borderKey(cell[i - 1] as Pt, cell[i] as Pt))) return true
  return false
}

/**
 * Give the stray pieces of split cells to a neighbour they join cleanly, so
 * that (nearly) every cell is a single polygon. Order is fixed: deterministic.
 */
export function absorbFragments(cells: Poly[][]): Poly[][] {
  const result = cells.map((pieces) => [...pieces].sort((p, q) => polyArea(q) - polyArea(p)))
  const strays: { from: number; piece: Poly }[] = []
  result.forEach((pieces, i) => {
    for (const piece of pieces.slice(1)) strays.push({ from: i, piece })
    result[i] = pieces.slice(0, 1)
  })
  for (const { from, piece } of strays) {
    const taker = result.findIndex(
      (pieces, j) => j !== from && pieces.length === 1 && joinsCleanly(pieces, piece),
    )
    const target = taker >= 0 ? taker : from
    const current = result[target] ?? []
    result[target] = taker >= 0 ? unionPolys(current, [piece]) : [...current, piece]
  }
  return result
}

function joinsCleanly(pieces: Poly[], piece: Poly): boolean {
  const near = boxesOverlap(boxOf(pieces.flatMap((p) => p[0] ?? [])), boxOf(piece[0] ?? []))
  if (!near) return false
  const joined = unionPolys(pieces, [piece])
  return joined.length === 1 && joined[0]?.length === 1
}
