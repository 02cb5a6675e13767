// What every report PDF shares: A4 pages with the CJK font, headings,
// label–value grids, tables that break across pages and repeat their
// header, a signature block, and the bytes collected or streamed.
// Units are PDF points (1/72 inch, 0.3528 mm); A4 is 595.28 × 841.89 pt.
import PDFDocument from 'pdfkit'
import { cjkFont } from './font.ts'

export type Pdf = PDFKit.PDFDocument

export const PAGE = { width: 595.28, height: 841.89, margin: 40 } as const
export const CONTENT_WIDTH = PAGE.width - 2 * PAGE.margin

const TEXT = '#1a202c'
const MUTED = '#5f6b7a'
const RULE = '#9aa5b1'
const HEADER_FILL = '#e8eef5'

/** A new A4 document with the CJK font registered as 'cjk' and 'cjk-bold'. */
export function newPdf(title: string, landscape = false): Pdf {
  const doc = new PDFDocument({
    size: 'A4',
    layout: landscape ? 'landscape' : 'portrait',
    margin: PAGE.margin,
    bufferPages: false,
    info: { Title: title, Creator: '即源 Jiyuan', Producer: '即源 Jiyuan (pdfkit)' },
    lang: 'zh-CN',
  })
  doc.registerFont('cjk', cjkFont('regular') as unknown as PDFKit.Mixins.PDFFontSource)
  doc.registerFont('cjk-bold', cjkFont('bold') as unknown as PDFKit.Mixins.PDFFontSource)
  doc.font('cjk').fontSize(10).fillColor(TEXT)
  return doc
}

/** Ends the document and resolves with its bytes (a dossier is a few hundred KB). */
export function pdfBytes(doc: Pdf): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    doc.on('data', (chunk: Buffer) => chunks.push(chunk))
    doc.on('end', () => resolve(Buffer.concat(chunks)))
    doc.on('error', reject)
    doc.end()
  })
}

export function pageWidth(doc: Pdf): number {
  return doc.page.width - 2 * PAGE.margin
}

function bottom(doc: Pdf): number {
  return doc.page.height - PAGE.margin
}

/** Starts a new page when fewer than `height` points are left. */
export function ensureRoom(doc: Pdf, height: number): void {
  if (doc.y + height > bottom(doc)) doc.addPage()
}

export function title(doc: Pdf, text: string, subtitle?: string): void {
  doc.font('cjk-bold').fontSize(18).fillColor(TEXT).text(text, PAGE.margin, doc.y, { width: pageWidth(doc), align: 'center' })
  if (subtitle) doc.font('cjk').fontSize(9).fillColor(MUTED).text(subtitle, { width: pageWidth(doc), align: 'center' })
  doc.font('cjk').fontSize(10).fillColor(TEXT)
  doc.moveDown(0.5)
}

export function heading(doc: Pdf, text: string): void {
  ensureRoom(doc, 40)
  doc.moveDown(0.4)
  doc.font('cjk-bold').fontSize(12).fillColor(TEXT).text(text, PAGE.margin, doc.y, { width: pageWidth(doc) })
  const y = doc.y + 1
  doc.moveTo(PAGE.margin, y).lineTo(PAGE.margin + pageWidth(doc), y).lineWidth(0.6).strokeColor(RULE).stroke()
  doc.y = y + 4
  doc.font('cjk').fontSize(10).fillColor(TEXT)
}

export function paragraph(doc: Pdf, text: string, options: { size?: number; color?: string } = {}): void {
  doc.font('cjk').fontSize(options.size ?? 10).fillColor(options.color ?? TEXT)
  doc.text(text, PAGE.margin, doc.y, { width: pageWidth(doc), lineGap: 2 })
  doc.fontSize(10).fillColor(TEXT)
}

export interface Column {
  header: string
  /** a share of the table width; the shares are normalised */
  width: number
  align?: 'left' | 'right' | 'center'
}

const CELL_PAD = 3

