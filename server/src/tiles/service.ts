// Tiles for the routes: drawn by render.ts, kept by cache.ts while their data
// is unchanged, and the district's overview drawn ahead of the first user
// when the district is large.
import type { User } from '../auth/roles.ts'
import { townScope } from '../auth/roles.ts'
import type { Db } from '../db/db.ts'
import { log } from '../log.ts'
import { PARCELS, type Source } from '../ogc/collections.ts'
import { etagOf, TileCache, type CachedTile } from './cache.ts'
import { tileAt, tileBounds, type TileId } from './grid.ts'
import { renderTile, type TileFilter } from './render.ts'

/** From this many parcels on, the overview tiles are drawn at start: cold, each takes ~0.5–2 s embedded. */
export const WARM_PARCELS = 20_000
/** The zooms of a district seen whole, on a tablet (8) to a wide screen (11), and of a town (12, 13). */
const WARM_ZOOMS = [8, 9, 10, 11, 12, 13]

/** Whoever reads the whole district: the scope the overview is drawn for (admins, analysts, viewers). */
const DISTRICT_READER: User = { id: 0, username: 'tile-overview', displayName: null, role: 'viewer', town: null }

export interface ServedTile extends CachedTile {
  /** from memory rather than drawn for this request */
  cached: boolean
}

/**
 * What makes two tile requests the same tile: the collection, the tile, the
 * filters (in a fixed order) and the town the user's reads are confined to.
 */
function cacheKey(source: Source, tile: TileId, query: Record<string, string>, user: User): string {
  const filters = Object.entries(query)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([name, value]) => `${name}=${encodeURIComponent(value)}`)
    .join('&')
  return `${source.id}/${tile.z}/${tile.x}/${tile.y}?${filters}#${townScope(user) ?? '*'}`
}

/** The tiles x, y of zoom z that cover a lon/lat box. */
function tilesOver([w, s, e, n]: [number, number, number, number], z: number): TileId[] {
  const [northWest, southEast] = [tileAt(w, n, z), tileAt(e, s, z)]
  const tiles: TileId[] = []
  for (let x = northWest.x; x <= southEast.x; x++) for (let y = northWest.y; y <= southEast.y; y++) tiles.push({ z, x, y })
  return tiles
}

const services = new WeakMap<Db, Map<number, TileService>>()

/**
 * The tile service of a database and cache size in this process: the routes
 * and the start-up share its cache.
 */
export function tileService(db: Db, cacheBytes: number): TileService {
  const bySize = services.get(db) ?? new Map<number, TileService>()
  services.set(db, bySize)
  let service = bySize.get(cacheBytes)
  if (!service) bySize.set(cacheBytes, (service = new TileService(db, cacheBytes)))
  return service
}

export class TileService {
  private readonly cache: TileCache | null

  /** `cacheBytes` 0: every tile is drawn for its request. */
  constructor(private readonly db: Db, cacheBytes: number) {
    this.cache = cacheBytes > 0 ? new TileCache(cacheBytes) : null
  }

  async tile(user: User, source: Source, tile: TileId, query: Record<string, string>, filter: TileFilter): Promise<ServedTile> {
    const draw = () => renderTile(this.db, user, source, tile, filter)
    if (!this.cache || !source.changes) {
      const bytes = await draw()
      return { bytes, etag: etagOf(bytes), cached: false }
    }
    const generation = await this.cache.sync(this.db)
    const key = cacheKey(source, tile, query, user)
    const kept = this.cache.get(key)
    if (kept) return { ...kept, cached: true }
    const drawn = this.cache.set(key, source.changes, tileBounds(tile), await draw(), generation)
    return { ...drawn, cached: false }
  }

  /**
   * Draws the unfiltered parcel tiles of the district seen whole, for the
   * district-wide roles, so the first person to open the map does not wait
   * for them. Only for a district of WARM_PARCELS parcels or more: below
   * that a cold tile is quick. One tile at a time, so requests interleave.
   */
  async warmOverview(): Promise<number> {
    if (!this.cache) return 0
    const { rows } = await this.db.query<{ parcels: number; w: number; s: number; e: number; n: number }>(
      `SELECT parcels, ST_XMin(box) AS w, ST_YMin(box) AS s, ST_XMax(box) AS e, ST_YMax(box) AS n
       FROM (SELECT count(*)::int AS parcels, ST_Extent(geom) AS box FROM parcels WHERE deleted_at IS NULL) b`,
    )
    const district = rows[0]
    if (!district || district.parcels < WARM_PARCELS) return 0
    const started = Date.now()
    const box: [number, number, number, number] = [district.w, district.s, district.e, district.n]
    const tiles = WARM_ZOOMS.flatMap((z) => tilesOver(box, z))
    for (const tile of tiles) await this.tile(DISTRICT_READER, PARCELS, tile, {}, () => undefined)
    log.info('overview tiles drawn', { parcels: district.parcels, tiles: tiles.length, zooms: WARM_ZOOMS.join(','), ms: Date.now() - started })
    return tiles.length
  }
}
