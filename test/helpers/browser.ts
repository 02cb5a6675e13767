// What the browser tests share: Debian's Chromium and its flags, the
// artefacts folder, and the moves every test makes on the map page.
import { existsSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import type { Page } from 'playwright-core'
import { ROOT } from '../../server/src/config.ts'

/** Screenshots and downloads of the browser tests (not committed). */
export const ARTIFACTS = path.join(ROOT, 'test/artifacts/e2e')
export const CHROMIUM = '/usr/bin/chromium'
export const hasChromium = existsSync(CHROMIUM)
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

/** A screenshot of the page, kept in the artefacts folder as `name`. */
export async function screenshot(page: Page, name: string): Promise<Buffer> {
  const png = await page.screenshot()
  await writeFile(path.join(ARTIFACTS, name), png)
  return png
}

/**
 * Waits until the map has drawn the boundaries and the tiles of the current
 * view and filter. Polled on a timer: waiting for the selector polls on
 * animation frames, and once missed a state that held (the dashboard's bar
 * click) until the test timed out.
 */
export async function mapReady(page: Page): Promise<void> {
  await page.waitForFunction(() => document.querySelector('.map')?.getAttribute('data-map-state') === 'ready', null, {
    timeout: 60_000,
    polling: 200,
  })
}

/** Moves the map through its URL hash (zoom/lat/lon) and waits until the new view is drawn. */
export async function moveTo(page: Page, zoom: number, lon: number, lat: number): Promise<void> {
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

/** Opens a sidebar tab and waits for its panel. */
export async function openTab(page: Page, id: string): Promise<void> {
  await page.click(`.tabs [data-tab="${id}"]`)
  await page.waitForSelector(`#panel-${id}:not([hidden])`)
}
