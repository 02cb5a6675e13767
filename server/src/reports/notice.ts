// The public notice (公示) of a village's ledger: posted for 5 working days
// after the members' meeting approves it, with where to send objections
// and a QR code that opens a public, read-only page of the same parcels.
// A notice keeps a snapshot of what it lists, so the public page shows
// exactly what was posted, and nothing more, however the parcels change.
import { randomBytes } from 'node:crypto'
import type { Feature, MultiPolygon } from 'geojson'
import QRCode from 'qrcode'
import type { Queryable } from '../db/db.ts'
import { reprojectCoordinates } from '../geo/crs.ts'
import { m2ToMu } from '../geo/extent.ts'
import { calendarFrom } from './calendar.ts'
import { buildFigure, categoryColor, drawFigurePdf, figureSvg, type Extent, type Figure, type MapFeature, type Rect } from './figure.ts'
import { fourSides, fourSidesText } from './four-sides.ts'
import { categoryText, chineseDate, fixed2 } from './format.ts'
import { footers, heading, newPdf, PAGE, paragraph, table, title, type Pdf } from './pdf.ts'
import { sql } from './sql.ts'
import { NOTICE_WORKING_DAYS, noticeEndDate } from './working-days.ts'

/** One listed parcel, as the notice prints it and the public page shows it. */
export interface NoticeParcel {
  code: string
  name: string
  category: string
  category_name: string
  subtype: string | null
  location: string | null
  ownership: string | null
  area_mu: number
  area_m2: number
  four_sides: string
  /** EPSG:4490 */
  geometry: MultiPolygon
}

export interface Notice {
  id: number
  token: string
  town: string
  town_name: string
  village: string
  village_name: string
  posted_on: string
  ends_on: string
  working_days: number
  objections_to: string
  parcels: NoticeParcel[]
  created_at: string
  withdrawn_at: string | null
}

const NOTICE_COLUMNS = `n.id, n.token, n.town, t.name AS town_name, n.village, v.name AS village_name,
  to_char(n.posted_on, 'YYYY-MM-DD') AS posted_on, to_char(n.ends_on, 'YYYY-MM-DD') AS ends_on,
  n.working_days, n.objections_to, n.parcels, n.created_at, n.withdrawn_at`

const NOTICE_FROM = 'notices n JOIN towns t ON t.code = n.town JOIN villages v ON v.code = n.village'

interface ParcelRow {
  id: number
  code: string
  name: string
  category: string
  subtype: string | null
  location: string | null
  ownership: string | null
  area_m2: number
  geometry: string
}

/** Creates the notice of a village posted on `postedOn`, ending after 5 working days of the calendar. */
export async function createNotice(
  db: Queryable,
  village: { code: string; town: string },
  postedOn: string,
  objectionsTo: string,
  userId: number,
): Promise<Notice> {
  const endsOn = noticeEndDate(postedOn, NOTICE_WORKING_DAYS, await calendarFrom(db, postedOn))
  const { rows } = await db.query<ParcelRow>(sql('notice-parcels'), [village.code])
  const sides = await fourSides(db, rows.map((r) => r.id))
  const parcels: NoticeParcel[] = rows.map((r) => ({
    code: r.code,
    name: r.name,
    category: r.category,
    category_name: categoryText(r.category),
    subtype: r.subtype,
    location: r.location,
    ownership: r.ownership,
    area_mu: Number(m2ToMu(r.area_m2).toFixed(2)),
    area_m2: Number(r.area_m2.toFixed(2)),
    four_sides: fourSidesText(sides.get(r.id)!),
    geometry: JSON.parse(r.geometry) as MultiPolygon,
  }))
  // 24 random bytes: the public address cannot be guessed from another one
  const token = randomBytes(24).toString('base64url')
  const { rows: created } = await db.query<{ id: number }>(
    `INSERT INTO notices (token, town, village, posted_on, ends_on, working_days, objections_to, parcels, created_by)
     VALUES ($1, $2, $3, $4::date, $5::date, $6, $7, $8::jsonb, $9) RETURNING id`,
    [token, village.town, village.code, postedOn, endsOn, NOTICE_WORKING_DAYS, objectionsTo, JSON.stringify(parcels), userId],
  )
  return (await readNotice(db, { id: created[0]!.id }))!
}

