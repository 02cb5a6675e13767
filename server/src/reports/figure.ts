// The map figure of a dossier or a public notice, drawn by the server as
// vector graphics. Features come in CGCS2000 Gauss-Krüger metres
// (EPSG:4549, CM 120°E: x easting, y northing, the grid north of the
// figure); the figure maps them onto a frame in points, adds a north arrow,
// a scale bar and the CRS, and two renderers draw the same figure into a
// PDF (pdfkit) or an SVG (the public page).
import type { Geometry, Position } from 'geojson'
import { CATEGORIES, categoryByCode } from '../domain/categories.ts'
import { ZONE_CLASS_NAMES } from '../checks/kinds.ts'
import type { Pdf } from './pdf.ts'

export interface Rect {
  x: number
  y: number
  width: number
  height: number
}

/** A box in EPSG:4549 metres. */
export interface Extent {
  minX: number
  minY: number
  maxX: number
  maxY: number
}

export interface Style {
  fill?: string
  fillOpacity?: number
  stroke?: string
  strokeWidth?: number
  dash?: readonly number[]
  /** diagonal hatching in this colour, clipped to the area */
  hatch?: string
}

export interface Shape {
  /** closed rings (areas, even-odd) or open lines, in points */
  kind: 'area' | 'line'
  paths: [number, number][][]
  style: Style
}

export interface Label {
  x: number
  y: number
  text: string
  size: number
  color: string
}

export interface LegendItem {
  label: string
  style: Style
  kind: 'area' | 'line'
}

export interface Figure {
  frame: Rect
  shapes: Shape[]
  labels: Label[]
  north: { x: number; y: number; size: number }
  scaleBar: { x: number; y: number; length: number; metres: number }
  /** the map scale as 1:n on the printed page */
  scale: number
  crs: string
  legend: LegendItem[]
}

export const CRS_TEXT = 'CGCS2000 / 3° Gauss-Krüger CM 120°E (EPSG:4549)，坐标单位：米'

/** A feature to draw, its geometry in EPSG:4549 metres. */
export interface MapFeature {
  layer: 'zone' | 'village' | 'parcel' | 'subject' | 'finding'
  class: string | null
  category: string | null
  code: string | null
  /** road land width for roads, m */
  width_m: number | null
  geometry: Geometry
}

// Zone fills are pale, so the category colours of the parcels stand out.
const ZONE_STYLES: Record<string, Style> = {
  basic_farmland: { fill: '#f4ecb0', stroke: '#c2a800', strokeWidth: 0.5 },
  ecological_redline: { fill: '#f6cfcf', stroke: '#c0392b', strokeWidth: 0.6, dash: [3, 2] },
  urban_boundary: { stroke: '#7b8794', strokeWidth: 0.8, dash: [5, 3] },
  village_construction: { fill: '#f1e1cd', stroke: '#b08a5a', strokeWidth: 0.4 },
  river_area: { fill: '#d3e9fa', stroke: '#5b9bd5', strokeWidth: 0.5 },
  road_control: { fill: '#efefef', stroke: '#b9b9b9', strokeWidth: 0.4, dash: [2, 2] },
  sea_area: { fill: '#bcdcf2', stroke: '#5b9bd5', strokeWidth: 0.4 },
}
const OTHER_ZONE: Style = { fill: '#ececec', stroke: '#bdbdbd', strokeWidth: 0.4 }
const ROAD: Style = { stroke: '#a0a0a0' }
const RIVER: Style = { stroke: '#3f83c6', strokeWidth: 1.4 }
const VILLAGE_LINE: Style = { stroke: '#6b4f9a', strokeWidth: 0.8, dash: [6, 2, 1.5, 2] }
const FINDING: Style = { hatch: '#c0392b', stroke: '#c0392b', strokeWidth: 0.8 }
const UNKNOWN_CATEGORY = '#9e9e9e'

export function categoryColor(code: string | null): string {
  return (code && categoryByCode(code)?.color) || UNKNOWN_CATEGORY
}

