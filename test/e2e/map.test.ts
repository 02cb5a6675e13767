import { mkdir } from 'node:fs/promises'
import path from 'node:path'
import { chromium, type Browser, type ConsoleMessage, type Page } from 'playwright-core'
import { PNG } from 'pngjs'
import { build } from 'vite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ParcelCollection, ParcelFeature } from '../../client/src/api/parcels.ts'
import { ROOT } from '../../server/src/config.ts'
import { CATEGORIES } from '../../server/src/domain/categories.ts'
import { labelPoint } from '../../server/src/domain/label-point.ts'
import { ZONE_STYLES } from '../../server/src/domain/zone-classes.ts'
import { TEST_USERS } from '../helpers/fixtures.ts'
import { startServerProcess } from '../helpers/app.ts'
import { ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, hasChromium, mapReady, moveTo, openTab, screenshot } from '../helpers/browser.ts'

const LAPTOP = { width: 1280, height: 800 }
const TABLET = { width: 768, height: 1024 }
/** 田横镇 */
const TIANHENG = '370215101'
const [IDLE, COLLECTIVE, INTENSIVE] = CATEGORIES.map((c) => c.code) as [string, string, string]
const COLORS = CATEGORIES.map((c) => c.color)

if (!hasChromium && process.env.CI !== 'true') {
  console.warn(`skipping the map page tests: no Chromium at ${CHROMIUM} (apt-get install chromium)`)
}

interface Box {
  x: number
  y: number
  width: number
  height: number
}

/** [r, g, b] of `#rrggbb`. */
function rgb(hex: string): [number, number, number] {
  const value = parseInt(hex.slice(1), 16)
  return [(value >> 16) & 255, (value >> 8) & 255, value & 255]
}

/** A colour drawn at `opacity` over another, as the map composites a translucent fill. */
function over(hex: string, opacity: number, ground: string): string {
  const [a, b] = [rgb(hex), rgb(ground)]
  const mixed = a.map((c, i) => Math.round(c * opacity + b[i]! * (1 - opacity)))
  return '#' + mixed.map((c) => c.toString(16).padStart(2, '0')).join('')
}

function inside(x: number, y: number, box: Box): boolean {
  return x >= box.x && x < box.x + box.width && y >= box.y && y < box.y + box.height
}

/**
 * How many pixels inside `area` have each colour (± `tolerance` per channel),
 * not counting those under `excluded` boxes (the legend shows the same colours).
 */
function countColors(png: Buffer, colors: string[], area: Box, excluded: Box[], tolerance = 3): number[] {
  const image = PNG.sync.read(png)
  const targets = colors.map(rgb)
  const counts = colors.map(() => 0)
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      if (!inside(x, y, area) || excluded.some((box) => inside(x, y, box))) continue
      const i = (y * image.width + x) * 4
      const [r, g, b] = [image.data[i]!, image.data[i + 1]!, image.data[i + 2]!]
      targets.forEach(([tr, tg, tb], k) => {
        const near = Math.abs(r - tr) <= tolerance && Math.abs(g - tg) <= tolerance
        if (near && Math.abs(b - tb) <= tolerance) counts[k]!++
      })
    }
  }
  return counts
}

/** The share of pixels inside `area` that differ between two screenshots by more than 24 in a channel. */
function changedShare(before: Buffer, after: Buffer, area: Box, excluded: Box[]): number {
  const [a, b] = [PNG.sync.read(before), PNG.sync.read(after)]
  let changed = 0
  let total = 0
  for (let y = 0; y < a.height; y++) {
    for (let x = 0; x < a.width; x++) {
      if (!inside(x, y, area) || excluded.some((box) => inside(x, y, box))) continue
      total++
      const i = (y * a.width + x) * 4
      if ([0, 1, 2].some((c) => Math.abs(a.data[i + c]! - b.data[i + c]!) > 24)) changed++
    }
  }
  return changed / total
}



