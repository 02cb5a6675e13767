// The ledger (台账) of a village or a town, with the fields the district's
// guidance names: 类型, 位置, 面积, 数额, 权属 and 四至, totals by category,
// and the statistics; as XLSX (exceljs streaming, the sheet helpers of the
// parcel export) and as an A4 landscape PDF with the signature block.
// Rows are read page by page (export/rows.ts) and their 四至 computed a
// page at a time, so a town's ledger never sits in memory whole.
import ExcelJS from 'exceljs'
import type { Response } from 'express'
import { CATEGORIES } from '../domain/categories.ts'
import type { Queryable } from '../db/db.ts'
import { abandon, logExport, ResponseSink, sendAttachment, type ExportSummary } from '../export/respond.ts'
import { EXPORT_SELECT, readPages, type ExportRow } from '../export/rows.ts'
import { addSheet, inline } from '../export/xlsx.ts'
import { m2ToMu } from '../geo/extent.ts'
import { Where } from '../parcels/list.ts'
import { fourSides, fourSidesText } from './four-sides.ts'
import { amountText, categoryText, chineseDate, fixed2, m2, mu, problemsText, statusText } from './format.ts'
import { facts, footers, heading, newPdf, paragraph, signatureSection, table, title, type Pdf } from './pdf.ts'
import { DIMENSION_NAMES, statistics, type Statistics } from './statistics.ts'

export interface LedgerPlace {
  level: 'village' | 'town'
  code: string
  name: string
  town: string
  townName: string
}

export interface LedgerRow {
  row: ExportRow<null>
  sides: string
}

// A page of 200 parcels keeps each 四至 query short.
const LEDGER_PAGE = 200

function placeWhere(place: LedgerPlace): Where {
  const where = new Where()
  where.add('p.deleted_at IS NULL')
  if (place.level === 'village') where.add('p.village = ?', place.code)
  else where.add('p.town = ?', place.code)
  return where
}

/** The ledger rows in id order, a page at a time, each with its 四至 in words. */
export async function* ledgerPages(db: Queryable, place: LedgerPlace): AsyncGenerator<LedgerRow[]> {
  const pages = readPages<ExportRow<null>>(db, placeWhere(place), `${EXPORT_SELECT}, NULL AS geometry`, undefined, LEDGER_PAGE)
  for await (const rows of pages) {
    const sides = await fourSides(db, rows.map((r) => r.id))
    yield rows.map((row) => ({ row, sides: fourSidesText(sides.get(row.id)!) }))
  }
}

interface CategoryTotal {
  code: string
  parcels: number
  m2: number
  declaredMu: number
}

function emptyTotals(): Map<string, CategoryTotal> {
  return new Map(CATEGORIES.map((c) => [c.code, { code: c.code, parcels: 0, m2: 0, declaredMu: 0 }]))
}

function addUp(totals: Map<string, CategoryTotal>, row: ExportRow<null>): void {
  const total = totals.get(row.category) ?? { code: row.category, parcels: 0, m2: 0, declaredMu: 0 }
  total.parcels++
  total.m2 += row.area_m2
  total.declaredMu += row.declared_area_mu ?? 0
  totals.set(row.category, total)
}

function totalsRows(totals: Map<string, CategoryTotal>): string[][] {
  const all = [...totals.values()].reduce(
    (sum, t) => ({ code: '合计', parcels: sum.parcels + t.parcels, m2: sum.m2 + t.m2, declaredMu: sum.declaredMu + t.declaredMu }),
    { code: '合计', parcels: 0, m2: 0, declaredMu: 0 },
  )
  return [...totals.values(), all].map((t) => [
    t.code === '合计' ? '合计' : categoryText(t.code),
    String(t.parcels),
    mu(t.m2),
    m2(t.m2),
    fixed2(t.declaredMu),
  ])
}

const TOTALS_HEADERS = ['类型', '地块数', '面积（亩）', '面积（平方米）', '申报面积（亩）']

interface Field {
  header: string
  width: number
  /** PDF column share */
  share: number
  number?: boolean
  value(r: LedgerRow, index: number): string | number
}

/** The ledger's columns, one list for both formats. Areas: 亩 then m² (ellipsoidal, CGCS2000). */
const FIELDS: readonly Field[] = [
  { header: '序号', width: 6, share: 0.6, value: (_r, i) => i + 1 },
  { header: '地块编码', width: 18, share: 1.9, value: (r) => r.row.code },
  { header: '名称', width: 22, share: 2, value: (r) => r.row.name },
  { header: '类型', width: 26, share: 2.2, value: (r) => [categoryText(r.row.category), r.row.subtype].filter(Boolean).join(' / ') },
  { header: '位置', width: 26, share: 2, value: (r) => [r.row.village_name ?? r.row.town_name, r.row.location].filter(Boolean).join('，') },
  { header: '面积（亩）', width: 12, share: 1, number: true, value: (r) => Number(m2ToMu(r.row.area_m2).toFixed(2)) },
  { header: '面积（平方米）', width: 14, share: 1.2, number: true, value: (r) => Number(r.row.area_m2.toFixed(2)) },
  { header: '数额', width: 12, share: 0.9, value: (r) => amountText(r.row.attributes) },
  { header: '权属', width: 22, share: 1.7, value: (r) => r.row.ownership ?? '' },
  { header: '四至', width: 60, share: 4.2, value: (r) => r.sides },
  { header: '状态', width: 8, share: 0.8, value: (r) => statusText(r.row.status) },
  { header: '问题', width: 16, share: 1.3, value: (r) => (r.row.problems.length ? problemsText(r.row.problems) : '') },
]