/** The extent around a parcel: its box grown by `pad` of its size (at least `minPad` m), shaped like the frame. */
export function extentAround(box: Extent, frame: Rect, pad = 0.6, minPad = 60): Extent {
  const cx = (box.minX + box.maxX) / 2
  const cy = (box.minY + box.maxY) / 2
  let half = {
    x: (box.maxX - box.minX) / 2 + Math.max(minPad, (box.maxX - box.minX) * pad),
    y: (box.maxY - box.minY) / 2 + Math.max(minPad, (box.maxY - box.minY) * pad),
  }
  const aspect = frame.width / frame.height
  half = half.x / half.y > aspect ? { x: half.x, y: half.x / aspect } : { x: half.y * aspect, y: half.y }
  return { minX: cx - half.x, minY: cy - half.y, maxX: cx + half.x, maxY: cy + half.y }
}

/** 1, 2 or 5 × 10ⁿ metres, the longest not over `max`. */
export function niceLength(max: number): number {
  const power = 10 ** Math.floor(Math.log10(max))
  return [5, 2, 1].map((m) => m * power).find((l) => l <= max) ?? power
}

/** 1 pt = 25.4 / 72 mm; at k pt per ground metre the scale 1:n has n = 1000 mm / (k × 0.3528 mm). */
const MM_PER_PT = 25.4 / 72

export function buildFigure(frame: Rect, extent: Extent, features: readonly MapFeature[], subjectLabel: string | null): Figure {
  const ptPerM = frame.width / (extent.maxX - extent.minX)
  const toPage = ([x, y]: Position): [number, number] => [
    frame.x + (x! - extent.minX) * ptPerM,
    frame.y + (extent.maxY - y!) * ptPerM,
  ]
  const order = ['zone', 'village', 'parcel', 'subject', 'finding'] as const
  const sorted = [...features].sort((a, b) => order.indexOf(a.layer) - order.indexOf(b.layer) || lineLast(a) - lineLast(b))
  const subjects = features.filter((f) => f.layer === 'subject').length
  const shapes = sorted.flatMap((f) => shapesOf(f, toPage, ptPerM, subjects))
  const subject = features.find((f) => f.layer === 'subject')
  const labels: Label[] = []
  if (subject && subjectLabel) {
    const [x, y] = toPage(centre(subject.geometry))
    labels.push({ x, y, text: subjectLabel, size: 8, color: '#111111' })
  }
  const metres = niceLength((frame.width / 4) / ptPerM)
  return {
    frame,
    shapes,
    labels,
    north: { x: frame.x + frame.width - 24, y: frame.y + 10, size: 28 },
    scaleBar: { x: frame.x + 10, y: frame.y + frame.height - 14, length: metres * ptPerM, metres },
    scale: Math.round(1000 / (ptPerM * MM_PER_PT)),
    crs: CRS_TEXT,
    legend: legendOf(features),
  }
}

/** Lines (roads, rivers) above the areas of the same layer. */
function lineLast(f: MapFeature): number {
  return /LineString/.test(f.geometry.type) ? 1 : 0
}

function styleOf(f: MapFeature, ptPerM: number, subjects: number): Style {
  switch (f.layer) {
    case 'subject':
      // one parcel gets a heavy outline; the many small ones of a notice a thin one in their colour
      return subjects === 1
        ? { fill: categoryColor(f.category), fillOpacity: 1, stroke: '#111111', strokeWidth: 1.4 }
        : { fill: categoryColor(f.category), fillOpacity: 1, stroke: categoryColor(f.category), strokeWidth: 1.2 }
    case 'parcel':
      return { fill: categoryColor(f.category), fillOpacity: 0.45, stroke: categoryColor(f.category), strokeWidth: 0.6 }
    case 'finding':
      return FINDING
    case 'village':
      return VILLAGE_LINE
    case 'zone':
      if (f.class === 'road') return { ...ROAD, strokeWidth: Math.max(0.8, (f.width_m ?? 6) * ptPerM) }
      if (f.class === 'river') return RIVER
      return ZONE_STYLES[f.class ?? ''] ?? OTHER_ZONE
  }
}

function shapesOf(f: MapFeature, toPage: (p: Position) => [number, number], ptPerM: number, subjects: number): Shape[] {
  const style = styleOf(f, ptPerM, subjects)
  const areas: Position[][][] = []
  const lines: Position[][] = []
  collect(f.geometry, areas, lines)
  const shapes: Shape[] = []
  if (areas.length) shapes.push({ kind: 'area', paths: areas.flat().map((ring) => ring.map(toPage)), style })
  if (lines.length) shapes.push({ kind: 'line', paths: lines.map((line) => line.map(toPage)), style })
  return shapes
}