export async function readNotice(db: Queryable, key: { id: number } | { token: string }): Promise<Notice | undefined> {
  const [condition, value] = 'id' in key ? ['n.id = $1', key.id] : ['n.token = $1 AND n.withdrawn_at IS NULL', key.token]
  const { rows } = await db.query<Notice & { created_at: Date | string; withdrawn_at: Date | string | null }>(
    `SELECT ${NOTICE_COLUMNS} FROM ${NOTICE_FROM} WHERE ${condition}`,
    [value],
  )
  const row = rows[0]
  return row && {
    ...row,
    created_at: new Date(row.created_at).toISOString(),
    withdrawn_at: row.withdrawn_at === null ? null : new Date(row.withdrawn_at).toISOString(),
  }
}

/** A village's notices, newest first, without their parcel lists. */
export async function villageNotices(db: Queryable, village: string) {
  const { rows } = await db.query<{
    id: number; posted_on: string; ends_on: string; working_days: number; parcel_count: number
    withdrawn_at: Date | string | null; created_at: Date | string
  }>(
    `SELECT n.id, to_char(n.posted_on, 'YYYY-MM-DD') AS posted_on, to_char(n.ends_on, 'YYYY-MM-DD') AS ends_on,
            n.working_days, jsonb_array_length(n.parcels)::int AS parcel_count, n.withdrawn_at, n.created_at
     FROM notices n WHERE n.village = $1 ORDER BY n.posted_on DESC, n.id DESC`,
    [village],
  )
  return rows.map((row) => ({
    ...row,
    withdrawn_at: row.withdrawn_at === null ? null : new Date(row.withdrawn_at).toISOString(),
    created_at: new Date(row.created_at).toISOString(),
    notice_pdf: `/api/notices/${row.id}/notice.pdf`,
  }))
}

export async function withdrawNotice(db: Queryable, id: number): Promise<void> {
  await db.query('UPDATE notices SET withdrawn_at = coalesce(withdrawn_at, now()) WHERE id = $1', [id])
}

/** The notice as the API gives it to staff: everything, with the public address. */
export function noticeJson(notice: Notice, publicUrl: string) {
  const { token: _token, ...rest } = notice
  return { ...rest, public_url: publicUrl }
}

/** What the public page may show: exactly the notice's content, no ids or tokens. */
export function publicNoticeJson(notice: Notice) {
  return {
    town_name: notice.town_name,
    village_name: notice.village_name,
    posted_on: notice.posted_on,
    ends_on: notice.ends_on,
    working_days: notice.working_days,
    objections_to: notice.objections_to,
    type: 'FeatureCollection' as const,
    features: notice.parcels.map(({ geometry, ...properties }): Feature<MultiPolygon> => ({ type: 'Feature', geometry, properties })),
  }
}

export function noticeTitle(notice: Notice): string {
  return `${notice.town_name}${notice.village_name}农村公共资源排查结果公示`
}

/** The map of the listed parcels in EPSG:4549 metres; only what the notice lists. */
export function noticeFigure(notice: Notice, frame: Rect): Figure | null {
  if (notice.parcels.length === 0) return null
  const features: MapFeature[] = notice.parcels.map((p) => ({
    layer: 'subject',
    class: null,
    category: p.category,
    code: p.code,
    width_m: null,
    geometry: { type: 'MultiPolygon', coordinates: reprojectCoordinates(p.geometry.coordinates, 4490, 4549) },
  }))
  const xs: number[] = []
  const ys: number[] = []
  for (const f of features) for (const [x, y] of (f.geometry as MultiPolygon).coordinates.flat(2)) xs.push(x!), ys.push(y!)
  const box: Extent = { minX: Math.min(...xs), minY: Math.min(...ys), maxX: Math.max(...xs), maxY: Math.max(...ys) }
  const pad = Math.max(box.maxX - box.minX, box.maxY - box.minY) * 0.08 + 30
  const extent = fit({ minX: box.minX - pad, minY: box.minY - pad, maxX: box.maxX + pad, maxY: box.maxY + pad }, frame)
  return buildFigure(frame, extent, features, null)
}

