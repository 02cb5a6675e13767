import { spawnSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { it } from 'vitest'
import type { Client } from './app.ts'

/** pdftotext (Debian poppler-utils), or null: then the test is skipped, except in CI where it fails. */
function pdftotext(): string | null {
  if (spawnSync('pdftotext', ['-v']).error === undefined) return 'pdftotext'
  if (process.env.CI === 'true') throw new Error('CI=true but pdftotext (Debian poppler-utils) is missing: PDFs must be read back')
  console.warn('pdftotext (Debian poppler-utils) is not installed: the checks that read PDFs are skipped')
  return null
}

export const withPdftotext = pdftotext() ? it : it.skip

/** The text of the PDF a route answers with, white space removed (Chinese wraps anywhere). */
export async function pdfTextOf(client: Client, route: string): Promise<string> {
  const response = await fetch(client.url + route, { headers: client.cookie ? { cookie: client.cookie } : {} })
  if (response.status !== 200) throw new Error(`${route} answered ${response.status}`)
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'jiyuan-pdf-')), 'document.pdf')
  writeFileSync(file, new Uint8Array(await response.arrayBuffer()))
  return spawnSync('pdftotext', [file, '-'], { encoding: 'utf8' }).stdout.replace(/\s+/g, '')
}
