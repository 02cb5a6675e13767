// The map client's tools in Debian Chromium, against `npm start`'s server on
// a fresh sample database: the parcel panel (亩, 四至, history), drawing and
// saving a parcel with snapping, editing a vertex, the stale-version refusal,
// importing a file through the dialog, running a check and flying to a
// finding, and exporting with the map's filter.
import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { promisify } from 'node:util'
import { unzipSync } from 'fflate'
import type { MultiPolygon, Position } from 'geojson'
import { chromium, type Browser, type ConsoleMessage, type Page } from 'playwright-core'
import { build } from 'vite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ROOT } from '../../server/src/config.ts'
import { startServerProcess } from '../helpers/app.ts'
import { ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, hasChromium, mapReady, moveTo, openTab, screenshot } from '../helpers/browser.ts'
import { DATA_EXTERNAL, dataExternalPresent } from '../helpers/data-external.ts'

const VIEWPORT = { width: 1280, height: 800 }

// data-samples/expected.json: 370215101021-011 and -031 overlap; -010 lies west of them, alone.
const PAIR = '370215101021-011'
const WEST_OF_PAIR = '370215101021-010'
const TIANHENG = '370215101'
const DRAWN = 'E2E-DRAW-1'
const IMPORTED = 'E2E-IMPORT-1'

if (!hasChromium && process.env.CI !== 'true') {
  console.warn(
    `skipping the map tools tests: no Chromium at ${CHROMIUM} (apt-get install chromium)`,
  )
}
const run = promisify(execFile)

interface Feature {
  properties: Record<string, any>
  geometry: MultiPolygon
}




/** The view in the URL hash: centre lon/lat and zoom. */
async function view(page: Page): Promise<{ lon: number; lat: number; zoom: number }> {
  const [zoom, lat, lon] = (await page.evaluate(() => location.hash))
    .slice(1)
    .split('/')
    .map(Number)
  return { lon: lon!, lat: lat!, zoom: zoom! }
}

/**
 * Where a lon/lat lies on the page, from the view in the hash (Web Mercator,
 * 512-pixel tiles) and the map's box as it is now.
 */
async function screenPoint(page: Page, [lon, lat]: Position): Promise<{ x: number; y: number }> {
  const v = await view(page)
  const box = (await page.locator('.map').boundingBox())!
  const world = 512 * 2 ** v.zoom
  const mercator = (x: number, y: number) => {
    const s = Math.sin((y * Math.PI) / 180)
    return [((x + 180) / 360) * world, (0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI)) * world]
  }
  const [cx, cy] = mercator(v.lon, v.lat)
  const [px, py] = mercator(lon!, lat!)
  return { x: box.x + box.width / 2 + (px! - cx!), y: box.y + box.height / 2 + (py! - cy!) }
}

async function clickAt(page: Page, at: Position): Promise<void> {
  const point = await screenPoint(page, at)
  await page.mouse.move(point.x, point.y, { steps: 4 })
  await page.mouse.click(point.x, point.y)
  await page.waitForTimeout(250)
}


function api<T = any>(page: Page, route: string): Promise<T> {
  return page.evaluate(async (r) => (await fetch(r)).json(), route) as Promise<T>
}

async function parcelByCode(page: Page, code: string): Promise<Feature | undefined> {
  const collection = await api<{ features: Feature[] }>(
    page,
    `/api/parcels?q=${encodeURIComponent(code)}&limit=10`,
  )
  return collection.features.find((f) => f.properties.code === code)
}

function outerRing(geometry: MultiPolygon): Position[] {
  return geometry.coordinates[0]![0]!
}

function centroid(ring: Position[]): Position {
  const points = ring.slice(0, -1)
  return [
    points.reduce((a, p) => a + p[0]!, 0) / points.length,
    points.reduce((a, p) => a + p[1]!, 0) / points.length,
  ]
}