/** Grows the extent to the frame's shape, about its centre. */
function fit(e: Extent, frame: Rect): Extent {
  const cx = (e.minX + e.maxX) / 2
  const cy = (e.minY + e.maxY) / 2
  let hx = (e.maxX - e.minX) / 2
  let hy = (e.maxY - e.minY) / 2
  const aspect = frame.width / frame.height
  if (hx / hy > aspect) hy = hx / aspect
  else hx = hy * aspect
  return { minX: cx - hx, minY: cy - hy, maxX: cx + hx, maxY: cy + hy }
}

const QR_SIZE = 96

/** The QR code as vector squares: crisp at any print size. */
function drawQr(doc: Pdf, text: string, x: number, y: number, size: number): void {
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' })
  const n = qr.modules.size
  // a quiet zone of 4 modules, as the standard asks
  const cell = size / (n + 8)
  doc.rect(x, y, size, size).fill('#ffffff')
  for (let row = 0; row < n; row++) {
    for (let col = 0; col < n; col++) {
      if (qr.modules.get(row, col)) doc.rect(x + (col + 4) * cell, y + (row + 4) * cell, cell, cell)
    }
  }
  doc.fill('#000000')
}

export const NOTICE_MAP_FRAME: Rect = { x: PAGE.margin, y: 0, width: PAGE.width - 2 * PAGE.margin, height: 250 }

/** The printable notice: A4 portrait, the list, the period, objections, the QR code and the map. */
export function noticePdf(notice: Notice, publicUrl: string): Pdf {
  const doc = newPdf(noticeTitle(notice))
  footers(doc, `即源 · ${noticeTitle(notice)} · 公示期 ${notice.posted_on} 至 ${notice.ends_on}`)
  title(doc, noticeTitle(notice))
  paragraph(doc,
    `经${notice.village_name}集体经济组织成员（代表）会议表决通过，现将本村农村公共资源排查结果予以公示。` +
    `公示期为 ${NOTICE_WORKING_DAYS} 个工作日：自 ${chineseDate(notice.posted_on)} 起至 ${chineseDate(notice.ends_on)} 止（节假日顺延）。`)
  doc.moveDown(0.3)
  const total = notice.parcels.reduce((sum, p) => sum + p.area_m2, 0)
  table(doc, [
    { header: '序号', width: 0.6 },
    { header: '地块编码', width: 2.4 },
    { header: '名称', width: 2.2 },
    { header: '类型', width: 1.8 },
    { header: '位置', width: 2 },
    { header: '面积（亩）', width: 1.1, align: 'right' },
    { header: '权属', width: 1.8 },
    { header: '四至', width: 3.8 },
  ], notice.parcels.map((p, i) => [
    String(i + 1), p.code, p.name, p.category_name, p.location ?? '', fixed2(p.area_mu), p.ownership ?? '', p.four_sides,
  ]), 7.5)
  paragraph(doc, `共 ${notice.parcels.length} 宗，合计 ${fixed2(m2ToMu(total))} 亩（${fixed2(total)} 平方米，CGCS2000 椭球面积）。`, { size: 9 })
  heading(doc, '监督投诉渠道')
  const y = doc.y
  doc.font('cjk').fontSize(10).text(
    `公示期内，如对公示内容有异议，请以书面或口头形式向以下单位反映：${notice.objections_to}。对群众反映的问题将逐一核实、及时回应。`,
    PAGE.margin, y, { width: doc.page.width - 2 * PAGE.margin - QR_SIZE - 16, lineGap: 2 },
  )
  doc.fontSize(8).fillColor('#5f6b7a').text(`扫描右侧二维码，在手机上查看本公示的地块位置图：${publicUrl}`, { width: doc.page.width - 2 * PAGE.margin - QR_SIZE - 16 })
  doc.fillColor('#1a202c')
  const qrX = doc.page.width - PAGE.margin - QR_SIZE
  drawQr(doc, publicUrl, qrX, y, QR_SIZE)
  doc.x = PAGE.margin
  doc.y = Math.max(doc.y, y + QR_SIZE) + 8
  const figure = noticeFigure(notice, { ...NOTICE_MAP_FRAME, y: 0 })
  if (figure) {
    if (doc.y + NOTICE_MAP_FRAME.height + 60 > doc.page.height - PAGE.margin) doc.addPage()
    heading(doc, '地块位置图')
    const placed = noticeFigure(notice, { ...NOTICE_MAP_FRAME, y: doc.y + 2 })!
    doc.y = drawFigurePdf(doc, placed)
  }
  doc.moveDown(1)
  doc.font('cjk').fontSize(10).text(`${notice.village_name}股份经济合作社`, { align: 'right' })
  doc.text(`${notice.town_name}（盖章）`, { align: 'right' })
  doc.text(chineseDate(notice.posted_on), { align: 'right' })
  return doc
}

