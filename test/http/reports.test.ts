// Reports over HTTP on the sample district: each PDF is rendered to PNG with
// poppler (saved under test/artifacts/reports/) and read back with
// pdftotext; the notice's QR code is decoded with zbarimg.
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import ExcelJS from 'exceljs'
import { unzipSync } from 'fflate'
import { PNG } from 'pngjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ROOT } from '../../server/src/config.ts'
import { categoryByCode } from '../../server/src/domain/categories.ts'
import { toEpsg } from '../../server/src/geo/crs.ts'
import { DOSSIER_MAP_FRAME } from '../../server/src/reports/dossier-pdf.ts'
import { fourSides, fourSidesText, neighbourText } from '../../server/src/reports/four-sides.ts'
import { backends } from '../helpers/backends.ts'
import { startTestApp, type Client, type TestApp } from '../helpers/app.ts'

const EXPECTED = JSON.parse(readFileSync(path.join(ROOT, 'data-samples/expected.json'), 'utf8'))
const ARTIFACTS = path.join(ROOT, 'test/artifacts/reports')
const HUANXIU = '370215001'
const TIANHENG = '370215101'
const VILLAGE = '370215001001'

/** A command-line tool, or null when missing: then the test is skipped, except in CI where it fails. */
function tool(name: string, versionArg: string, pkg: string): string | null {
  if (spawnSync(name, [versionArg], { encoding: 'utf8' }).error === undefined) return name
  if (process.env.CI === 'true') throw new Error(`CI=true but ${name} (Debian ${pkg}) is missing: the PDFs must be checked with it`)
  console.warn(`${name} (Debian ${pkg}) is not installed: the checks that need it are skipped`)
  return null
}
const POPPLER = tool('pdftoppm', '-v', 'poppler-utils') && tool('pdftotext', '-v', 'poppler-utils')
const ZBAR = tool('zbarimg', '--version', 'zbar-tools')
const withPoppler = POPPLER ? it : it.skip
const withZbar = POPPLER && ZBAR ? it : it.skip

async function download(client: Client, route: string) {
  const response = await fetch(client.url + route, { headers: client.cookie ? { cookie: client.cookie } : {} })
  return { status: response.status, headers: response.headers, bytes: new Uint8Array(await response.arrayBuffer()) }
}