function collect(g: Geometry, areas: Position[][][], lines: Position[][]): void {
  switch (g.type) {
    case 'Polygon':
      areas.push(g.coordinates)
      break
    case 'MultiPolygon':
      areas.push(...g.coordinates)
      break
    case 'LineString':
      lines.push(g.coordinates)
      break
    case 'MultiLineString':
      lines.push(...g.coordinates)
      break
    case 'GeometryCollection':
      for (const part of g.geometries) collect(part, areas, lines)
      break
    default:
      break
  }
}

/** The middle of a geometry's box, where its label goes. */
function centre(g: Geometry): Position {
  const xs: number[] = []
  const ys: number[] = []
  const areas: Position[][][] = []
  const lines: Position[][] = []
  collect(g, areas, lines)
  for (const p of [...areas.flat(2), ...lines.flat()]) {
    xs.push(p[0]!)
    ys.push(p[1]!)
  }
  return [(Math.min(...xs) + Math.max(...xs)) / 2, (Math.min(...ys) + Math.max(...ys)) / 2]
}

function legendOf(features: readonly MapFeature[]): LegendItem[] {
  const items: LegendItem[] = []
  const subjects = features.filter((f) => f.layer === 'subject')
  const name = (f: MapFeature) => categoryByCode(f.category ?? '')?.zh ?? '地块'
  if (subjects.length === 1) items.push({ label: `本地块（${name(subjects[0]!)}）`, kind: 'area', style: styleOf(subjects[0]!, 1, 1) })
  // a notice lists many parcels: one entry per category, in the order of the plan
  if (subjects.length > 1) {
    for (const category of CATEGORIES.filter((c) => subjects.some((f) => f.category === c.code))) {
      items.push({ label: category.zh, kind: 'area', style: styleOf(subjects.find((f) => f.category === category.code)!, 1, 2) })
    }
  }
  if (features.some((f) => f.layer === 'parcel')) items.push({ label: '相邻地块', kind: 'area', style: { fill: '#bbbbbb', fillOpacity: 0.45, stroke: '#888888', strokeWidth: 0.6 } })
  if (features.some((f) => f.layer === 'finding')) items.push({ label: '重叠/侵占部分', kind: 'area', style: FINDING })
  if (features.some((f) => f.layer === 'village')) items.push({ label: '村界', kind: 'line', style: VILLAGE_LINE })
  const classes = [...new Set(features.filter((f) => f.layer === 'zone').map((f) => f.class ?? ''))].sort()
  for (const c of classes) {
    if (c === 'road') items.push({ label: '道路', kind: 'line', style: { ...ROAD, strokeWidth: 3 } })
    else if (c === 'river') items.push({ label: '河流', kind: 'line', style: RIVER })
    else items.push({ label: ZONE_CLASS_NAMES[c]?.zh ?? c, kind: 'area', style: ZONE_STYLES[c] ?? OTHER_ZONE })
  }
  return items
}

// PDF ------------------------------------------------------------------------

function tracePdf(doc: Pdf, shape: Shape): void {
  for (const path of shape.paths) {
    path.forEach(([x, y], i) => (i === 0 ? doc.moveTo(x, y) : doc.lineTo(x, y)))
    if (shape.kind === 'area') doc.closePath()
  }
}

function strokePdf(doc: Pdf, style: Style): void {
  doc.lineWidth(style.strokeWidth ?? 0.6).strokeColor(style.stroke!)
  if (style.dash) doc.dash(style.dash[0]!, { space: style.dash[1] ?? style.dash[0]! })
  else doc.undash()
  doc.stroke()
  doc.undash()
}

function hatchPdf(doc: Pdf, shape: Shape, color: string, frame: Rect): void {
  doc.save()
  tracePdf(doc, shape)
  doc.clip('even-odd')
  doc.lineWidth(0.7).strokeColor(color)
  for (let d = -frame.height; d < frame.width; d += 4) {
    doc.moveTo(frame.x + d, frame.y + frame.height).lineTo(frame.x + d + frame.height, frame.y)
  }
  doc.stroke()
  doc.restore()
}

