import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs'
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
  const fresh = () => existsSync(index) && statSync(index).mtimeMs >= sourceTime
  if (fresh()) return

  // Several server processes started at once from one installation build it
  // once: the others wait for the first, whose build empties the folder first.
  const lock = `${distDir}.building`
  while (!takeLock(lock)) {
    await new Promise((resolve) => setTimeout(resolve, 500))
    if (fresh()) return
  }
  try {
    const started = Date.now()
    const { build } = await import('vite')
    await build({ configFile: path.join(ROOT, 'vite.config.ts'), logLevel: 'error' })
    log.info('client built', { dir: distDir, ms: Date.now() - started })
  } finally {
    rmSync(lock, { recursive: true, force: true })
  }
}

// A build takes well under a minute; an older lock was left by a process that died.
const STALE_LOCK_MS = 5 * 60_000

/** mkdir is atomic: exactly one process creates the folder. */
function takeLock(lock: string): boolean {
  if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > STALE_LOCK_MS) rmSync(lock, { recursive: true, force: true })
  try {
    mkdirSync(lock)
    return true
  } catch {
    return false
  }
}