/** The map's box on the page, and what floats over it. */
async function mapArea(page: Page): Promise<{ area: Box; excluded: Box[] }> {
  const area = (await page.locator('.map').boundingBox())!
  const legend = await page.locator('.legend').boundingBox()
  return { area, excluded: legend ? [legend] : [] }
}

/** Pixels of the three category colours on the map. */
async function categoryPixels(page: Page, name: string): Promise<number[]> {
  const png = await screenshot(page, name)
  const { area, excluded } = await mapArea(page)
  return countColors(png, COLORS, area, excluded)
}



/** The filter through the 筛选 tab's select, as a user picks it. */
async function pick(page: Page, name: string, value: string): Promise<void> {
  await openTab(page, 'filter')
  await page.selectOption(`#panel-filter select[name="${name}"]`, value)
  await mapReady(page)
}

/** How many parcels the API says match a query, as the page's own session sees them. */
async function matched(page: Page, query: string): Promise<number> {
  return page.evaluate(async (q) => {
    const response = await fetch(`/api/parcels?limit=1&${q}`)
    return ((await response.json()) as ParcelCollection).numberMatched ?? -1
  }, query)
}

/** The table's rows once it shows the given total, read from its pager ("共 N 条"). */
async function tableRows(page: Page, total: number): Promise<{ id: string; category: string }[]> {
  await openTab(page, 'table')
  await expect
    .poll(() => page.locator('#panel-table .pager .range').textContent(), { timeout: 20_000 })
    .toContain(`共 ${total.toLocaleString('en-US')} 条`)
  return page.$$eval('#panel-table tbody tr', (rows) =>
    rows.map((row) => ({
      id: row.getAttribute('data-parcel-id') ?? '',
      category: row.querySelector('td.category')?.getAttribute('data-category') ?? '',
    })),
  )
}

/** Browser console errors, less the 401 that a wrong password is meant to get. */
function isExpected(message: ConsoleMessage): boolean {
  return message.location().url.endsWith('/api/session') && message.text().includes('401')
}

async function signIn(page: Page, username: string, password: string): Promise<void> {
  await page.fill('input[name=username]', username)
  await page.fill('input[name=password]', password)
  await page.click('form.sign-in button[type=submit]')
  await mapReady(page)
}