const esc = (text: string) => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)

/** The public, read-only page: the notice's text, its list and its map, nothing else. */
export function noticeHtml(notice: Notice): string {
  const figure = noticeFigure(notice, { x: 0, y: 0, width: 640, height: 420 })
  const rows = notice.parcels.map((p, i) =>
    `<tr><td>${i + 1}</td><td>${esc(p.code)}</td><td>${esc(p.name)}</td><td>${esc(p.category_name)}</td>` +
    `<td>${esc(p.location ?? '')}</td><td class="n">${fixed2(p.area_mu)}</td><td>${esc(p.ownership ?? '')}</td><td>${esc(p.four_sides)}</td></tr>`,
  ).join('')
  const legend = [...new Set(notice.parcels.map((p) => p.category))]
    .map((c) => `<span class="sw" style="background:${categoryColor(c)}"></span>${esc(categoryText(c))}`)
    .join(' ')
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>${esc(noticeTitle(notice))}</title>
<style>body{font-family:system-ui,"Noto Sans SC","Noto Sans CJK SC",sans-serif;margin:0 auto;max-width:960px;padding:12px;color:#1a202c}
h1{font-size:1.3em;text-align:center}table{border-collapse:collapse;width:100%;font-size:.85em}td,th{border:1px solid #9aa5b1;padding:4px}
th{background:#e8eef5}.n{text-align:right}.map svg{width:100%;height:auto;border:1px solid #ccc}.sw{display:inline-block;width:14px;height:10px;margin:0 4px 0 10px}
.note{color:#5f6b7a;font-size:.85em}</style></head><body>
<h1>${esc(noticeTitle(notice))}</h1>
<p>公示期：${esc(chineseDate(notice.posted_on))} 至 ${esc(chineseDate(notice.ends_on))}（${notice.working_days} 个工作日）。</p>
<p>如有异议，请向：${esc(notice.objections_to)} 反映。</p>
${figure ? `<div class="map">${figureSvg(figure)}</div><p class="note">${legend}</p>` : ''}
<table><thead><tr><th>序号</th><th>地块编码</th><th>名称</th><th>类型</th><th>位置</th><th>面积（亩）</th><th>权属</th><th>四至</th></tr></thead>
<tbody>${rows}</tbody></table>
<p class="note">本页为公示内容的只读副本。面积为 CGCS2000 椭球面积，1 亩 = 10000/15 平方米。</p>
</body></html>`
}