function drawShapePdf(doc: Pdf, shape: Shape, frame: Rect): void {
  const { style } = shape
  if (shape.kind === 'area' && style.fill) {
    tracePdf(doc, shape)
    doc.fillOpacity(style.fillOpacity ?? 1).fillColor(style.fill).fill('even-odd')
    doc.fillOpacity(1)
  }
  if (shape.kind === 'area' && style.hatch) hatchPdf(doc, shape, style.hatch, frame)
  if (style.stroke) {
    tracePdf(doc, shape)
    if (shape.kind === 'line') doc.lineCap('round').lineJoin('round')
    strokePdf(doc, style)
    doc.lineCap('butt').lineJoin('miter')
  }
}

/** Draws the figure into the PDF at its frame, and its legend below it; returns the y below the legend. */
export function drawFigurePdf(doc: Pdf, figure: Figure): number {
  const { frame } = figure
  doc.save()
  doc.rect(frame.x, frame.y, frame.width, frame.height).fill('#ffffff')
  doc.rect(frame.x, frame.y, frame.width, frame.height).clip()
  for (const shape of figure.shapes) drawShapePdf(doc, shape, frame)
  for (const label of figure.labels) {
    doc.font('cjk-bold').fontSize(label.size)
    const width = doc.widthOfString(label.text)
    doc.rect(label.x - width / 2 - 2, label.y - label.size / 2 - 2, width + 4, label.size + 4).fillOpacity(0.8).fill('#ffffff')
    doc.fillOpacity(1).fillColor(label.color).text(label.text, label.x - width / 2, label.y - label.size / 2 - 1, { lineBreak: false })
  }
  doc.restore()
  drawNorthPdf(doc, figure.north)
  drawScaleBarPdf(doc, figure)
  doc.rect(frame.x, frame.y, frame.width, frame.height).lineWidth(0.8).strokeColor('#333333').stroke()
  doc.font('cjk').fontSize(7).fillColor('#333333')
  doc.text(`${figure.crs}    比例尺 1:${figure.scale.toLocaleString('en-US')}`, frame.x, frame.y + frame.height + 3, { width: frame.width, align: 'right', lineBreak: false })
  return drawLegendPdf(doc, figure.legend, frame.x, frame.y + frame.height + 14, frame.width)
}

function drawNorthPdf(doc: Pdf, n: Figure['north']): void {
  const { x, y, size } = n
  doc.save()
  doc.polygon([x, y + 8], [x + size * 0.22, y + size], [x, y + size * 0.78]).fill('#111111')
  doc.polygon([x, y + 8], [x - size * 0.22, y + size], [x, y + size * 0.78]).lineWidth(0.6).fillAndStroke('#ffffff', '#111111')
  doc.font('cjk-bold').fontSize(9).fillColor('#111111').text('北', x - 4.5, y - 4, { lineBreak: false })
  doc.restore()
}

function drawScaleBarPdf(doc: Pdf, figure: Figure): void {
  const { x, y, length, metres } = figure.scaleBar
  doc.save()
  doc.rect(x - 4, y - 12, length + 40, 18).fillOpacity(0.85).fill('#ffffff').fillOpacity(1)
  doc.rect(x, y, length / 2, 3).fill('#111111')
  doc.rect(x + length / 2, y, length / 2, 3).lineWidth(0.5).fillAndStroke('#ffffff', '#111111')
  doc.font('cjk').fontSize(7).fillColor('#111111')
  doc.text('0', x - 2, y - 9, { lineBreak: false })
  doc.text(`${metres} 米`, x + length - 6, y - 9, { lineBreak: false })
  doc.restore()
}

function drawLegendPdf(doc: Pdf, items: readonly LegendItem[], x0: number, y0: number, width: number): number {
  let x = x0
  let y = y0
  doc.font('cjk').fontSize(7.5)
  for (const item of items) {
    const w = 22 + doc.widthOfString(item.label) + 12
    if (x + w > x0 + width) {
      x = x0
      y += 13
    }
    const swatch: Shape =
      item.kind === 'area'
        ? { kind: 'area', paths: [[[x, y], [x + 16, y], [x + 16, y + 9], [x, y + 9]]], style: item.style }
        : { kind: 'line', paths: [[[x, y + 4.5], [x + 16, y + 4.5]]], style: { ...item.style, strokeWidth: Math.min(item.style.strokeWidth ?? 1, 4) } }
    drawShapePdf(doc, swatch, { x, y, width: 16, height: 9 })
    doc.font('cjk').fontSize(7.5).fillColor('#1a202c').text(item.label, x + 20, y, { lineBreak: false })
    x += w
  }
  return y + 16
}

