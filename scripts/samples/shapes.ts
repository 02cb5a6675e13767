// Parcel outlines in metres, centred on the origin with the long side
// along x, counter-clockwise, scaled to a target area. Every kind is simple
// by construction (convex, an L, or star-shaped about the origin).
import type { ShapeKind } from './catalog.ts'
import { segmentsIntersect, signedArea, type Pt } from './geometry.ts'
import type { Rng } from './prng.ts'

export function parcelShape(kind: ShapeKind, areaM2: number, aspect: number, rng: Rng): Pt[] {
  const raw = RAW[kind](aspect, rng)
  const scale = Math.sqrt(areaM2 / Math.abs(signedArea([...raw, raw[0] as Pt])))
  return raw.map(([x, y]) => [x * scale, y * scale])
}

// unit shapes: length `aspect` along x, width 1 along y
const RAW: Readonly<Record<ShapeKind, (aspect: number, rng: Rng) => Pt[]>> = {
  rect: (l) => box(l, 1),
  trapezoid: (l, rng) => {
    const top = l * rng.uniform(0.55, 0.9)
    const shift = rng.uniform(-0.15, 0.15) * l
    return [
      [-l / 2, -0.5],
      [l / 2, -0.5],
      [top / 2 + shift, 0.5],
      [-top / 2 + shift, 0.5],
    ]
  },
  L: (l, rng) => {
    const a = rng.uniform(0.3, 0.55) * l
    const b = rng.uniform(0.3, 0.55)
    return [
      [-l / 2, -0.5],
      [l / 2, -0.5],
      [l / 2, 0.5 - b],
      [l / 2 - a, 0.5 - b],
      [l / 2 - a, 0.5],
      [-l / 2, 0.5],
    ]
  },
  quad: (l, rng) =>
    box(l, 1).map(([x, y]) => [x + rng.uniform(-0.12, 0.12) * l, y + rng.uniform(-0.12, 0.12)]),
  pentagon: (l, rng) => {
    const cut = rng.uniform(0.2, 0.4)
    const pts: Pt[] = [
      [-l / 2, -0.5],
      [l / 2, -0.5],
      [l / 2, 0.5 - cut],
      [l / 2 - cut * l, 0.5],
      [-l / 2, 0.5],
    ]
    return pts.map(([x, y]) => [x + rng.uniform(-0.05, 0.05) * l, y + rng.uniform(-0.05, 0.05)])
  },
  many: (l, rng) => {
    const n = rng.int(8, 14)
    return Array.from({ length: n }, (_, i): Pt => {
      const t = ((i + rng.uniform(-0.3, 0.3)) / n) * 2 * Math.PI
      const r = rng.uniform(0.8, 1.2)
      return [(r * Math.cos(t) * l) / 2, (r * Math.sin(t)) / 2]
    })
  },
}

function box(l: number, w: number): Pt[] {
  return [
    [-l / 2, -w / 2],
    [l / 2, -w / 2],
    [l / 2, w / 2],
    [-l / 2, w / 2],
  ]
}

/** No two non-adjacent edges touch: a cheap simplicity test for small rings. */
export function isSimpleRing(ring: readonly Pt[]): boolean {
  const n = ring.length - 1
  for (let i = 0; i < n; i++) {
    for (let j = i + 2; j < n; j++) {
      if (i === 0 && j === n - 1) continue
      if (segmentsIntersect(ring[i] as Pt, ring[i + 1] as Pt, ring[j] as Pt, ring[j + 1] as Pt))
        return false
    }
  }
  return true
}
