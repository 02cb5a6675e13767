// Shapefile polygon records (shape type 5) straight from PostGIS WKB, for
// the streaming export: every ring of every polygon becomes one part.
// Ring order and orientation are the database's: the export query asks
// for ST_ForcePolygonCW, which gives exactly the Shapefile convention
// (outer rings clockwise, holes counter-clockwise). Record layout from the
// ESRI Shapefile Technical Description (1998), all little-endian.

export type Box = [number, number, number, number]

export const SHAPE_NULL = 0
export const SHAPE_POLYGON = 5

const WKB_POLYGON = 3
const WKB_MULTIPOLYGON = 6
// shape type, box, part count, point count
const POLYGON_HEAD = 44

/** Where one ring's points lie in the WKB: 16 bytes a point, x then y. */
interface RingRef {
  at: number
  count: number
  little: boolean
}

/** The rings of a 2-D WKB Polygon or MultiPolygon, in order. */
export function wkbRings(wkb: Uint8Array): RingRef[] {
  const view = new DataView(wkb.buffer, wkb.byteOffset, wkb.byteLength)
  const rings: RingRef[] = []
  let at = 0
  const geometry = (): void => {
    const little = view.getUint8(at) === 1
    const type = view.getUint32(at + 1, little)
    at += 5
    const count = view.getUint32(at, little)
    at += 4
    if (type === WKB_MULTIPOLYGON) {
      for (let i = 0; i < count; i++) geometry()
    } else if (type === WKB_POLYGON) {
      for (let i = 0; i < count; i++) {
        const points = view.getUint32(at, little)
        rings.push({ at: at + 4, count: points, little })
        at += 4 + 16 * points
      }
    } else {
      throw new Error(`WKB geometry type ${type} is not a 2-D Polygon or MultiPolygon`)
    }
  }
  geometry()
  return rings
}

export interface ShapeRecord {
  /** the record contents, without the 8-byte record header */
  content: Uint8Array
  /** null for a record without a shape */
  box: Box | null
}

/** The polygon record of a WKB geometry; a null shape when it has no rings. */
export function polygonRecord(wkb: Uint8Array): ShapeRecord {
  const rings = wkbRings(wkb)
  if (rings.length === 0) return nullRecord()
  const points = rings.reduce((n, r) => n + r.count, 0)
  const content = new Uint8Array(POLYGON_HEAD + 4 * rings.length + 16 * points)
  const view = new DataView(content.buffer)
  view.setInt32(0, SHAPE_POLYGON, true)
  view.setInt32(36, rings.length, true)
  view.setInt32(40, points, true)
  let index = 0
  let out = POLYGON_HEAD + 4 * rings.length
  rings.forEach((ring, i) => {
    view.setInt32(POLYGON_HEAD + 4 * i, index, true)
    copyPoints(wkb, ring, content, out)
    index += ring.count
    out += 16 * ring.count
  })
  const box = pointsBox(view, POLYGON_HEAD + 4 * rings.length, points)
  box.forEach((v, i) => view.setFloat64(4 + 8 * i, v, true))
  return { content, box }
}

function nullRecord(): ShapeRecord {
  const content = new Uint8Array(4)
  new DataView(content.buffer).setInt32(0, SHAPE_NULL, true)
  return { content, box: null }
}

/** Little-endian WKB doubles are the Shapefile's bytes already; big-endian ones are swapped. */
function copyPoints(wkb: Uint8Array, ring: RingRef, content: Uint8Array, out: number): void {
  const bytes = wkb.subarray(ring.at, ring.at + 16 * ring.count)
  if (ring.little) {
    content.set(bytes, out)
    return
  }
  const from = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const to = new DataView(content.buffer, out, bytes.byteLength)
  for (let i = 0; i < 2 * ring.count; i++) to.setFloat64(8 * i, from.getFloat64(8 * i, false), true)
}

function pointsBox(view: DataView, at: number, count: number): Box {
  const box: Box = [Infinity, Infinity, -Infinity, -Infinity]
  for (let i = 0; i < count; i++) {
    const x = view.getFloat64(at + 16 * i, true)
    const y = view.getFloat64(at + 16 * i + 8, true)
    if (x < box[0]) box[0] = x
    if (y < box[1]) box[1] = y
    if (x > box[2]) box[2] = x
    if (y > box[3]) box[3] = y
  }
  return box
}

/** The union of two boxes; either may be null (no shape yet). */
export function unionBox(a: Box | null, b: Box | null): Box | null {
  if (!a) return b
  if (!b) return a
  return [Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[2], b[2]), Math.max(a[3], b[3])]
}
