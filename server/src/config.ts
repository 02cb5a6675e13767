import path from 'node:path'
import { DEFAULT_LIMITS, type ImportLimits } from './import/types.ts'

/** Settings read once from the environment at start-up. */
export interface Config {
  port: number
  /** Set: use the PostgreSQL + PostGIS server; unset: the embedded PGlite. */
  databaseUrl: string | undefined
  dataDir: string
  adminPassword: string | undefined
  /** Load data-samples/ into an empty database at start-up. */
  loadSamples: boolean
  samplesDir: string
  clientDir: string
  /** Build the client at start when its sources are newer; off: serve client/dist as it is. */
  buildClient: boolean
  /** Proxies whose X-Forwarded-For and X-Forwarded-Proto are believed: Express's `trust proxy`. */
  trustProxy: string
  logLevel: 'debug' | 'info' | 'warn' | 'error'
  sessionHours: number
  importLimits: ImportLimits
  /** The public address of the app (behind a proxy), for the notice's QR code; unset: the request's host. */
  publicUrl: string | undefined
  /** The largest photo or scan a parcel may be given, bytes. */
  attachmentMaxBytes: number
  /** The basemap the map client starts with (a user may switch it off or set another); null: none. */
  basemap: Basemap | null
  /** Memory for rendered vector tiles kept until their data changes, bytes; 0: none kept. */
  tileCacheBytes: number
}

/** XYZ raster tiles ({z}/{x}/{y}, {0-7} for spread servers) or a MapLibre style.json. */
export interface Basemap {
  kind: 'raster' | 'style'
  url: string
  attribution?: string
}

// A phone photo is 3–8 MB and a scanned contract of a few pages in colour
// 10–15 MB; 20 MiB takes both and keeps a village's archive in a backup.
export const ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024

export const ROOT = path.resolve(import.meta.dirname, '../..')

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return {
    port: parsePort(env.PORT),
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: path.resolve(env.JIYUAN_DATA_DIR ?? path.join(ROOT, 'data/db')),
    adminPassword: env.JIYUAN_ADMIN_PASSWORD || undefined,
    loadSamples: env.JIYUAN_SAMPLES !== 'off',
    samplesDir: path.resolve(env.JIYUAN_SAMPLES_DIR ?? path.join(ROOT, 'data-samples')),
    clientDir: path.join(ROOT, 'client/dist'),
    buildClient: env.JIYUAN_CLIENT_BUILD !== 'off',
    trustProxy: env.JIYUAN_TRUST_PROXY || 'loopback',
    logLevel: parseLogLevel(env.LOG_LEVEL),
    sessionHours: 12,
    publicUrl: env.JIYUAN_PUBLIC_URL || undefined,
    attachmentMaxBytes: sizeSetting(env, 'JIYUAN_ATTACHMENT_MAX_BYTES', ATTACHMENT_MAX_BYTES),
    basemap: parseBasemap(env),
    tileCacheBytes: (env.JIYUAN_TILE_CACHE_MB === '0' ? 0 : sizeSetting(env, 'JIYUAN_TILE_CACHE_MB', 64)) * 1024 * 1024,
    importLimits: {
      maxUploadBytes: sizeSetting(env, 'JIYUAN_IMPORT_MAX_BYTES', DEFAULT_LIMITS.maxUploadBytes),
      maxZipEntries: sizeSetting(env, 'JIYUAN_IMPORT_MAX_ZIP_ENTRIES', DEFAULT_LIMITS.maxZipEntries),
      maxUncompressedBytes: sizeSetting(env, 'JIYUAN_IMPORT_MAX_UNCOMPRESSED_BYTES', DEFAULT_LIMITS.maxUncompressedBytes),
      maxFeatures: sizeSetting(env, 'JIYUAN_IMPORT_MAX_FEATURES', DEFAULT_LIMITS.maxFeatures),
      maxVerticesPerFeature: sizeSetting(env, 'JIYUAN_IMPORT_MAX_VERTICES', DEFAULT_LIMITS.maxVerticesPerFeature),
    },
  }
}

function sizeSetting(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const value = env[name]
  if (value === undefined || value === '') return fallback
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new Error(`${name} must be a positive integer, got "${value}"`)
  return Number(value)
}

function parseBasemap(env: NodeJS.ProcessEnv): Basemap | null {
  const url = env.JIYUAN_BASEMAP_URL
  if (url === undefined || url === '') return null
  if (!/^https?:\/\//.test(url)) throw new Error(`JIYUAN_BASEMAP_URL must start with http:// or https://, got "${url}"`)
  const kind = env.JIYUAN_BASEMAP_KIND || 'raster'
  if (kind !== 'raster' && kind !== 'style') throw new Error(`JIYUAN_BASEMAP_KIND must be raster or style, got "${kind}"`)
  const attribution = env.JIYUAN_BASEMAP_ATTRIBUTION
  return attribution ? { kind, url, attribution } : { kind, url }
}

function parsePort(value: string | undefined): number {
  if (value === undefined || value === '') return 8080
  const port = Number(value)
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`PORT must be an integer from 0 to 65535, got "${value}"`)
  }
  return port
}

function parseLogLevel(value: string | undefined): Config['logLevel'] {
  const levels = ['debug', 'info', 'warn', 'error'] as const
  if (value === undefined || value === '') return 'info'
  const level = levels.find((l) => l === value)
  if (!level) throw new Error(`LOG_LEVEL must be one of ${levels.join(', ')}, got "${value}"`)
  return level
}