describe.skipIf(!hasChromium && process.env.CI !== 'true')('the map page', () => {
  let server: Awaited<ReturnType<typeof startServerProcess>>
  let browser: Browser
  let page: Page
  const consoleErrors: string[] = []
  /** The parcel tiles the page asked for (MapLibre fetches them in a worker). */
  const tileRequests: string[] = []

  const watch = (watched: Page): void => {
    watched.on('console', (message) => {
      if (message.type() === 'error' && !isExpected(message)) consoleErrors.push(message.text())
    })
    watched.on('pageerror', (error) => consoleErrors.push(error.message))
  }

  beforeAll(async () => {
    if (!hasChromium) throw new Error(`CI needs Chromium at ${CHROMIUM} for the browser tests`)
    await mkdir(ARTIFACTS, { recursive: true })
    await build({ configFile: path.join(ROOT, 'vite.config.ts'), logLevel: 'warn' })
    server = await startServerProcess()
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS })
    page = await browser.newPage({ viewport: LAPTOP, locale: 'zh-CN' })
    watch(page)
    page.on('request', (request) => {
      if (request.url().includes('/tiles/parcels/')) tileRequests.push(request.url())
    })
  }, 240_000)

  afterAll(async () => {
    await browser?.close()
    await server?.stop()
  })

  it('shows the sign-in form, and the server’s message for a wrong password', async () => {
    await page.goto(server.url)
    await page.fill('input[name=username]', 'admin')
    await page.fill('input[name=password]', 'not-the-password')
    await page.click('form.sign-in button[type=submit]')

    const message = page.locator('.sign-in-error')
    await expect.poll(() => message.textContent()).not.toBe('')
    expect(await page.locator('form.sign-in').textContent()).toContain('用户名')
    await screenshot(page, '01-sign-in.png')
  })

  it('signs the admin in and names the role in Chinese in the header', async () => {
    await page.fill('input[name=password]', server.adminPassword)
    await page.click('form.sign-in button[type=submit]')
    await mapReady(page)

    const header = await page.locator('header.topbar').textContent()
    expect(header).toContain('即源 · 即墨区农村公共资源一张图')
    expect(header).toContain('admin')
    expect(header).toContain('区级管理员')
    expect(header).toContain('退出')
    expect(await page.locator('header .read-only').isHidden()).toBe(true)
  })

  it('draws parcels of all three categories from the vector tiles in their colours over the district', async () => {
    const counts = await categoryPixels(page, '02-district.png')
    for (const [k, category] of CATEGORIES.entries()) {
      expect(counts[k], `pixels of ${category.code} (${category.color})`).toBeGreaterThan(20)
    }
    expect(tileRequests.length).toBeGreaterThan(0)
  })

  it('draws a planning layer over the map when it is switched on, and takes it away when off', async () => {
    await openTab(page, 'layers')
    const { area, excluded } = await mapArea(page)
    const before = await screenshot(page, '03-layers-off.png')
    const farmland = over(ZONE_STYLES.basic_farmland!.fill!, 0.7, '#f3f1ea')

    await page.check('#panel-layers input[data-layer="永久基本农田"]')
    await mapReady(page)
    const on = await screenshot(page, '04-farmland-on.png')
    expect(changedShare(before, on, area, excluded)).toBeGreaterThan(0.003)
    const [farmlandPixels] = countColors(on, [farmland], area, excluded, 6)
    expect(farmlandPixels, `pixels of farmland (${farmland})`).toBeGreaterThan(300)
    expect(await page.locator('.legend li[data-zone-class="basic_farmland"]').textContent()).toBe('永久基本农田')

    await page.uncheck('#panel-layers input[data-layer="永久基本农田"]')
    await mapReady(page)
    const off = await screenshot(page, '05-farmland-off.png')
    expect(countColors(off, [farmland], area, excluded, 6)[0]).toBeLessThan(farmlandPixels! / 10)
  })

  it('puts an XYZ basemap under the district’s layers, and takes it away when switched off', async () => {
    // a tile server of one colour, answered by the browser itself: the test needs no network
    const magenta = new PNG({ width: 256, height: 256 })
    for (let i = 0; i < magenta.data.length; i += 4) magenta.data.set([255, 0, 255, 255], i)
    await page.route('https://basemap.test/**', (route) =>
      route.fulfill({ contentType: 'image/png', body: PNG.sync.write(magenta) }),
    )
    await openTab(page, 'layers')
    await page.selectOption('#panel-layers .basemap select', 'raster')
    await page.fill('#panel-layers .basemap input', 'https://basemap.test/{z}/{x}/{y}.png')
    await page.click('#panel-layers .basemap button[type="submit"]')
    await mapReady(page)
    const { area, excluded } = await mapArea(page)
    const on = await screenshot(page, '05a-basemap-on.png')
    const [shown] = countColors(on, ['#ff00ff'], area, excluded)
    expect(shown! / (area.width * area.height), 'share of the map showing the basemap').toBeGreaterThan(0.2)
    expect(Math.min(...countColors(on, COLORS, area, excluded)), 'parcels over the basemap').toBeGreaterThan(20)

    await page.selectOption('#panel-layers .basemap select', 'off')
    await page.click('#panel-layers .basemap button[type="submit"]')
    await mapReady(page)
    const off = await screenshot(page, '05b-basemap-off.png')
    expect(countColors(off, ['#ff00ff'], area, excluded)[0]).toBe(0)
    await page.unroute('https://basemap.test/**')
  })

  it('shows only the chosen category on the map and in the table', async () => {
    await pick(page, 'category', COLLECTIVE)
    const counts = await categoryPixels(page, '06-filter-category.png')
    expect(counts[1], 'pixels of the chosen category').toBeGreaterThan(20)
    expect(counts[0]! + counts[2]!, 'pixels of the other two').toBeLessThan(5)

    const rows = await tableRows(page, await matched(page, `category=${COLLECTIVE}`))
    expect(rows.length).toBe(50)
    expect(new Set(rows.map((r) => r.category))).toEqual(new Set([COLLECTIVE]))
  })

  it('narrows map and table to a town, flying there', async () => {
    await pick(page, 'town', TIANHENG)
    const total = await matched(page, `town=${TIANHENG}&category=${COLLECTIVE}`)
    expect(total).toBeGreaterThan(0)
    const rows = await tableRows(page, total)
    expect(rows.length).toBe(Math.min(total, 50))
    const towns = await page.evaluate(async (ids) => {
      const parcels = await Promise.all(ids.map((id) => fetch(`/api/parcels/${id}`).then((r) => r.json())))
      return [...new Set(parcels.map((p: ParcelFeature) => p.properties.town))]
    }, rows.slice(0, 5).map((r) => r.id))
    expect(towns).toEqual([TIANHENG])

    const counts = await categoryPixels(page, '07-filter-town.png')
    expect(counts[1]).toBeGreaterThan(20)
    expect(page.url()).toContain(`town=${TIANHENG}`)
  })

  it('keeps the view, the filter and the tab in the URL, so a reload shows the same map', async () => {
    const before = new URL(page.url())
    await page.reload()
    await mapReady(page)
    const after = new URL(page.url())

    expect(after.search).toBe(before.search)
    const [zoom, lat, lon] = after.hash.slice(1).split('/').map(Number)
    const [zoom0, lat0, lon0] = before.hash.slice(1).split('/').map(Number)
    expect(Math.abs(zoom! - zoom0!)).toBeLessThan(0.01)
    expect(Math.abs(lat! - lat0!)).toBeLessThan(1e-5)
    expect(Math.abs(lon! - lon0!)).toBeLessThan(1e-5)
    expect(await page.locator('.tabs [aria-selected="true"]').getAttribute('data-tab')).toBe('table')
    await tableRows(page, await matched(page, `town=${TIANHENG}&category=${COLLECTIVE}`))
    await openTab(page, 'filter')
    expect(await page.inputValue('#panel-filter select[name="town"]')).toBe(TIANHENG)
    expect(await page.inputValue('#panel-filter select[name="category"]')).toBe(COLLECTIVE)
  })

  it('filters the map by a click on a dashboard bar, and clears it with a second click', async () => {
    await page.click('#panel-filter .clear-filter')
    await mapReady(page)
    await openTab(page, 'dashboard')
    const bar = page.locator(`#panel-dashboard .bar-row[data-key="category"][data-code="${IDLE}"]`)
    await bar.waitFor()
    expect(await page.locator('#panel-dashboard .total').textContent()).toMatch(/^合计 5,000 个地块/)

    await bar.click()
    await mapReady(page)
    expect(new URL(page.url()).searchParams.get('category')).toBe(IDLE)
    const counts = await categoryPixels(page, '08-dashboard-filter.png')
    expect(counts[0], 'pixels of the clicked category').toBeGreaterThan(20)
    expect(counts[1]! + counts[2]!, 'pixels of the other two').toBeLessThan(5)
    await expect.poll(() => bar.getAttribute('aria-pressed')).toBe('true')

    await bar.click()
    await mapReady(page)
    expect(new URL(page.url()).searchParams.get('category')).toBeNull()
    const all = await categoryPixels(page, '09-dashboard-cleared.png')
    expect(Math.min(...all)).toBeGreaterThan(20)
  })

  it('opens the facts of a clicked parcel, with its code and its area in 亩, and Escape closes them', async () => {
    const parcel = await page.evaluate(async (category) => {
      const response = await fetch(`/api/parcels?category=${category}&limit=1`)
      return ((await response.json()) as ParcelCollection).features[0]
    }, IDLE)
    expect(parcel, 'a sample parcel of idle_industrial').toBeDefined()
    const [lon, lat] = labelPoint((parcel as ParcelFeature).geometry)!
    await moveTo(page, 17, lon!, lat!)

    const map = (await page.locator('.map').boundingBox())!
    await page.mouse.click(map.x + map.width / 2, map.y + map.height / 2)

    const panel = page.locator('.parcel-panel')
    await panel.waitFor({ state: 'visible' })
    const code = await panel.locator('[data-field="parcel.code"]').textContent()
    expect(code).toBe(parcel!.properties.code)
    expect(await panel.locator('[data-field="parcel.area"]').textContent()).toMatch(
      /^[\d,]+\.\d\d 亩 \([\d,]+\.\d\d m²\)$/,
    )
    expect(await panel.locator('[data-field="parcel.category"]').textContent()).toBe('闲置低效工业用地')
    expect(new URL(page.url()).searchParams.get('parcel')).toBe(String(parcel!.properties.id))
    await screenshot(page, '10-parcel.png')

    await page.keyboard.press('Escape')
    await panel.waitFor({ state: 'hidden' })
    expect(new URL(page.url()).searchParams.get('parcel')).toBeNull()
  })

  it('moves between tabs with the arrow keys', async () => {
    await page.focus('.tabs [aria-selected="true"]')
    const first = await page.locator('.tabs [aria-selected="true"]').getAttribute('data-tab')
    await page.keyboard.press('ArrowRight')
    const second = await page.locator('.tabs [aria-selected="true"]').getAttribute('data-tab')
    expect(second).not.toBe(first)
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-tab'))).toBe(second)
    await page.keyboard.press('ArrowLeft')
    expect(await page.locator('.tabs [aria-selected="true"]').getAttribute('data-tab')).toBe(first)
  })

  it('switches the legend, the tabs and the header to English', async () => {
    await page.click('button[lang="en"]')

    for (const category of CATEGORIES) {
      const row = page.locator(`.legend li[data-category="${category.code}"]`)
      expect(await row.textContent()).toBe(category.en)
    }
    expect(await page.locator('.legend h2').textContent()).toBe('Legend')
    expect(await page.locator('.tabs [data-tab="layers"]').textContent()).toBe('Layers')
    expect(await page.locator('header.topbar').textContent()).toContain('District administrator')
    await screenshot(page, '11-english.png')
    await page.click('button[lang="zh-CN"]')
  })

  it('fits a tablet screen without sideways scrolling', async () => {
    await page.setViewportSize(TABLET)
    await moveTo(page, 9.5, 120.55, 36.41)
    const { scrollWidth, map } = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      map: document.querySelector('.map')!.getBoundingClientRect().width,
    }))
    expect(scrollWidth).toBeLessThanOrEqual(TABLET.width)
    expect(map).toBeGreaterThan(400)
    const counts = await categoryPixels(page, '12-tablet.png')
    expect(Math.min(...counts)).toBeGreaterThan(20)
    await page.setViewportSize(LAPTOP)
  })

  it('offers a viewer no drawing or import tools and says it reads only', async () => {
    const viewer = TEST_USERS.viewer
    const created = await page.evaluate(async (user) => {
      const response = await fetch('/api/users', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: user.username, password: user.password, role: 'viewer' }),
      })
      return response.status
    }, viewer)
    expect(created).toBe(201)

    const other = await browser.newPage({ viewport: LAPTOP, locale: 'zh-CN' })
    watch(other)
    await other.goto(server.url)
    await signIn(other, viewer.username, viewer.password)
    const tabs = await other.$$eval('.tabs [role="tab"]', (list) => list.map((tab) => tab.getAttribute('data-tab')))
    expect(tabs).toEqual(expect.arrayContaining(['layers', 'filter', 'table', 'dashboard']))
    expect(tabs).not.toContain('draw')
    expect(tabs).not.toContain('import')
    expect(await other.locator('header .read-only').textContent()).toBe('只读')
    await screenshot(other, '13-viewer.png')
    await other.close()
  })

  it('logs no errors in the browser console', () => {
    expect(consoleErrors).toEqual([])
  })
})
