import { existsSync, readdirSync, statSync } from 'node:fs'
import path from 'node:path'
import { ROOT } from './config.ts'
import { log } from './log.ts'

/** The newest modification time of any file under `dir`. */
function newest(dir: string): number {
  let latest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name)
    latest = Math.max(latest, entry.isDirectory() ? newest(file) : statSync(file).mtimeMs)
  }
  return latest
}

/**
 * Builds the client with Vite when client/dist is missing or older than its
 * sources (client/ and the shared domain modules it imports).
 */
export async function ensureClientBuilt(distDir: string): Promise<void> {
  const index = path.join(distDir, 'index.html')
  if (!existsSync(path.join(ROOT, 'client/index.html'))) {
    log.warn('no client sources to build', { dir: path.join(ROOT, 'client') })
    return
  }
  const sources = [path.join(ROOT, 'client/src'), path.join(ROOT, 'server/src/domain')].filter(existsSync)
  const sourceTime = Math.max(...sources.map(newest), statSync(path.join(ROOT, 'client/index.html')).mtimeMs)
  if (existsSync(index) && statSync(index).mtimeMs >= sourceTime) return

  const started = Date.now()
  const { build } = await import('vite')
  await build({ configFile: path.join(ROOT, 'vite.config.ts'), logLevel: 'error' })
  log.info('client built', { dir: distDir, ms: Date.now() - started })
}
