import { createServer } from 'node:http'
import { ensureAdmin } from './auth/bootstrap.ts'
import { ensureClientBuilt } from './client-build.ts'
import { readConfig } from './config.ts'
import { openDatabase } from './db/open.ts'
import { createApp } from './app.ts'
import { JOB_HANDLERS } from './jobs/handlers.ts'
import { startJobWorker } from './jobs/worker.ts'
import { log, setLogLevel } from './log.ts'
import { isEmpty, loadSamples } from './samples/load.ts'
import { tileService } from './tiles/service.ts'

/** Start-up: config, database, sample data, client, listen; graceful shutdown. */
async function main(): Promise<void> {
  const started = Date.now()
  const config = readConfig()
  setLogLevel(config.logLevel)
  const [{ db, postgis }] = await Promise.all([
    openDatabase(config),
    config.buildClient ? ensureClientBuilt(config.clientDir) : undefined,
  ])

  if (config.loadSamples && (await isEmpty(db))) await loadSamples(db, config.samplesDir)
  await ensureAdmin(db, config.adminPassword)

  const server = createServer(createApp({ config, db, postgis }))
  const worker = startJobWorker(db, JOB_HANDLERS)
  server.listen(config.port, () => {
    const address = server.address()
    const port = typeof address === 'object' && address ? address.port : config.port
    log.info('Jiyuan 即源 is listening', { url: `http://localhost:${port}`, driver: db.driver, ms: Date.now() - started })
    if (!config.adminPassword) {
      log.info('admin password: printed above on the first start, or set JIYUAN_ADMIN_PASSWORD before that')
    }
    // in the background, one tile at a time: requests are served in between
    tileService(db, config.tileCacheBytes)
      .warmOverview()
      .catch((error: unknown) => log.warn('overview tiles not drawn', { error: String(error) }))
  })

  const stop = (signal: string) => {
    log.info('shutting down', { signal })
    server.close(() => void worker.stop().then(() => db.close()).then(() => process.exit(0)))
    setTimeout(() => process.exit(1), 10_000).unref()
  }
  process.once('SIGINT', () => stop('SIGINT'))
  process.once('SIGTERM', () => stop('SIGTERM'))
}

main().catch((error: unknown) => {
  log.error('start-up failed', { error: error instanceof Error ? error.message : String(error) })
  process.exit(1)
})
