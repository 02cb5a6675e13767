// The XLSX ledger (台账), written with exceljs's streaming WorkbookWriter:
// sheet 台账 has one row per parcel with Chinese headers, areas in 亩 and
// m² shown to 0.00; sheet 汇总 has the totals per village, per town and
// for everything (parcel count, 亩, m²). Rows are committed page by page,
// so the ledger of a whole district never sits in memory; the totals do,
// one entry per village.
import type ExcelJS from 'exceljs'
import type { Response } from 'express'
import type { Queryable } from '../db/db.ts'
import type { Where } from '../parcels/list.ts'
import { EXPORT_COLUMNS, type Cell } from './columns.ts'
import { abandon, logExport, ResponseSink, sendAttachment, type ExportSummary } from './respond.ts'

/** exceljs takes half a second to load: loaded with the first ledger, not at start-up. */
export const loadExcel = () => import('exceljs')
import { EXPORT_SELECT, readPages, type ExportRow } from './rows.ts'

export const LEDGER_SHEET = '台账'
export const TOTALS_SHEET = '汇总'

const AREA_FORMAT = '0.00'
const AREA_KEYS = new Set(['declared_area_mu', 'area_mu', 'area_m2'])
const AREA_MU = EXPORT_COLUMNS.find((c) => c.key === 'area_mu')!
const AREA_M2 = EXPORT_COLUMNS.find((c) => c.key === 'area_m2')!
// Excel has no time zones: times are shown as China Standard Time (UTC+8).
const CHINA_OFFSET_MS = 8 * 3600 * 1000

/**
 * Text as an inline string (t="inlineStr"). Without shared strings, which
 * would hold every distinct text in memory, exceljs writes plain strings as
 * formula results (t="str"), which GDAL does not take for text: it then
 * misses the header row.
 */
export function inline(value: Cell | Date): ExcelJS.CellValue {
  return typeof value === 'string' ? { richText: [{ text: value }] } : value
}

const HEADER_STYLE: Partial<ExcelJS.Style> = {
  font: { bold: true, color: { argb: 'FFFFFFFF' } },
  fill: { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FF1F4E79' } },
  alignment: { vertical: 'middle', horizontal: 'center', wrapText: true },
}

interface LedgerColumn {
  header: string
  width: number
  numFmt?: string
  value(row: ExportRow): Cell | Date
}

const LEDGER_COLUMNS: readonly LedgerColumn[] = [
  ...EXPORT_COLUMNS.map((c) => ({
    header: c.header,
    width: AREA_KEYS.has(c.key) ? 14 : c.key === 'code' || c.key === 'village' ? 18 : 16,
    ...(AREA_KEYS.has(c.key) ? { numFmt: AREA_FORMAT } : {}),
    value: c.value,
  })),
  { header: '版本', width: 8, value: (r) => r.version },
  {
    header: '更新时间(北京时间)',
    width: 20,
    numFmt: 'yyyy-mm-dd hh:mm:ss',
    value: (r) => new Date(new Date(r.updated_at).getTime() + CHINA_OFFSET_MS),
  },
  { header: '更新人', width: 12, value: (r) => r.updated_by },
]

/** Totals of one village, one town or everything. */
interface Totals {
  town: string
  townName: string | null
  village: string | null
  villageName: string | null
  count: number
  declaredMu: number
  mu: number
  m2: number
}

const TOTALS_HEADERS = [
  '级别',
  '镇街代码',
  '镇街',
  '村代码',
  '村',
  '地块数',
  '申报面积(亩)',
  '面积(亩)',
  '面积(平方米)',
]

export async function sendXlsx(
  res: Response,
  db: Queryable,
  where: Where,
  fileName: string,
  summary: ExportSummary,
): Promise<void> {
  const pages = readPages<ExportRow<null>>(db, where, `${EXPORT_SELECT}, NULL AS geometry`)
  let next = await pages.next() // a failing query still gets a JSON error
  sendAttachment(res, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', fileName)
  const sink = new ResponseSink(res)
  try {
    const { default: excel } = await loadExcel()
    const workbook = new excel.stream.xlsx.WorkbookWriter({
      stream: res,
      useStyles: true,
      useSharedStrings: false,
    })
    workbook.creator = '即源 Jiyuan'
    const ledger = addSheet(
      workbook,
      LEDGER_SHEET,
      LEDGER_COLUMNS.map((c) => c.header),
      LEDGER_COLUMNS,
    )
    const villages = new Map<string, Totals>()
    for (; !next.done; next = await pages.next()) {
      for (const row of next.value) {
        ledger.addRow(LEDGER_COLUMNS.map((c) => inline(c.value(row)))).commit()
        addUp(villages, row)
      }
      summary.rows += next.value.length
      await sheetDrained(ledger, sink)
      await sink.settle()
    }
    ledger.commit()
    writeTotals(workbook, villages)
    await workbook.commit()
    logExport(summary)
  } catch (error) {
    abandon(res, error, summary)
  } finally {
    await pages.return(undefined)
  }
}

/** The stream between a sheet and its zip entry, as exceljs 4.4.0 builds it. */
interface SheetInternals {
  stream?: {
    pipes?: {
      _writableState?: { needDrain?: boolean }
      once(event: 'drain', listener: () => void): void
    }[]
  }
}

/**
 * exceljs feeds a sheet's XML into its zip through a stream that ignores
 * backpressure: what the compressor has not taken yet piles up, about
 * 100 MB for the ledger of 100,000 parcels (measured), since the pages
 * come faster than the event loop lets zlib work. Between pages, wait
 * until that stream has drained, or the client has gone. It is reached
 * through exceljs 4.4.0 internals (WorksheetWriter.stream.pipes, a
 * readable-stream PassThrough); without them nothing is waited for.
 */
async function sheetDrained(sheet: ExcelJS.Worksheet, sink: ResponseSink): Promise<void> {
  const intake = (sheet as unknown as SheetInternals).stream?.pipes?.[0]
  if (!intake?._writableState?.needDrain) return
  await sink.until(new Promise<void>((resolve) => intake.once('drain', resolve)))
}

/** A sheet with a styled, frozen header row. */
export function addSheet(
  workbook: ExcelJS.stream.xlsx.WorkbookWriter,
  name: string,
  headers: readonly string[],
  columns: readonly { width: number; numFmt?: string }[],
): ExcelJS.Worksheet {
  const sheet = workbook.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] })
  sheet.columns = columns.map((c) => ({
    width: c.width,
    ...(c.numFmt ? { style: { numFmt: c.numFmt } } : {}),
  }))
  const header = sheet.addRow(headers.map(inline))
  header.height = 30
  header.eachCell((cell) => (cell.style = HEADER_STYLE))
  header.commit()
  return sheet
}