export function ledgerTitle(place: LedgerPlace): string {
  return place.level === 'village' ? `${place.townName}${place.name}农村公共资源台账` : `${place.name}农村公共资源台账`
}

// XLSX -----------------------------------------------------------------------

export async function sendLedgerXlsx(res: Response, db: Queryable, place: LedgerPlace, fileName: string, summary: ExportSummary): Promise<void> {
  const pages = ledgerPages(db, place)
  let next = await pages.next() // a failing query still gets a JSON error
  const stats = await statistics(db, place.level === 'town' ? place.code : place.town, place.level === 'village' ? place.code : null)
  sendAttachment(res, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', fileName)
  const sink = new ResponseSink(res)
  try {
    const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: res, useStyles: true, useSharedStrings: false })
    workbook.creator = '即源 Jiyuan'
    const sheet = addSheet(workbook, '台账', FIELDS.map((f) => f.header), FIELDS.map((f) => ({ width: f.width, ...(f.number ? { numFmt: '0.00' } : {}) })))
    const totals = emptyTotals()
    let index = 0
    for (; !next.done; next = await pages.next()) {
      for (const r of next.value) {
        sheet.addRow(FIELDS.map((f) => inline(f.value(r, index)))).commit()
        addUp(totals, r.row)
        index++
      }
      summary.rows += next.value.length
      await sink.settle()
    }
    sheet.commit()
    const byCategory = addSheet(workbook, '分类合计', TOTALS_HEADERS, [16, 10, 14, 16, 14].map((width) => ({ width })))
    for (const row of totalsRows(totals)) byCategory.addRow(row.map((cell, i) => (i === 0 ? inline(cell) : Number(cell)))).commit()
    byCategory.commit()
    writeStatisticsSheet(workbook, stats)
    await workbook.commit()
    logExport(summary)
  } catch (error) {
    abandon(res, error, summary)
  } finally {
    await pages.return(undefined)
  }
}

function writeStatisticsSheet(workbook: ExcelJS.stream.xlsx.WorkbookWriter, stats: Statistics): void {
  const sheet = addSheet(workbook, '统计', ['分组', '代码', '名称', '地块数', '面积（亩）', '面积（平方米）'], [10, 14, 24, 10, 14, 16].map((width) => ({ width })))
  for (const key of Object.keys(DIMENSION_NAMES) as (keyof typeof DIMENSION_NAMES)[]) {
    for (const t of stats[key]) {
      sheet.addRow([inline(DIMENSION_NAMES[key]), inline(t.code), inline(t.name), t.parcels, t.area_mu, t.area_m2]).commit()
    }
  }
  sheet.addRow([inline('合计'), null, null, stats.total.parcels, stats.total.area_mu, stats.total.area_m2]).commit()
  sheet.commit()
}

// PDF ------------------------------------------------------------------------

/** The ledger PDF, written to the response as its pages are finished. */
export async function ledgerPdf(db: Queryable, place: LedgerPlace, today: string, summary: ExportSummary): Promise<{ doc: Pdf; fill: () => Promise<void> }> {
  const pages = ledgerPages(db, place)
  const first = await pages.next() // before the headers, so a failing query is a JSON error
  const doc = newPdf(ledgerTitle(place), true)
  const fill = async () => {
    try {
      footers(doc, `即源 · ${ledgerTitle(place)} · 生成于 ${chineseDate(today)}`)
      title(doc, ledgerTitle(place), `${place.level === 'village' ? '村' : '镇（街道）'}代码 ${place.code} · 制表日期 ${chineseDate(today)}`)
      const totals = emptyTotals()
      const rows: string[][] = []
      let index = 0
      const columns = FIELDS.map((f) => ({ header: f.header, width: f.share, align: f.number ? ('right' as const) : ('left' as const) }))
      for (let next = first; !next.done; next = await pages.next()) {
        for (const r of next.value) {
          rows.push(FIELDS.map((f) => {
            const value = f.value(r, index)
            return typeof value === 'number' && f.number ? fixed2(value) : String(value)
          }))
          addUp(totals, r.row)
          index++
        }
        summary.rows += next.value.length
        // each page of parcels is laid out as it comes; pdfkit writes finished pages out
        table(doc, columns, rows.splice(0), 7)
      }
      if (index === 0) paragraph(doc, '本台账没有登记地块。')
      heading(doc, '分类合计')
      table(doc, TOTALS_HEADERS.map((header, i) => ({ header, width: i === 0 ? 3 : 2, align: i === 0 ? ('left' as const) : ('right' as const) })), totalsRows(totals), 8.5)
      facts(doc, [['面积', '椭球面积（CGCS2000），1 亩 = 10000/15 平方米'], ['四至', '按地块外侧 30 米内实际相邻的地块、道路、河道及村界计算']], 2)
      signatureSection(doc, '签字确认与审查核准', [
        { role: '村干部签字确认', note: '村（社区）干部对台账内容核实无误' },
        { role: '镇（街道）包村干部签字确认', note: '镇（街道）工作专班核实' },
        { role: '镇（街道）审查核准', note: '镇（街道）审查意见及盖章' },
      ])
    } finally {
      await pages.return(undefined)
    }
  }
  return { doc, fill }
}