/** Browser console errors the tests provoke on purpose: the 412 of a stale save. */
function isExpected(message: ConsoleMessage): boolean {
  return /\/api\/parcels\/\d+$/.test(message.location().url) && message.text().includes('412')
}

describe.skipIf(!hasChromium && process.env.CI !== 'true')('the map tools', () => {
  let server: Awaited<ReturnType<typeof startServerProcess>>
  let browser: Browser
  let page: Page
  const consoleErrors: string[] = []
  let westVertex: Position
  let drawnId: number

  beforeAll(async () => {
    if (!hasChromium) throw new Error(`CI needs Chromium at ${CHROMIUM} for the browser tests`)
    await mkdir(ARTIFACTS, { recursive: true })
    await build({ configFile: path.join(ROOT, 'vite.config.ts'), logLevel: 'warn' })
    server = await startServerProcess()
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS })
    page = await browser.newPage({ viewport: VIEWPORT, locale: 'zh-CN', acceptDownloads: true })
    page.on('console', (message) => {
      if (message.type() === 'error' && !isExpected(message)) consoleErrors.push(message.text())
    })
    page.on('pageerror', (error) => consoleErrors.push(error.message))
    await page.goto(server.url)
    await page.fill('input[name=username]', 'admin')
    await page.fill('input[name=password]', server.adminPassword)
    await page.click('form.sign-in button[type=submit]')
    await mapReady(page)
  }, 240_000)

  afterAll(async () => {
    await browser?.close()
    await server?.stop()
  })

  it('shows a clicked parcel’s area in 亩 with m² beside, its 四至 and its history', async () => {
    const parcel = (await parcelByCode(page, PAIR))!
    const inside = centroid(outerRing(parcel.geometry))
    await moveTo(page, 18, inside[0]!, inside[1]!)
    await clickAt(page, inside)

    const panel = page.locator('.parcel-panel')
    await panel.waitFor({ state: 'visible' })
    expect(await panel.locator('[data-field="parcel.code"]').textContent()).toMatch(
      /^370215101021-0(11|31)$/,
    )
    expect(await panel.locator('[data-field="parcel.area"]').textContent()).toMatch(
      /^[\d,]+\.\d\d 亩 \([\d,]+\.\d\d m²\)$/,
    )
    const shown = (await panel.locator('[data-field="parcel.code"]').textContent())!
    const id = (await parcelByCode(page, shown))!.properties.id as number
    const sides = await api(page, `/api/parcels/${id}/four-sides`)

    await panel.locator('[data-side="east"]').waitFor()
    for (const side of ['east', 'south', 'west', 'north']) {
      // the dossier's wording, in the interface's Chinese
      expect(await panel.locator(`[data-side="${side}"]`).textContent()).toBe(
        sides.sides[side].text,
      )
    }
    expect(await panel.locator('[data-section="four-sides"] h3').textContent()).toBe('四至')
    await panel.locator('[data-section="history"] [data-version="1"]').waitFor()
    expect(
      await panel.locator('[data-section="history"] [data-version="1"]').textContent(),
    ).toContain('第 1 版 · 创建')
    await screenshot(page, 'tools-01-parcel-panel.png')
  })

  it('draws a parcel beside another, snapping to its vertex, warns of the overlap, and saves it', async () => {
    const west = (await parcelByCode(page, WEST_OF_PAIR))!
    westVertex = outerRing(west.geometry).reduce((a, p) => (p[0]! < a[0]! ? p : a))
    await moveTo(page, 18, westVertex[0]! - 0.0004, westVertex[1]!)
    await openTab(page, 'draw')
    await page.click('[data-action="draw-new"]')
    await page.waitForSelector('.draw-panel[data-draw-state="drawing"]')
    await page.waitForSelector('.draw-panel .note:has-text("已载入")')

    // the first point a metre off the neighbour's west vertex; the last one inside the neighbour
    const d = 0.0003
    const points: Position[] = [
      [westVertex[0]! + 0.00001, westVertex[1]! + 0.000008],
      [westVertex[0]! - d, westVertex[1]!],
      [westVertex[0]! - d, westVertex[1]! - d * 0.8],
      [westVertex[0]! + 0.0001, westVertex[1]! - d * 0.8],
    ]
    for (const point of points) await clickAt(page, point)
    expect(await page.locator('[data-live-area]').textContent()).toMatch(
      /^[\d,]+\.\d\d 亩 \([\d,]+\.\d\d m²\)$/,
    )
    await clickAt(page, points[0]!)
    await page.waitForSelector('.draw-panel[data-draw-state="closed"] .parcel-form')

    const warning = page.locator('.precheck li[data-severity="conflict"]')
    await warning.waitFor({ timeout: 20_000 })
    expect(await warning.textContent()).toContain(`与已登记地块 ${WEST_OF_PAIR} 重叠`)
    const liveArea = (await page.locator('[data-live-area]').textContent())!
    await screenshot(page, 'tools-02-draw-precheck.png')

    await page.fill('.parcel-form input[name="code"]', DRAWN)
    await page.fill('.parcel-form input[name="name"]', '端到端测试地块')
    await page.selectOption('.parcel-form select[name="category"]', 'intensive_use')
    await page.fill('.parcel-form input[name="declared_area_mu"]', '1.2')
    const save = page.locator('.parcel-form button[type="submit"]')
    expect(await save.isDisabled(), 'a conflict must be acknowledged first').toBe(true)
    await page.check('.acknowledge input')
    await page.waitForFunction(
      () =>
        !document.querySelector<HTMLButtonElement>('.parcel-form button[type="submit"]')?.disabled,
    )
    await save.click()
    // the first save in a fresh database prepares the planning layers for its re-check (~20 s embedded)
    await page.waitForSelector('.draw-panel[data-draw-state="idle"] .saved', { timeout: 90_000 })

    const saved = (await parcelByCode(page, DRAWN))!
    expect(saved, 'the drawn parcel in GET /api/parcels').toBeDefined()
    drawnId = saved.properties.id
    expect(saved.properties).toMatchObject({
      town: TIANHENG,
      village: '370215101021',
      category: 'intensive_use',
      declared_area_mu: 1.2,
    })
    // snapped: the neighbour's vertex itself, not a point a metre off
    expect(outerRing(saved.geometry)).toContainEqual(westVertex)
    // the live area is the area the server stored
    const [mu, m2] = liveArea.match(/[\d,]+\.\d\d/g)!.map((v) => Number(v.replace(/,/g, '')))
    expect(saved.properties.area_m2).toBeCloseTo(m2!, 2)
    expect(saved.properties.area_mu).toBeCloseTo(mu!, 2)
    const history = await api<{ version: number; action: string }[]>(
      page,
      `/api/parcels/${drawnId}/history`,
    )
    expect(history.map((v) => [v.version, v.action])).toEqual([[1, 'create']])
    await page.locator('.parcel-panel [data-field="parcel.code"]:has-text("E2E-DRAW-1")').waitFor()
    await screenshot(page, 'tools-03-drawn.png')
  }, 180_000)

  it('moves a vertex of the drawn parcel and saves it as version 2 with its new area', async () => {
    const before = (await parcelByCode(page, DRAWN))!
    const ring = outerRing(before.geometry)
    // the south-west corner, away from the neighbour, in the middle of the map (the legend covers a corner of it)
    const corner = ring.reduce((a, p) => (p[0]! + p[1]! < a[0]! + a[1]! ? p : a))
    await page.click('.parcel-panel [data-action="edit-outline"]')
    await page.waitForSelector('.draw-panel[data-draw-state="editing"] [data-live-area]')
    await moveTo(page, 18, corner[0]!, corner[1]!)
    const areaBefore = (await page.locator('[data-live-area]').textContent())!

    const from = await screenPoint(page, corner)
    const to = await screenPoint(page, [corner[0]! - 0.0001, corner[1]! - 0.00005])
    await page.mouse.move(from.x, from.y, { steps: 3 })
    await page.mouse.down()
    await page.mouse.move(to.x, to.y, { steps: 10 })
    await page.mouse.up()
    await expect.poll(() => page.locator('[data-live-area]').textContent()).not.toBe(areaBefore)
    // the neighbour still overlaps the far side: acknowledged, as when it was drawn
    await page.locator('.precheck li[data-severity="conflict"]').waitFor({ timeout: 20_000 })
    await page.check('.acknowledge input')
    await screenshot(page, 'tools-04-edit-vertex.png')
    await page.click('[data-action="save-outline"]')
    await page.waitForSelector('.draw-panel .saved:has-text("第 2 版")', { timeout: 60_000 })

    const history = await api<{ version: number; action: string; after: { area_m2: number } }[]>(
      page,
      `/api/parcels/${drawnId}/history`,
    )
    expect(history.map((v) => [v.version, v.action])).toEqual([
      [1, 'create'],
      [2, 'update'],
    ])
    expect(history[1]!.after.area_m2).toBeGreaterThan(history[0]!.after.area_m2 + 10)
    const after = (await parcelByCode(page, DRAWN))!
    expect(outerRing(after.geometry)).not.toContainEqual(corner)
    expect(outerRing(after.geometry)).toContainEqual(westVertex)

    // the panel's history shows the new version and its diff
    const version2 = page.locator('.parcel-panel [data-section="history"] [data-version="2"]')
    await version2.waitFor()
    await version2.locator('button.link').click()
    expect(await version2.locator('[data-diff="geometry"]').textContent()).toMatch(
      /^边界：.+亩.+→.+亩.+（增加 [\d,.]+ m²，减少 [\d,.]+ m²）$/,
    )
    await screenshot(page, 'tools-05-history.png')
  }, 120_000)

  it('refuses to save properties over someone else’s change and offers to reload', async () => {
    await page.click('.parcel-panel [data-action="edit-properties"]')
    const form = page.locator('.parcel-panel .parcel-form')
    await form.waitFor()
    // someone else saves first, with the ETag of the version the form was opened on
    const other = await page.evaluate(async (id) => {
      const read = await fetch(`/api/parcels/${id}`)
      const response = await fetch(`/api/parcels/${id}`, {
        method: 'PATCH',
        headers: { 'Content-Type': 'application/json', 'If-Match': read.headers.get('ETag')! },
        body: JSON.stringify({ properties: { ownership: '另一位用户填写的权属' } }),
      })
      return response.status
    }, drawnId)
    expect(other).toBe(200)

    await form.locator('input[name="name"]').fill('过期版本上的修改')
    await form.locator('button[type="submit"]').click()
    const conflict = form.locator('.version-conflict')
    await conflict.waitFor()
    expect(await conflict.textContent()).toContain('该地块已被他人修改（当前为第 3 版）')
    await screenshot(page, 'tools-06-conflict.png')
    expect((await parcelByCode(page, DRAWN))!.properties.name).toBe('端到端测试地块')

    await conflict.locator('[data-action="reload"]').click()
    await page.locator('.parcel-panel [data-field="parcel.version"]:has-text("3")').waitFor()
    await page.click('.parcel-panel [data-action="edit-properties"]')
    await page
      .locator('.parcel-panel .parcel-form input[name="name"]')
      .fill('端到端测试地块（已改名）')
    await page.click('.parcel-panel .parcel-form button[type="submit"]')
    await page.locator('.parcel-panel [data-field="parcel.version"]:has-text("4")').waitFor()
    expect((await parcelByCode(page, DRAWN))!.properties).toMatchObject({
      name: '端到端测试地块（已改名）',
      ownership: '另一位用户填写的权属',
    })
  })

  it('reads the sample Shapefile’s CRS, encoding and columns in a dry run', async () => {
    await openTab(page, 'import')
    await page.setInputFiles(
      '.import-panel input[type="file"]',
      path.join(ROOT, 'data-samples/parcels-gbk.zip'),
    )
    await page.click('[data-action="dry-run"]')
    await page.waitForSelector('.import-result [data-detected="crs"]', { timeout: 120_000 })
    expect(await page.locator('[data-detected="crs"]').textContent()).toContain('EPSG:4549')
    expect(await page.locator('[data-detected="encoding"]').textContent()).toBe('gbk（来自 .cpg）')
    expect(
      await page
        .locator('.mapping [data-column="地块编码"] [data-property]')
        .getAttribute('data-property'),
    ).toBe('code')
    expect(await page.locator('[data-import-status]').textContent()).toBe(
      '检查结果如上；确认之前不会保存任何数据。',
    )
    await screenshot(page, 'tools-07-import-shapefile.png')
    await page.click('.import-result [data-action="cancel"]')
  })

  const withRealFiles = dataExternalPresent() ? it : it.skip
  withRealFiles('asks for the zone class when a real file goes into a planning layer, and uses it', async () => {
    await openTab(page, 'import')
    const classField = page.locator('.import-panel input[name="class"]')
    expect(await classField.isVisible()).toBe(false)
    const layer = (await page.locator('.import-panel select[name="target"] option[value^="layer:"]').first().getAttribute('value'))!
    await page.selectOption('.import-panel select[name="target"]', layer)
    await page.selectOption('.import-panel select[name="mode"]', 'partial')
    await page.setInputFiles('.import-panel input[type="file"]', path.join(DATA_EXTERNAL, 'shapefile-js/senate.zip'))
    const dryRun = async () => {
      await page.click('[data-action="dry-run"]')
      await page.waitForSelector('.import-result [data-counts]', { timeout: 120_000 })
      return (await page.locator('[data-counts]').textContent())!
    }
    // no class given, none in the file: every feature is refused for it
    expect(await dryRun()).toBe('共 40 个要素：0 个可导入，40 个有问题')
    expect(await page.locator('.rejected li').first().textContent()).toContain('no zone class')
    // a .prj that proj4 reads but no EPSG code matches is named without a code
    expect(await page.locator('[data-detected="crs"]').textContent()).toBe(
      'NAD_1983_StatePlane_Massachusetts_Mainland_FIPS_2001（来自 .prj，无对应 EPSG 编码）',
    )
    await page.click('.import-result [data-action="cancel"]')
    await classField.fill('test_zone')
    // one polygon of the file crosses itself (GEOS: Ring Self-intersection)
    expect(await dryRun()).toBe('共 40 个要素：39 个可导入，1 个有问题')
    await screenshot(page, 'tools-08b-import-layer.png')
    await page.click('.import-result [data-action="cancel"]')
    await page.selectOption('.import-panel select[name="target"]', 'parcels')
    await page.selectOption('.import-panel select[name="mode"]', 'atomic')
  })

  it('imports a GeoJSON through the dialog: a dry run first, stored only when confirmed', async () => {
    const file = path.join(ARTIFACTS, 'tools-import.geojson')
    const square = (lon: number, lat: number) => [
      [
        [lon, lat],
        [lon + 0.0005, lat],
        [lon + 0.0005, lat + 0.0004],
        [lon, lat + 0.0004],
        [lon, lat],
      ],
    ]
    await writeFile(
      file,
      JSON.stringify({
        type: 'FeatureCollection',
        features: [
          {
            type: 'Feature',
            properties: {
              地块编码: IMPORTED,
              地块名称: '导入测试地块',
              镇街: '田横镇',
              地类: '农村可集约利用土地',
            },
            // on open land south-west of the drawn parcel, in 小埠村
            geometry: {
              type: 'Polygon',
              coordinates: square(westVertex[0]! - 0.003, westVertex[1]! - 0.002),
            },
          },
          {
            type: 'Feature',
            properties: { 地块编码: 'E2E-IMPORT-2', 镇街: '田横镇', 地类: '不存在的地类' },
            geometry: {
              type: 'Polygon',
              coordinates: square(westVertex[0]! - 0.002, westVertex[1]! - 0.002),
            },
          },
        ],
      }),
    )
    await page.setInputFiles('.import-panel input[type="file"]', file)
    await page.click('[data-action="dry-run"]')
    await page.waitForSelector('.import-result [data-action="confirm-import"]', { timeout: 60_000 })

    expect(await page.locator('[data-detected="crs"]').textContent()).toContain('EPSG:4490')
    expect(await page.locator('[data-counts]').textContent()).toBe(
      '共 2 个要素：1 个可导入，1 个有问题',
    )
    expect(await page.locator('.rejected li[data-index="1"]').getAttribute('data-code')).toBe(
      'unknown_category',
    )
    expect(await parcelByCode(page, IMPORTED), 'nothing stored by the dry run').toBeUndefined()
    await screenshot(page, 'tools-08-import-preview.png')

    const confirm = page.locator('[data-action="confirm-import"]')
    expect(await confirm.textContent()).toBe('确认导入 1 个正确的要素')
    await confirm.click()
    await page.waitForSelector('[data-import-done="stored"]', { timeout: 60_000 })
    expect(await page.locator('[data-import-status]').textContent()).toBe(
      '已导入：新建 1，更新 0，未变 0',
    )
    expect((await parcelByCode(page, IMPORTED))!.properties.name).toBe('导入测试地块')
    expect(await parcelByCode(page, 'E2E-IMPORT-2')).toBeUndefined()
    await screenshot(page, 'tools-09-imported.png')
  })

  it('runs the checks for the selected parcel and flies to a finding’s piece', async () => {
    const drawn = (await parcelByCode(page, DRAWN))!
    const inside = centroid(outerRing(drawn.geometry))
    await moveTo(page, 17, inside[0]!, inside[1]!)
    await clickAt(page, inside)
    await page.locator('.parcel-panel [data-field="parcel.code"]:has-text("E2E-DRAW-1")').waitFor()

    await openTab(page, 'checks')
    await page.selectOption('.checks-panel select[name="scope"]', 'selection')
    await page.click('[data-action="run-checks"]')
    await page.waitForSelector('.check-results .severity-counts', { timeout: 60_000 })
    const finding = page.locator('.check-results li.finding.conflict').first()
    expect(await finding.textContent()).toContain(WEST_OF_PAIR)
    expect(await finding.locator('.area').textContent()).toMatch(
      /^[\d,]+\.\d\d 亩 \([\d,]+\.\d\d m²\)$/,
    )

    await moveTo(page, 12, 120.6, 36.45)
    await finding.locator('button.link').click()
    await page.waitForFunction(() => Number(location.hash.slice(1).split('/')[0]) > 16, undefined, {
      timeout: 10_000,
    })
    await mapReady(page)
    const latest = await api<{ runs: { run_id: number }[] }>(page, '/api/checks?limit=1')
    const run = await api<{ findings: { code: string; geometry: MultiPolygon }[] }>(
      page,
      `/api/checks/${latest.runs[0]!.run_id}`,
    )
    const piece = run.findings.find((f) => f.code === 'parcel_overlap')!.geometry
    const lons = piece.coordinates.flat(2).map((p) => p[0]!)
    const lats = piece.coordinates.flat(2).map((p) => p[1]!)
    const v = await view(page)
    expect(v.lon).toBeGreaterThan(Math.min(...lons) - 1e-5)
    expect(v.lon).toBeLessThan(Math.max(...lons) + 1e-5)
    expect(v.lat).toBeGreaterThan(Math.min(...lats) - 1e-5)
    expect(v.lat).toBeLessThan(Math.max(...lats) + 1e-5)
    await screenshot(page, 'tools-10-finding.png')

    // the parcel panel now lists the finding too
    await page.locator('.parcel-panel [data-section="findings"] li.finding.conflict').waitFor()

    // waived (豁免), a re-run shows it as such
    const overlap = run.findings.find((f) => f.code === 'parcel_overlap') as unknown as {
      id: number
    }
    const waived = await page.evaluate(async (id) => {
      const response = await fetch(`/api/findings/${id}/waiver`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          approval_number: '即自然资〔2026〕12号',
          approver: '区自然资源局',
          approved_on: '2026-03-01',
          reason: '端到端测试：边界已由双方确认',
        }),
      })
      return response.status
    }, overlap.id)
    expect(waived).toBe(201)
    await page.click('[data-action="run-checks"]')
    const again = page.locator('.check-results li.finding.is-waived')
    await again.waitFor({ timeout: 60_000 })
    expect(await again.locator('.waived').textContent()).toBe('已豁免（即自然资〔2026〕12号）')
    await screenshot(page, 'tools-10b-waived.png')
  })

  it('exports the filtered parcels as GeoJSON and as a Shapefile GDAL reads', async () => {
    await openTab(page, 'filter')
    await page.selectOption('#panel-filter select[name="town"]', TIANHENG)
    await mapReady(page)
    await openTab(page, 'export')
    expect(await page.locator('[data-export-filter]').textContent()).toContain('田横镇')
    const expected = (
      await api<{ numberMatched: number }>(page, `/api/parcels?town=${TIANHENG}&limit=1`)
    ).numberMatched

    const [geojson] = await Promise.all([
      page.waitForEvent('download'),
      page.click('a[data-format="geojson"]'),
    ])
    const geojsonFile = path.join(ARTIFACTS, 'tools-export.geojson')
    await geojson.saveAs(geojsonFile)
    const collection = JSON.parse(await readFile(geojsonFile, 'utf8')) as { features: Feature[] }
    expect(collection.features).toHaveLength(expected)
    expect(collection.features.every((f) => f.properties.town === TIANHENG)).toBe(true)
    expect(collection.features.some((f) => f.properties.code === DRAWN)).toBe(true)

    await page.selectOption('.export-panel select[name="srid"]', '4549')
    const [shapefile] = await Promise.all([
      page.waitForEvent('download'),
      page.click('a[data-format="zip"]'),
    ])
    const zipFile = path.join(ARTIFACTS, 'tools-export.zip')
    await shapefile.saveAs(zipFile)
    const entries = Object.keys(unzipSync(new Uint8Array(await readFile(zipFile))))
    expect(
      entries.some((e) => e.endsWith('.shp')) &&
        entries.some((e) => e.endsWith('.dbf')) &&
        entries.some((e) => e.endsWith('.prj')),
    ).toBe(true)
    const ogrinfo = existsSync('/usr/bin/ogrinfo')
    if (!ogrinfo && process.env.CI === 'true')
      throw new Error('CI needs ogrinfo (gdal-bin) to read the exported Shapefile')
    if (ogrinfo) {
      const { stdout } = await run('ogrinfo', ['-so', '-al', `/vsizip/${zipFile}`])
      expect(stdout).toContain(`Feature Count: ${expected}`)
      expect(stdout).toMatch(/Gauss[_ -]Kruger|CM 120E|EPSG.*4549/i)
    } else {
      console.warn(
        'ogrinfo missing (apt-get install gdal-bin): the Shapefile was checked for its members only',
      )
    }

    // a village chosen: its ledgers, dossiers, and its notice (公示) posted from the panel, as a PDF
    await openTab(page, 'filter')
    await page.selectOption('#panel-filter select[name="village"]', '370215101021')
    await mapReady(page)
    await openTab(page, 'export')
    const form = page.locator('[data-notices] form[data-action="post-notice"]')
    await form.waitFor()
    expect(await page.locator('[data-notices] .note').first().textContent()).toBe('该村尚无有效的公示')
    await form.locator('input[name="objections_to"]').fill('田横镇农村经营管理站')
    await form.locator('button[type="submit"]').click()
    const notice = page.locator('[data-notices] a[data-format="notice"]')
    await notice.waitFor()
    const [pdf] = await Promise.all([page.waitForEvent('download'), notice.click()])
    const pdfFile = path.join(ARTIFACTS, 'tools-notice.pdf')
    await pdf.saveAs(pdfFile)
    expect((await readFile(pdfFile)).subarray(0, 5).toString()).toBe('%PDF-')
    expect(await page.locator('a[data-format="village-dossiers"]').getAttribute('href')).toBe(
      '/api/villages/370215101021/dossiers.zip',
    )
    await screenshot(page, 'tools-11-export.png')
  })

  it('switches the tools to English', async () => {
    await page.click('button[lang="en"]')
    expect(await page.locator('.tabs [data-tab="export"]').textContent()).toContain('Export')
    expect(await page.locator('[data-export-filter]').textContent()).toContain(
      'Exports follow the filter',
    )
    await openTab(page, 'draw')
    expect(await page.locator('[data-action="draw-new"]').textContent()).toBe('Draw a new parcel')
    await screenshot(page, 'tools-12-english.png')
    await page.click('button[lang="zh-CN"]')
  })

  it('offers a viewer none of the tools that change anything', async () => {
    const created = await page.evaluate(async () => {
      const response = await fetch('/api/users', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          username: 'e2e-viewer',
          password: 'viewer-password-1',
          role: 'viewer',
        }),
      })
      return response.status
    })
    expect(created).toBe(201)
    const context = await browser.newContext({ viewport: VIEWPORT, locale: 'zh-CN' })
    const viewer = await context.newPage()
    viewer.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(`viewer: ${message.text()}`)
    })
    await viewer.goto(server.url)
    await viewer.fill('input[name=username]', 'e2e-viewer')
    await viewer.fill('input[name=password]', 'viewer-password-1')
    await viewer.click('form.sign-in button[type=submit]')
    await mapReady(viewer)

    const tabs = await viewer
      .locator('.tabs [role="tab"]')
      .evaluateAll((all) => all.map((tab) => tab.getAttribute('data-tab')))
    expect(tabs).toContain('export')
    for (const tool of ['draw', 'checks', 'import']) expect(tabs).not.toContain(tool)

    const drawn = (await parcelByCode(viewer, DRAWN))!
    const inside = centroid(outerRing(drawn.geometry))
    await moveTo(viewer, 18, inside[0]!, inside[1]!)
    await clickAt(viewer, inside)
    await viewer.locator('.parcel-panel [data-section="four-sides"] [data-side="east"]').waitFor()
    expect(
      await viewer
        .locator(
          '.parcel-panel [data-action="edit-properties"], .parcel-panel [data-action="edit-outline"]',
        )
        .count(),
    ).toBe(0)
    // a village's notice: the viewer gets its PDF, not the form that posts one
    await openTab(viewer, 'filter')
    await viewer.selectOption('#panel-filter select[name="town"]', TIANHENG)
    await viewer.selectOption('#panel-filter select[name="village"]', '370215101021')
    await openTab(viewer, 'export')
    await viewer.locator('[data-notices] a[data-format="notice"]').waitFor()
    expect(await viewer.locator('form[data-action="post-notice"]').count()).toBe(0)
    await screenshot(viewer, 'tools-13-viewer.png')
    await context.close()
  })

  it('logs no errors in the browser console', () => {
    expect(consoleErrors).toEqual([])
  })
})
