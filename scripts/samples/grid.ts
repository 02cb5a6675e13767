// A uniform grid over bounding boxes: the spatial index for placing
// thousands of parcels one by one (insert and query interleave, which a
// static index such as flatbush does not allow).
import { boxesOverlap, type Box } from './geometry.ts'

interface Entry<T> {
  box: Box
  item: T
}

export class BoxGrid<T> {
  private readonly cells = new Map<string, Entry<T>[]>()

  constructor(private readonly cellSize: number) {}

  private range(box: Box): [number, number, number, number] {
    const s = this.cellSize
    return [
      Math.floor(box[0] / s),
      Math.floor(box[1] / s),
      Math.floor(box[2] / s),
      Math.floor(box[3] / s),
    ]
  }

  insert(box: Box, item: T): void {
    const entry = { box, item }
    const [x0, y0, x1, y1] = this.range(box)
    for (let x = x0; x <= x1; x++) {
      for (let y = y0; y <= y1; y++) {
        const key = `${x},${y}`
        const list = this.cells.get(key)
        if (list) list.push(entry)
        else this.cells.set(key, [entry])
      }
    }
  }

  /** Items whose boxes overlap `box`, each once, in insertion order per cell. */
  query(box: Box): T[] {
    const seen = new Set<Entry<T>>()
    const out: T[] = []
    const [x0, y0, x1, y1] = this.range(box)
    for (let x = x0; x <= x1; x++) {
      for (let y = y0; y <= y1; y++) {
        for (const entry of this.cells.get(`${x},${y}`) ?? []) {
          if (seen.has(entry) || !boxesOverlap(entry.box, box)) continue
          seen.add(entry)
          out.push(entry.item)
        }
      }
    }
    return out
  }
}
