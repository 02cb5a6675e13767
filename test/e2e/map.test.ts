import { existsSync } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { chromium, type Browser, type ConsoleMessage, type Page } from 'playwright-core'
import { PNG } from 'pngjs'
import { build } from 'vite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ParcelCollection, ParcelFeature } from '../../client/src/api/parcels.ts'
import { labelPoint } from '../../client/src/geometry/label-point.ts'
import { CATEGORIES } from '../../server/src/domain/categories.ts'
import { startServerProcess } from '../helpers/app.ts'

const ROOT = path.resolve(import.meta.dirname, '../..')
const ARTIFACTS = path.join(ROOT, 'test/artifacts/e2e')
const CHROMIUM = '/usr/bin/chromium'
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]
const VIEWPORT = { width: 1280, height: 800 }

const hasChromium = existsSync(CHROMIUM)
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

function inside(x: number, y: number, boxes: Box[]): boolean {
  return boxes.some((b) => x >= b.x && x < b.x + b.width && y >= b.y && y < b.y + b.height)
}

/**
 * How many pixels of the screenshot have each colour (±3 per channel), not
 * counting those under `excluded` boxes (the legend shows the same colours).
 */
function countColors(png: Buffer, colors: string[], excluded: Box[]): number[] {
  const image = PNG.sync.read(png)
  const targets = colors.map(rgb)
  const counts = colors.map(() => 0)
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      if (inside(x, y, excluded)) continue
      const i = (y * image.width + x) * 4
      const [r, g, b] = [image.data[i]!, image.data[i + 1]!, image.data[i + 2]!]
      targets.forEach(([tr, tg, tb], k) => {
        if (Math.abs(r - tr) <= 3 && Math.abs(g - tg) <= 3 && Math.abs(b - tb) <= 3) counts[k]!++
      })
    }
  }
  return counts
}

async function screenshot(page: Page, name: string): Promise<Buffer> {
  const png = await page.screenshot()
  await writeFile(path.join(ARTIFACTS, name), png)
  return png
}

/** Waits until the map has drawn the boundaries and the parcels of the current view. */
async function mapReady(page: Page): Promise<void> {
  await page.waitForSelector('.map[data-map-state="ready"]', { timeout: 60_000 })
}

/** Moves the map through its URL hash (zoom/lat/lon) and waits until the new view is drawn. */
async function moveTo(page: Page, zoom: number, lon: number, lat: number): Promise<void> {
  await page.evaluate(
    (hash) =>
      new Promise<void>((resolve) => {
        addEventListener('hashchange', () => setTimeout(resolve, 0), { once: true })
        location.hash = hash
      }),
    `#${zoom}/${lat}/${lon}`,
  )
  await mapReady(page)
}

/** Browser console errors, less the 401 that a wrong password is meant to get. */
function isExpected(message: ConsoleMessage): boolean {
  return message.location().url.endsWith('/api/session') && message.text().includes('401')
}

describe.skipIf(!hasChromium && process.env.CI !== 'true')('the map page', () => {
  let server: Awaited<ReturnType<typeof startServerProcess>>
  let browser: Browser
  let page: Page
  const consoleErrors: string[] = []

  beforeAll(async () => {
    if (!hasChromium) throw new Error(`CI needs Chromium at ${CHROMIUM} for the browser tests`)
    await mkdir(ARTIFACTS, { recursive: true })
    await build({ configFile: path.join(ROOT, 'vite.config.ts'), logLevel: 'warn' })
    server = await startServerProcess()
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS })
    page = await browser.newPage({ viewport: VIEWPORT, locale: 'zh-CN' })
    page.on('console', (message) => {
      if (message.type() === 'error' && !isExpected(message)) consoleErrors.push(message.text())
    })
    page.on('pageerror', (error) => consoleErrors.push(error.message))
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
  })

  it('draws parcels of all three categories in their colours over the district', async () => {
    const png = await screenshot(page, '02-district.png')
    const legend = await page.locator('.legend').boundingBox()

    const counts = countColors(
      png,
      CATEGORIES.map((c) => c.color),
      legend ? [legend] : [],
    )

    for (const [k, category] of CATEGORIES.entries()) {
      expect(counts[k], `pixels of ${category.code} (${category.color})`).toBeGreaterThan(20)
    }
  })

  it('opens the facts of a clicked parcel, with its code and its area in 亩', async () => {
    const parcel = await page.evaluate(async () => {
      const response = await fetch('/api/parcels?category=idle_industrial&limit=1')
      const collection = (await response.json()) as ParcelCollection
      return collection.features[0]
    })
    expect(parcel, 'a sample parcel of idle_industrial').toBeDefined()
    const [lon, lat] = labelPoint((parcel as ParcelFeature).geometry)!
    await moveTo(page, 17, lon!, lat!)

    // The map fills the area below the header; its centre is the parcel's label point.
    const map = (await page.locator('.map').boundingBox())!
    await page.mouse.click(map.x + map.width / 2, map.y + map.height / 2)

    const panel = page.locator('.parcel-panel')
    await panel.waitFor({ state: 'visible' })
    const code = await panel.locator('[data-field="parcel.code"]').textContent()
    expect(code).toBe(parcel!.properties.code)
    expect(await panel.locator('[data-field="parcel.area"]').textContent()).toMatch(
      /^[\d,]+\.\d\d 亩 \([\d,]+\.\d\d m²\)$/,
    )
    expect(await panel.locator('[data-field="parcel.category"]').textContent()).toBe(
      '闲置低效工业用地',
    )
    await screenshot(page, '03-parcel.png')
  })

  it('switches the legend and the panel to English', async () => {
    await page.click('button[lang="en"]')

    for (const category of CATEGORIES) {
      const row = page.locator(`.legend li[data-category="${category.code}"]`)
      expect(await row.textContent()).toBe(category.en)
    }
    expect(await page.locator('.legend h2').textContent()).toBe('Legend')
    expect(await page.locator('.parcel-panel [data-field="parcel.area"]').textContent()).toContain(
      ' mu (',
    )
    expect(await page.locator('header.topbar').textContent()).toContain('District administrator')
    await screenshot(page, '04-english.png')
  })

  it('logs no errors in the browser console', () => {
    expect(consoleErrors).toEqual([])
  })
})