/** A bordered table; rows taller than the room left go to the next page, with the header again. */
export function table(doc: Pdf, columns: readonly Column[], rows: readonly (readonly string[])[], size = 8.5): void {
  const total = columns.reduce((sum, c) => sum + c.width, 0)
  const widths = columns.map((c) => (c.width / total) * pageWidth(doc))
  const rowHeight = (cells: readonly string[], bold: boolean) => {
    doc.font(bold ? 'cjk-bold' : 'cjk').fontSize(size)
    return Math.max(...cells.map((cell, i) => doc.heightOfString(cell || ' ', { width: widths[i]! - 2 * CELL_PAD }))) + 2 * CELL_PAD
  }
  const drawRow = (cells: readonly string[], header: boolean) => {
    const height = rowHeight(cells, header)
    let x = PAGE.margin
    const y = doc.y
    cells.forEach((cell, i) => {
      const width = widths[i]!
      if (header) doc.rect(x, y, width, height).fill(HEADER_FILL)
      doc.rect(x, y, width, height).lineWidth(0.4).strokeColor(RULE).stroke()
      doc.font(header ? 'cjk-bold' : 'cjk').fontSize(size).fillColor(TEXT)
      doc.text(cell, x + CELL_PAD, y + CELL_PAD, { width: width - 2 * CELL_PAD, align: header ? 'center' : (columns[i]!.align ?? 'left') })
      x += width
    })
    doc.x = PAGE.margin
    doc.y = y + height
  }
  const headers = columns.map((c) => c.header)
  ensureRoom(doc, rowHeight(headers, true) + 20)
  drawRow(headers, true)
  for (const row of rows) {
    if (doc.y + rowHeight(row, false) > bottom(doc)) {
      doc.addPage()
      drawRow(headers, true)
    }
    drawRow(row, false)
  }
  doc.font('cjk').fontSize(10)
  doc.moveDown(0.3)
}

/** Label–value pairs in `columns` columns, as a borderless grid. */
export function facts(doc: Pdf, pairs: readonly (readonly [string, string])[], columns = 2): void {
  const gap = 12
  const colWidth = (pageWidth(doc) - gap * (columns - 1)) / columns
  const labelWidth = 62
  for (let i = 0; i < pairs.length; i += columns) {
    const row = pairs.slice(i, i + columns)
    doc.font('cjk').fontSize(9.5)
    const height = Math.max(...row.map(([, value]) => doc.heightOfString(value || '—', { width: colWidth - labelWidth }))) + 4
    ensureRoom(doc, height)
    const y = doc.y
    row.forEach(([label, value], j) => {
      const x = PAGE.margin + j * (colWidth + gap)
      doc.font('cjk').fontSize(9.5).fillColor(MUTED).text(label, x, y, { width: labelWidth - 4 })
      doc.fillColor(TEXT).text(value || '—', x + labelWidth, y, { width: colWidth - labelWidth })
    })
    doc.x = PAGE.margin
    doc.y = y + height
  }
  doc.fontSize(10)
}

const SIGNATURE_BOX_HEIGHT = 92

/**
 * The signature section: its heading, an optional lead sentence and the boxes,
 * kept on one page so no signer signs under a heading left on the page before.
 */
export function signatureSection(
  doc: Pdf,
  text: string,
  boxes: readonly { role: string; note: string }[],
  lead?: string,
): void {
  ensureRoom(doc, 40 + (lead ? 20 : 0) + SIGNATURE_BOX_HEIGHT + 10)
  heading(doc, text)
  if (lead) paragraph(doc, lead, { size: 9 })
  signatures(doc, boxes)
}

/** 签字确认 / 审查核准: a box per signer with lines for the signature and the date. */
export function signatures(doc: Pdf, boxes: readonly { role: string; note: string }[]): void {
  const height = SIGNATURE_BOX_HEIGHT
  ensureRoom(doc, height + 10)
  const gap = 10
  const width = (pageWidth(doc) - gap * (boxes.length - 1)) / boxes.length
  const y = doc.y
  boxes.forEach((box, i) => {
    const x = PAGE.margin + i * (width + gap)
    doc.rect(x, y, width, height).lineWidth(0.6).strokeColor(RULE).stroke()
    doc.font('cjk-bold').fontSize(10).fillColor(TEXT).text(box.role, x + 6, y + 6, { width: width - 12 })
    doc.font('cjk').fontSize(8).fillColor(MUTED).text(box.note, x + 6, y + 24, { width: width - 12 })
    doc.fontSize(9).fillColor(TEXT).text('签字（盖章）：', x + 6, y + 50)
    doc.text('日期：    年    月    日', x + 6, y + 70)
  })
  doc.x = PAGE.margin
  doc.y = y + height + 6
}

/** A line at the foot of this page and every page after it: the document's name and date. */
export function footers(doc: Pdf, text: string): void {
  const draw = () => {
    const { x, y } = doc
    const bottomMargin = doc.page.margins.bottom
    // below the bottom margin pdfkit would start a new page for the text
    doc.page.margins.bottom = 0
    doc.font('cjk').fontSize(7.5).fillColor(MUTED)
    doc.text(text, PAGE.margin, doc.page.height - PAGE.margin + 14, { width: pageWidth(doc), align: 'center', lineBreak: false })
    doc.page.margins.bottom = bottomMargin
    doc.font('cjk').fillColor(TEXT).fontSize(10)
    doc.x = x
    doc.y = y
  }
  draw()
  doc.on('pageAdded', draw)
}
