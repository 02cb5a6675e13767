// The map's symbols, drawn on a canvas so the style needs no sprite server:
// a parcel's stage in the workflow as a filled share of a ring, a problem as a
// red triangle, and the hatching of 公路建筑控制区. The legend draws the same
// pictures from the same functions.
import { STATUSES } from '../../../server/src/domain/workflow.ts'
import { ZONE_STYLES } from '../../../server/src/domain/zone-classes.ts'
import { hatchImage } from './planning.ts'
import { PROBLEM_RED } from './style.ts'

export const ICON_PIXEL_RATIO = 2
const SIZE = 14 * ICON_PIXEL_RATIO

/** How much of the ring is filled for each stage: registered empty, reused full. */
export function statusShare(status: string): number {
  const index = (STATUSES as readonly string[]).indexOf(status)
  return index < 0 ? 0 : index / (STATUSES.length - 1)
}

function canvas(width: number, height: number): CanvasRenderingContext2D {
  const element = document.createElement('canvas')
  element.width = width
  element.height = height
  return element.getContext('2d')!
}

/** A ring filled clockwise from the top by the stage's share. */
export function drawStatus(status: string, size = SIZE): HTMLCanvasElement {
  const ctx = canvas(size, size)
  const c = size / 2
  const r = size / 2 - size / 10
  ctx.fillStyle = '#ffffff'
  ctx.beginPath()
  ctx.arc(c, c, r, 0, Math.PI * 2)
  ctx.fill()
  const share = statusShare(status)
  if (share > 0) {
    ctx.fillStyle = '#1f3a5f'
    ctx.beginPath()
    ctx.moveTo(c, c)
    ctx.arc(c, c, r, -Math.PI / 2, -Math.PI / 2 + share * Math.PI * 2)
    ctx.closePath()
    ctx.fill()
  }
  ctx.strokeStyle = '#1f3a5f'
  ctx.lineWidth = size / 12
  ctx.beginPath()
  ctx.arc(c, c, r, 0, Math.PI * 2)
  ctx.stroke()
  return ctx.canvas
}

/** A red warning triangle with an exclamation mark. */
export function drawProblem(size = SIZE): HTMLCanvasElement {
  const ctx = canvas(size, size)
  const m = size / 14
  ctx.fillStyle = PROBLEM_RED
  ctx.strokeStyle = '#ffffff'
  ctx.lineWidth = m
  ctx.lineJoin = 'round'
  ctx.beginPath()
  ctx.moveTo(size / 2, m)
  ctx.lineTo(size - m, size - m)
  ctx.lineTo(m, size - m)
  ctx.closePath()
  ctx.fill()
  ctx.stroke()
  ctx.fillStyle = '#ffffff'
  ctx.fillRect(size / 2 - m, size * 0.36, m * 2, size * 0.3)
  ctx.fillRect(size / 2 - m, size * 0.72, m * 2, m * 2)
  return ctx.canvas
}

/** Diagonal lines over a ground colour, repeated as a fill pattern. */
export function drawHatch(color: string, ground: string | null, size = 8 * ICON_PIXEL_RATIO): HTMLCanvasElement {
  const ctx = canvas(size, size)
  if (ground) {
    ctx.fillStyle = ground
    ctx.fillRect(0, 0, size, size)
  }
  ctx.strokeStyle = color
  ctx.lineWidth = ICON_PIXEL_RATIO
  ctx.beginPath()
  // three strokes so the pattern joins seamlessly at the square's edges
  for (const offset of [-size, 0, size]) {
    ctx.moveTo(offset, size)
    ctx.lineTo(offset + size, 0)
  }
  ctx.stroke()
  return ctx.canvas
}

/** The symbols the style names, by image id. */
export function mapIcons(): Map<string, HTMLCanvasElement> {
  const icons = new Map<string, HTMLCanvasElement>()
  for (const status of STATUSES) icons.set(`status-${status}`, drawStatus(status))
  icons.set('problem', drawProblem())
  for (const [zoneClass, style] of Object.entries(ZONE_STYLES)) {
    if (style.hatch) icons.set(hatchImage(zoneClass), drawHatch(style.stroke, style.fill))
  }
  return icons
}
