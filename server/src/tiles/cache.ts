// Rendered vector tiles kept in memory, so a tile many users look at (the
// district at zoom 10, a town's parcels) is drawn by the database once.
// Before serving a tile the cache reads the rows of tile_changes (migration
// 031) it has not seen and drops the tiles whose box they touch; processes
// sharing one database stay consistent without talking to each other.
import { createHash } from 'node:crypto'
import type { Queryable } from '../db/db.ts'

/** A tile source whose changes tile_changes records. */
export type ChangeSource = 'parcels' | 'zones'

export interface CachedTile {
  bytes: Uint8Array
  /** strong: a hash of the bytes */
  etag: string
}

interface Entry extends CachedTile {
  source: ChangeSource
  /** the tile with its buffer, lon/lat degrees */
  box: [number, number, number, number]
}

interface Change {
  id: string
  source: string
  min_lon: number | null
  min_lat: number | null
  max_lon: number | null
  max_lat: number | null
}

/**
 * Changes seen at once beyond which every kept tile is dropped rather than
 * each compared with each change (20,000 tiles × 2,000 changes is ~0.2 s).
 */
const MAX_CHANGES = 2000

/** Enough for the district's overview tiles under several filters and scopes. */
export const DEFAULT_CACHE_BYTES = 64 * 1024 * 1024

const touches = (box: Entry['box'], c: Change) =>
  c.min_lon === null || !(c.max_lon! < box[0] || c.min_lon > box[2] || c.max_lat! < box[1] || c.min_lat! > box[3])

export function etagOf(bytes: Uint8Array): string {
  return `"${createHash('sha1').update(bytes).digest('base64url').slice(0, 22)}"`
}

export class TileCache {
  /** Map order is use order: the first entry is the least recently used. */
  private readonly entries = new Map<string, Entry>()
  private bytes = 0
  /** The last tile_changes id applied; null before the first look. */
  private seen: bigint | null = null
  /** Rises with every change applied: a tile rendered across one is not kept. */
  private generation = 0

  constructor(private readonly maxBytes = DEFAULT_CACHE_BYTES) {}

  /** The look at tile_changes under way, and the one queued behind it. */
  private looking: Promise<number> | null = null
  private queued: Promise<number> | null = null

  /**
   * Applies the changes since the last look and returns the generation to
   * render under. Concurrent requests share looks, one at a time: a request
   * that comes while a look is under way waits for the next one, which
   * starts after it came, so it never misses a change committed before it.
   * (Each request looking for itself made every request of a burst apply the
   * same changes to every kept tile: after 1,000 edits, seconds of CPU.)
   */
  sync(db: Queryable): Promise<number> {
    if (!this.looking) {
      this.looking = this.look(db).finally(() => (this.looking = null))
      return this.looking
    }
    this.queued ??= this.looking
      .catch(() => undefined)
      .then(() => {
        this.queued = null
        return this.sync(db)
      })
    return this.queued
  }

  private async look(db: Queryable): Promise<number> {
    const { rows } = await db.query<{ last: string | null }>('SELECT max(id)::text AS last FROM tile_changes')
    const last = BigInt(rows[0]?.last ?? 0)
    if (this.seen === null || last < this.seen) {
      // first look, or the table was emptied (a restore): nothing kept can be trusted
      this.clear()
    } else if (last > this.seen) {
      const changes = await db.query<Change>(
        `SELECT id::text AS id, source, min_lon, min_lat, max_lon, max_lat FROM tile_changes WHERE id > $1 AND id <= $2 ORDER BY id`,
        [this.seen.toString(), last.toString()],
      )
      this.drop(changes.rows)
      this.generation++
    }
    this.seen = last
    return this.generation
  }

  get(key: string): CachedTile | undefined {
    const entry = this.entries.get(key)
    if (!entry) return undefined
    this.entries.delete(key)
    this.entries.set(key, entry)
    return entry
  }

  /** Keeps a tile rendered under `generation`, unless a change came in meanwhile. */
  set(key: string, source: ChangeSource, box: Entry['box'], bytes: Uint8Array, generation: number): CachedTile {
    const tile = { bytes, etag: etagOf(bytes) }
    if (generation !== this.generation || bytes.length > this.maxBytes / 8) return tile
    this.remove(key)
    this.entries.set(key, { ...tile, source, box })
    this.bytes += bytes.length
    for (const [oldest] of this.entries) {
      if (this.bytes <= this.maxBytes) break
      this.remove(oldest)
    }
    return tile
  }

  get size(): number {
    return this.entries.size
  }

  /** Drops the kept tiles the changes touch, in one pass; past MAX_CHANGES, all of them. */
  private drop(changes: readonly Change[]): void {
    if (changes.length > MAX_CHANGES) {
      this.entries.clear()
      this.bytes = 0
      return
    }
    for (const [key, entry] of this.entries) {
      if (changes.some((change) => entry.source === change.source && touches(entry.box, change))) this.remove(key)
    }
  }

  private clear(): void {
    this.entries.clear()
    this.bytes = 0
    this.generation++
  }

  private remove(key: string): void {
    const entry = this.entries.get(key)
    if (!entry) return
    this.entries.delete(key)
    this.bytes -= entry.bytes.length
  }
}