function addUp(villages: Map<string, Totals>, row: ExportRow): void {
  const key = `${row.town}/${row.village ?? ''}`
  let totals = villages.get(key)
  if (!totals) {
    totals = {
      town: row.town,
      townName: row.town_name,
      village: row.village,
      villageName: row.village_name ?? '（未分村）',
      count: 0,
      declaredMu: 0,
      mu: 0,
      m2: 0,
    }
    villages.set(key, totals)
  }
  totals.count++
  totals.declaredMu += row.declared_area_mu ?? 0
  // the same rounded values as the ledger rows, so the totals are their sums
  totals.mu += AREA_MU.value(row) as number
  totals.m2 += AREA_M2.value(row) as number
}

/** 汇总: each town's villages then the town, in code order, and the grand total last. */
function writeTotals(
  workbook: ExcelJS.stream.xlsx.WorkbookWriter,
  villages: Map<string, Totals>,
): void {
  const widths = [10, 12, 16, 16, 16, 10, 14, 14, 16].map((width, i) => ({
    width,
    ...(i >= 6 ? { numFmt: AREA_FORMAT } : {}),
  }))
  const sheet = addSheet(workbook, TOTALS_SHEET, TOTALS_HEADERS, widths)
  const sorted = [...villages.values()].sort((a, b) =>
    (a.town + (a.village ?? '')).localeCompare(b.town + (b.village ?? '')),
  )
  const all = emptyTotals('', null)
  let town: Totals | null = null
  for (const village of sorted) {
    if (town && town.town !== village.town) addTotalsRow(sheet, '镇街小计', town)
    if (!town || town.town !== village.town) town = emptyTotals(village.town, village.townName)
    addTotalsRow(sheet, '村', village)
    add(town, village)
    add(all, village)
  }
  if (town) addTotalsRow(sheet, '镇街小计', town)
  addTotalsRow(sheet, '合计', all)
  sheet.commit()
}

function emptyTotals(town: string, townName: string | null): Totals {
  return { town, townName, village: null, villageName: null, count: 0, declaredMu: 0, mu: 0, m2: 0 }
}

function add(into: Totals, from: Totals): void {
  into.count += from.count
  into.declaredMu += from.declaredMu
  into.mu += from.mu
  into.m2 += from.m2
}

function addTotalsRow(sheet: ExcelJS.Worksheet, level: string, t: Totals): void {
  const round = (v: number, digits: number) => Number(v.toFixed(digits))
  const cells = [level, t.town || null, t.townName, t.village, t.villageName, t.count]
  const row = sheet.addRow([
    ...cells.map(inline),
    round(t.declaredMu, 6),
    round(t.mu, 4),
    round(t.m2, 2),
  ])
  if (level !== '村') row.font = { bold: true }
  row.commit()
}