function run(command: string, args: string[]): string {
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr}`)
  return result.stdout
}

/** Writes the PDF into the artefacts folder; returns its path. */
function keep(name: string, bytes: Uint8Array): string {
  mkdirSync(ARTIFACTS, { recursive: true })
  const file = path.join(ARTIFACTS, name)
  writeFileSync(file, bytes)
  return file
}

function pdfText(file: string, layout = false): string {
  return run('pdftotext', [...(layout ? ['-layout'] : []), file, '-'])
}

/** Renders page `page` at 72 dpi (1 px per point) beside the PDF; returns the PNG path. */
function renderPage(file: string, page: number, dpi = 72): string {
  const base = file.replace(/\.pdf$/, `-p${page}`)
  run('pdftoppm', ['-r', String(dpi), '-f', String(page), '-l', String(page), '-png', '-singlefile', file, base])
  return `${base}.png`
}

const squash = (text: string) => text.replace(/\s+/g, '')

function hex(color: string): [number, number, number] {
  return [1, 3, 5].map((i) => parseInt(color.slice(i, i + 2), 16)) as [number, number, number]
}

/** Pixels within `tolerance` of `color` inside a rectangle of a PNG (in pixels). */
function countColor(png: PNG, rect: { x: number; y: number; width: number; height: number }, color: string, tolerance = 8): number {
  const [r, g, b] = hex(color)
  let n = 0
  for (let y = Math.ceil(rect.y); y < rect.y + rect.height; y++) {
    for (let x = Math.ceil(rect.x); x < rect.x + rect.width; x++) {
      const i = (png.width * y + x) * 4
      if (Math.abs(png.data[i]! - r) <= tolerance && Math.abs(png.data[i + 1]! - g) <= tolerance && Math.abs(png.data[i + 2]! - b) <= tolerance) n++
    }
  }
  return n
}

describe.each(backends())('reports on the %s database', (backend) => {
  let app: TestApp
  let admin: Client
  let analyst: Client
  let editorHx: Client
  let editorTh: Client
  let subject: { id: number; code: string; category: string; area_mu: number; coordinates: number[][][][] }

  beforeAll(async () => {
    app = await startTestApp(backend)
    ;[admin, analyst, editorHx, editorTh] = await Promise.all([app.as('admin'), app.as('analyst'), app.as('editorHuanxiu'), app.as('editorTianheng')])
    // a parcel with a planted overlap of permanent basic farmland, checked now
    const planted = (EXPECTED.parcels_in_protected_zones as { code: string; zone_code: string }[]).find((p) => p.zone_code.startsWith('JBNT'))!
    const found = await analyst.get(`/api/parcels?q=${planted.code}`)
    const feature = found.body.features[0]
    subject = { id: feature.id, code: planted.code, category: feature.properties.category, area_mu: feature.properties.area_mu, coordinates: feature.geometry.coordinates }
    const checked = await analyst.post('/api/checks', { parcel_ids: [subject.id], kinds: ['overlap', 'area'] })
    expect(checked.status, JSON.stringify(checked.body)).toBe(201)
  })

  afterAll(async () => {
    await app?.close()
  })

  describe('the parcel dossier', () => {
    let file: string
    let text: string

    beforeAll(async () => {
      const reply = await download(analyst, `/api/parcels/${subject.id}/report.pdf`)
      expect(reply.status).toBe(200)
      expect(reply.headers.get('content-type')).toBe('application/pdf')
      expect(new TextDecoder().decode(reply.bytes.slice(0, 5))).toBe('%PDF-')
      file = keep(`dossier-${backend}.pdf`, reply.bytes)
      if (POPPLER) text = pdfText(file)
    })

    withPoppler('prints the code, the areas in 亩 and m², and the findings with their zone', () => {
      expect(text).toContain('地块核查报告')
      expect(text).toContain(subject.code)
      expect(text).toContain(subject.area_mu.toFixed(2))
      expect(text).toContain('亩')
      expect(text).toContain('审查核准')
    })

    withPoppler('tables the latest findings with 亩, share and the basis of their rule', async () => {
      const { body } = await analyst.get(`/api/parcels/${subject.id}/findings`)
      const overlap = body.findings.find((f: { kind: string; zone_class: string }) => f.kind === 'overlap' && f.zone_class === 'basic_farmland')
      expect(overlap, 'the planted overlap was found').toBeDefined()
      const printed = squash(text)
      expect(printed).toContain(squash(overlap.message))
      expect(printed).toContain(overlap.area_mu.toFixed(2))
      expect(printed).toContain((overlap.ratio * 100).toFixed(1))
      expect(printed).toContain('依据：')
    })

    withPoppler('prints the 四至 the database computes, side by side', async () => {
      const sides = (await fourSides(app.db, [subject.id])).get(subject.id)!
      for (const side of ['东至', '南至', '西至', '北至']) expect(text).toContain(side)
      for (const neighbour of Object.values(sides)) expect(squash(text)).toContain(squash(neighbourText(neighbour)))
    })

    withPoppler('lists the boundary points in EPSG:4549 metres, X north and Y east', () => {
      const layout = pdfText(file, true)
      const j1 = /J1\s+([\d.]+)\s+([\d.]+)/.exec(layout)
      expect(j1, 'the J1 row').not.toBeNull()
      // an independent transformation (proj4) of the first vertex of the outer ring
      const [east, north] = toEpsg(subject.coordinates[0]![0]![0]!, 4490, 4549)
      expect(Number(j1![1])).toBeCloseTo(north, 2)
      expect(Number(j1![2])).toBeCloseTo(east, 2)
      expect(layout).toContain('EPSG:4549')
    })

    withPoppler("draws the map figure with the parcel in its category's colour, a north arrow, scale bar and CRS", () => {
      const png = PNG.sync.read(readFileSync(renderPage(file, 1)))
      const color = categoryByCode(subject.category)!.color
      const inFrame = countColor(png, DOSSIER_MAP_FRAME, color)
      // the parcel fill, not just a legend swatch (the legend lies below the frame)
      expect(inFrame).toBeGreaterThan(300)
      const pageText = run('pdftotext', ['-f', '1', '-l', '1', file, '-'])
      expect(pageText).toContain('北')
      expect(pageText).toMatch(/\d+ 米/)
      expect(pageText).toContain('EPSG:4549')
      expect(pageText).toMatch(/比例尺 1:[\d,]+/)
    })

    withPoppler('keeps the signature heading on the page of the signature boxes', () => {
      const pages = Number(/Pages:\s+(\d+)/.exec(run('pdfinfo', [file]))![1])
      const pageTexts = Array.from({ length: pages }, (_, i) =>
        run('pdftotext', ['-f', String(i + 1), '-l', String(i + 1), file, '-']))
      const headed = pageTexts.findIndex((page) => page.includes('签字确认与审查核准'))
      expect(headed).toBeGreaterThanOrEqual(0)
      expect(pageTexts[headed]).toContain('签字（盖章）')
    })

    it('is refused outside a town editor and without sign-in', async () => {
      expect((await download(editorTh, `/api/parcels/${subject.id}/report.pdf`)).status).toBe(subject.code.startsWith(TIANHENG) ? 200 : 403)
      expect((await download(app.anonymous(), `/api/parcels/${subject.id}/report.pdf`)).status).toBe(401)
      expect((await download(analyst, '/api/parcels/99999999/report.pdf')).status).toBe(404)
    })
  })

  describe('the ledger', () => {
    let codes: string[]

    beforeAll(async () => {
      const { rows } = await app.db.query<{ code: string }>('SELECT code FROM parcels WHERE village = $1 AND deleted_at IS NULL ORDER BY id', [VILLAGE])
      codes = rows.map((r) => r.code)
    })

    it("holds the plan's fields, every parcel of the village with its 四至, totals by category and the statistics", async () => {
      const reply = await download(editorHx, `/api/villages/${VILLAGE}/ledger.xlsx`)
      expect(reply.status).toBe(200)
      const book = new ExcelJS.Workbook()
      await book.xlsx.load(reply.bytes.buffer as ArrayBuffer)
      const sheet = book.getWorksheet('台账')!
      const text = (cell: ExcelJS.CellValue) => (typeof cell === 'object' && cell && 'richText' in cell ? cell.richText.map((t) => t.text).join('') : String(cell))
      const headers = (sheet.getRow(1).values as ExcelJS.CellValue[]).slice(1).map(text)
      for (const field of ['类型', '位置', '面积（亩）', '面积（平方米）', '数额', '权属', '四至']) expect(headers).toContain(field)
      const column = (name: string) => headers.indexOf(name) + 1
      const rowCodes = Array.from({ length: sheet.rowCount - 1 }, (_, i) => text(sheet.getRow(i + 2).getCell(column('地块编码')).value))
      expect(rowCodes).toEqual(codes)
      const firstId = (await app.db.query<{ id: number }>('SELECT id FROM parcels WHERE code = $1', [codes[0]])).rows[0]!.id
      const sides = fourSidesText((await fourSides(app.db, [firstId])).get(firstId)!)
      expect(text(sheet.getRow(2).getCell(column('四至')).value)).toBe(sides)
      const totals = book.getWorksheet('分类合计')!
      const last = totals.getRow(totals.rowCount)
      expect(text(last.getCell(1).value)).toBe('合计')
      expect(last.getCell(2).value).toBe(codes.length)
      const stats = book.getWorksheet('统计')!
      expect(text(stats.getRow(stats.rowCount).getCell(1).value)).toBe('合计')
      expect(stats.getRow(stats.rowCount).getCell(4).value).toBe(codes.length)
    })

    withPoppler('prints as a PDF with every code, the category totals and the signature block', async () => {
      const reply = await download(editorHx, `/api/villages/${VILLAGE}/ledger.pdf`)
      expect(reply.status).toBe(200)
      const file = keep(`ledger-village-${backend}.pdf`, reply.bytes)
      renderPage(file, 1)
      const text = squash(pdfText(file))
      for (const code of codes) expect(text).toContain(code)
      expect(text).toContain('分类合计')
      expect(text).toContain('签字确认')
      expect(text).toContain('审查核准')
      expect(text).toContain('四至')
    })

    it("gives a town's ledger to its own editor only", async () => {
      const own = await download(editorTh, `/api/towns/${TIANHENG}/ledger.xlsx`)
      expect(own.status).toBe(200)
      expect((await download(editorTh, `/api/towns/${HUANXIU}/ledger.pdf`)).status).toBe(403)
      expect((await download(editorTh, `/api/villages/${VILLAGE}/ledger.xlsx`)).status).toBe(403)
      expect((await download(admin, '/api/villages/370215999999/ledger.pdf')).status).toBe(404)
    })
  })

  describe('the public notice', () => {
    let notice: Record<string, any>

    beforeAll(async () => {
      // Monday 7 December 2026 made a holiday; the weekend of the 5th and 6th is off anyway
      expect((await admin.request('PUT', '/api/calendar/2026-12-07', { kind: 'holiday', name: '测试假日' })).status).toBe(200)
      const reply = await editorHx.post(`/api/villages/${VILLAGE}/notices`, { posted_on: '2026-12-03', objections_to: '环秀街道农业农村办公室，电话 0532-00000000' })
      expect(reply.status, JSON.stringify(reply.body)).toBe(201)
      notice = reply.body
    })

    it('ends after 5 working days, skipping the weekend and the configured holiday', async () => {
      // Thu 3, Fri 4, (Sat, Sun, holiday Mon 7), Tue 8, Wed 9, Thu 10
      expect(notice).toMatchObject({ posted_on: '2026-12-03', ends_on: '2026-12-10', working_days: 5 })
      const plain = await editorHx.post(`/api/villages/${VILLAGE}/notices`, { posted_on: '2026-12-17', objections_to: '环秀街道办事处' })
      // Thu 17, Fri 18, Mon 21, Tue 22, Wed 23
      expect(plain.body.ends_on).toBe('2026-12-23')
    })

    it('is refused to another town, to a viewer and without a place to send objections', async () => {
      expect((await editorTh.post(`/api/villages/${VILLAGE}/notices`, { objections_to: '某处' })).status).toBe(403)
      expect((await (await app.as('viewer')).post(`/api/villages/${VILLAGE}/notices`, { objections_to: '某处' })).status).toBe(403)
      const bad = await editorHx.post(`/api/villages/${VILLAGE}/notices`, { posted_on: '2026-02-30', objections_to: '某处' })
      expect(bad.status).toBe(422)
      expect(bad.body.error.code).toBe('invalid_report_request')
    })

    withZbar('prints the list, the period, where to object, and a QR code that opens the public page', async () => {
      const reply = await download(editorHx, `/api/notices/${notice.id}/notice.pdf`)
      expect(reply.status).toBe(200)
      const file = keep(`notice-${backend}.pdf`, reply.bytes)
      const text = squash(pdfText(file))
      expect(text).toContain('2026年12月3日')
      expect(text).toContain('2026年12月10日')
      expect(text).toContain(squash('0532-00000000'))
      for (const p of notice.parcels) expect(text).toContain(p.code)
      const pages = Number(/Pages:\s+(\d+)/.exec(run('pdfinfo', [file]))![1])
      const decoded = Array.from({ length: pages }, (_, i) => renderPage(file, i + 1, 150))
        .map((png) => spawnSync('zbarimg', ['-q', '--raw', png], { encoding: 'utf8' }).stdout.trim())
        .filter(Boolean)
      expect(decoded).toEqual([notice.public_url])
    })

    it('opens without sign-in and shows only what the notice shows, as posted', async () => {
      const publicPath = new URL(notice.public_url).pathname
      const anonymous = app.anonymous()
      const page = await anonymous.get(publicPath)
      expect(page.status).toBe(200)
      expect(page.headers.get('content-type')).toMatch(/text\/html/)
      for (const p of notice.parcels) expect(page.body).toContain(p.code)
      expect(page.body).toContain('<svg')
      // the notice prints neither status nor problems nor internal ids
      expect(page.body).not.toMatch(/已登记|侵占集体资产资源|合同签订不规范/)
      const data = await anonymous.get(`/api${publicPath}`)
      expect(data.status).toBe(200)
      expect(Object.keys(data.body.features[0].properties).sort()).toEqual(
        ['area_m2', 'area_mu', 'category', 'category_name', 'code', 'four_sides', 'location', 'name', 'ownership', 'subtype'],
      )
      expect(JSON.stringify(data.body)).not.toContain(notice.id === undefined ? '?' : '"id"')
      // a parcel registered after posting is not on the posted notice
      const later = await editorHx.post('/api/parcels', {
        type: 'Feature',
        geometry: notice.parcels[0].geometry,
        properties: { code: 'NOTICE-LATER-1', town: HUANXIU, village: VILLAGE, category: 'intensive_use' },
      })
      expect(later.status, JSON.stringify(later.body)).toBe(201)
      expect((await anonymous.get(publicPath)).body).not.toContain('NOTICE-LATER-1')
      expect((await anonymous.get('/public/notices/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')).status).toBe(404)
    })

    it('is taken down by its town: the public page then answers 404', async () => {
      const other = await editorHx.post(`/api/villages/${VILLAGE}/notices`, { posted_on: '2026-12-21', objections_to: '环秀街道办事处' })
      const publicPath = new URL(other.body.public_url).pathname
      expect((await app.anonymous().get(publicPath)).status).toBe(200)
      expect((await editorTh.delete(`/api/notices/${other.body.id}`)).status).toBe(403)
      expect((await editorHx.delete(`/api/notices/${other.body.id}`)).status).toBe(204)
      expect((await app.anonymous().get(publicPath)).status).toBe(404)
      expect((await editorHx.get(`/api/notices/${other.body.id}`)).body.withdrawn_at).not.toBeNull()
    })
  })

  it("zips every dossier of a village, one PDF per live parcel", async () => {
    const { rows } = await app.db.query<{ code: string }>('SELECT code FROM parcels WHERE village = $1 AND deleted_at IS NULL ORDER BY code', [VILLAGE])
    const reply = await download(editorHx, `/api/villages/${VILLAGE}/dossiers.zip`)
    expect(reply.status).toBe(200)
    const entries = unzipSync(reply.bytes)
    expect(Object.keys(entries).sort()).toEqual(rows.map((r) => `${r.code}.pdf`).sort())
    for (const bytes of Object.values(entries)) expect(new TextDecoder().decode(bytes.slice(0, 5))).toBe('%PDF-')
    if (POPPLER) {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'jiyuan-zip-'))
      const name = `${rows[0]!.code}.pdf`
      writeFileSync(path.join(dir, name), entries[name]!)
      expect(pdfText(path.join(dir, name))).toContain(rows[0]!.code)
    }
    expect((await download(editorTh, `/api/villages/${VILLAGE}/dossiers.zip`)).status).toBe(403)
  })

  it('counts parcels and 亩 by town, category, status and problem, within the town scope', async () => {
    const all = await analyst.get('/api/statistics')
    expect(all.status).toBe(200)
    const { rows } = await app.db.query<{ n: number; m2: number }>('SELECT count(*)::int AS n, sum(area_m2) AS m2 FROM parcels WHERE deleted_at IS NULL')
    expect(all.body.total.parcels).toBe(rows[0]!.n)
    expect(all.body.total.area_mu).toBeCloseTo((rows[0]!.m2 * 15) / 10000, 2)
    for (const key of ['by_town', 'by_category', 'by_status']) {
      expect(all.body[key].reduce((s: number, t: { parcels: number }) => s + t.parcels, 0), key).toBe(rows[0]!.n)
    }
    expect(all.body.by_problem.map((t: { code: string }) => t.code)).toEqual(['encroachment', 'contract', 'environment', 'none'])
    const own = await editorTh.get('/api/statistics')
    expect(own.body.by_town.map((t: { code: string }) => t.code)).toEqual([TIANHENG])
    const th = await app.db.query<{ n: number }>('SELECT count(*)::int AS n FROM parcels WHERE town = $1 AND deleted_at IS NULL', [TIANHENG])
    expect(own.body.total.parcels).toBe(th.rows[0]!.n)
    expect((await editorTh.get(`/api/statistics?town=${HUANXIU}`)).status).toBe(403)
  })
})