// SVG ------------------------------------------------------------------------

const esc = (text: string) => text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!)

function svgPath(shape: Shape): string {
  return shape.paths
    .map((path) => path.map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${x.toFixed(1)} ${y.toFixed(1)}`).join('') + (shape.kind === 'area' ? 'Z' : ''))
    .join('')
}

function svgShape(shape: Shape): string {
  const s = shape.style
  const parts: string[] = []
  const d = svgPath(shape)
  if (shape.kind === 'area' && s.fill) parts.push(`<path d="${d}" fill="${s.fill}" fill-opacity="${s.fillOpacity ?? 1}" fill-rule="evenodd"/>`)
  if (shape.kind === 'area' && s.hatch) parts.push(`<path d="${d}" fill="url(#hatch)" fill-rule="evenodd"/>`)
  if (s.stroke) {
    const dash = s.dash ? ` stroke-dasharray="${s.dash.join(' ')}"` : ''
    parts.push(`<path d="${d}" fill="none" stroke="${s.stroke}" stroke-width="${s.strokeWidth ?? 0.6}" stroke-linecap="round" stroke-linejoin="round"${dash}/>`)
  }
  return parts.join('')
}

/** The figure as a standalone SVG (its frame moved to 0,0), for the public page. */
export function figureSvg(figure: Figure): string {
  const { frame } = figure
  const { x, y, size } = figure.north
  const bar = figure.scaleBar
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="${frame.x} ${frame.y} ${frame.width} ${frame.height + 14}" role="img" aria-label="地块位置图">`,
    '<defs><pattern id="hatch" width="4" height="4" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><line x1="0" y1="0" x2="0" y2="4" stroke="#c0392b" stroke-width="1"/></pattern>',
    `<clipPath id="frame"><rect x="${frame.x}" y="${frame.y}" width="${frame.width}" height="${frame.height}"/></clipPath></defs>`,
    `<rect x="${frame.x}" y="${frame.y}" width="${frame.width}" height="${frame.height}" fill="#fff"/>`,
    `<g clip-path="url(#frame)">${figure.shapes.map(svgShape).join('')}`,
    figure.labels.map((l) => `<text x="${l.x}" y="${l.y}" font-size="${l.size}" text-anchor="middle" dominant-baseline="middle" fill="${l.color}" stroke="#fff" stroke-width="2" paint-order="stroke">${esc(l.text)}</text>`).join(''),
    '</g>',
    `<polygon points="${x},${y + 8} ${x + size * 0.22},${y + size} ${x},${y + size * 0.78}" fill="#111"/>`,
    `<polygon points="${x},${y + 8} ${x - size * 0.22},${y + size} ${x},${y + size * 0.78}" fill="#fff" stroke="#111" stroke-width="0.6"/>`,
    `<text x="${x}" y="${y + 4}" font-size="9" text-anchor="middle">北</text>`,
    `<rect x="${bar.x}" y="${bar.y}" width="${bar.length / 2}" height="3" fill="#111"/>`,
    `<rect x="${bar.x + bar.length / 2}" y="${bar.y}" width="${bar.length / 2}" height="3" fill="#fff" stroke="#111" stroke-width="0.5"/>`,
    `<text x="${bar.x}" y="${bar.y - 2}" font-size="7">0</text><text x="${bar.x + bar.length}" y="${bar.y - 2}" font-size="7" text-anchor="middle">${bar.metres} 米</text>`,
    `<rect x="${frame.x}" y="${frame.y}" width="${frame.width}" height="${frame.height}" fill="none" stroke="#333" stroke-width="0.8"/>`,
    `<text x="${frame.x + frame.width}" y="${frame.y + frame.height + 10}" font-size="7" text-anchor="end">${esc(figure.crs)}</text>`,
    '</svg>',
  ].join('')
}
