import { describe, expect, it } from 'vitest'
import type { Queryable } from '../../server/src/db/db.ts'
import { TileCache } from '../../server/src/tiles/cache.ts'

interface Change {
  id: number
  box: [number, number, number, number]
}

/** tile_changes in memory: counts the looks, each answered after a tick, as a database would. */
function fakeDatabase() {
  const changes: Change[] = []
  const db = {
    looks: 0,
    changes,
    async query(sql: string, params: unknown[] = []) {
      await new Promise((resolve) => setTimeout(resolve, 5))
      if (sql.includes('max(id)')) {
        db.looks++
        return { rows: [{ last: changes.length ? String(changes.at(-1)!.id) : null }], rowCount: 1 }
      }
      const [after, upTo] = params.map(Number) as [number, number]
      const rows = changes
        .filter((c) => c.id > after && c.id <= upTo)
        .map((c) => ({ id: String(c.id), source: 'parcels', min_lon: c.box[0], min_lat: c.box[1], max_lon: c.box[2], max_lat: c.box[3] }))
      return { rows, rowCount: rows.length }
    },
    async exec() {},
  }
  return db as typeof db & Queryable
}

const tile = (cache: TileCache, key: string, box: [number, number, number, number], generation: number) =>
  cache.set(key, 'parcels', box, new Uint8Array([1, 2, 3]), generation)

describe('the tile cache', () => {
  it('looks at tile_changes once for a burst of requests, and once more for those that came during the look', async () => {
    const db = fakeDatabase()
    const cache = new TileCache()
    const first = cache.sync(db)
    const burst = Array.from({ length: 20 }, () => cache.sync(db))
    await Promise.all([first, ...burst])
    expect(db.looks).toBe(2)
  })

  it('never answers a request with a look that began before it, so a change committed just before is seen', async () => {
    const db = fakeDatabase()
    const cache = new TileCache()
    const generation = await cache.sync(db)
    tile(cache, 'a', [120, 36, 120.1, 36.1], generation)

    const underWay = cache.sync(db) // reads tile_changes before the change below
    db.changes.push({ id: 1, box: [120.05, 36.05, 120.06, 36.06] })
    const later = await cache.sync(db)
    await underWay
    expect(later).toBeGreaterThan(generation)
    expect(cache.get('a')).toBeUndefined()
  })

  it('drops the tiles a burst of changes touches and keeps the others', async () => {
    const db = fakeDatabase()
    const cache = new TileCache()
    const generation = await cache.sync(db)
    tile(cache, 'west', [120, 36, 120.1, 36.1], generation)
    tile(cache, 'east', [121, 36, 121.1, 36.1], generation)
    for (let id = 1; id <= 1000; id++) db.changes.push({ id, box: [120.01, 36.01, 120.02, 36.02] })

    await Promise.all(Array.from({ length: 16 }, () => cache.sync(db)))
    expect(cache.get('west')).toBeUndefined()
    expect(cache.get('east')).toBeDefined()
  })
})
