import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { promisify } from 'node:util'
import {
  bbox,
  booleanClockwise,
  booleanIntersects,
  booleanValid,
  booleanWithin,
  kinks,
} from '@turf/turf'
import type { Feature, FeatureCollection, MultiPolygon, Polygon, Position } from 'geojson'
import { parseZip } from 'shpjs'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { CATEGORIES, isSubtypeOf, type CategoryCode } from '../../server/src/domain/categories.ts'
import { M2_PER_MU, areaM2 } from '../../scripts/samples/area.ts'

const PARCELS = 300
const SEED = 7
const run = promisify(execFile)

// the towns and streets of Jimo with their codes (DOMAIN.md, Annex 1)
// prettier-ignore
const TOWNS: Record<string, string> = {
  '370215001': '环秀街道', '370215002': '潮海街道', '370215003': '通济街道', '370215004': '北安街道',
  '370215005': '龙山街道', '370215006': '龙泉街道', '370215007': '鳌山卫街道', '370215008': '温泉街道',
  '370215009': '大信街道', '370215010': '灵山街道', '370215011': '蓝村街道', '370215101': '田横镇',
  '370215102': '金口镇', '370215103': '段泊岚镇', '370215104': '移风店镇',
  '370215401': '田横岛省级旅游度假区', '370215402': '通济新经济区',
}

// Jimo district with a margin for the sea strip (EPSG:4490)
const EXTENT = { west: 120.15, south: 36.15, east: 120.95, north: 36.65 }

interface Expected {
  overlapping_parcel_pairs: { a: string; b: string; overlap_m2: number }[]
  parcels_straddling_village_boundary: { code: string; village: string }[]
  declared_area_off: { code: string; measured_mu: number; declared_mu: number }[]
  parcels_in_protected_zones: { code: string; zone_class: string }[]
  occupation_intrusions: { code: string; into: string }[]
}

type Area = Feature<Polygon | MultiPolygon>

const dirs: string[] = []
let first = ''
let second = ''

async function generate(): Promise<string> {
  const out = mkdtempSync(join(tmpdir(), 'jiyuan-samples-'))
  dirs.push(out)
  const script = join(import.meta.dirname, '../../scripts/generate-samples.ts')
  await run('npx', [
    'tsx',
    script,
    '--seed',
    String(SEED),
    '--parcels',
    String(PARCELS),
    '--out',
    out,
  ])
  return out
}

beforeAll(async () => {
  ;[first, second] = await Promise.all([generate(), generate()])
}, 180_000)

afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })))

function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => statSync(join(dir, f)).isFile())
    .sort()
}

function read<T = FeatureCollection>(name: string): T {
  return JSON.parse(readFileSync(join(first, name), 'utf8')) as T
}

function positions(coords: unknown): Position[] {
  if (Array.isArray(coords) && typeof coords[0] === 'number') return [coords as Position]
  return Array.isArray(coords) ? coords.flatMap(positions) : []
}

function parcels(): Area[] {
  return read('parcels.geojson').features as Area[]
}

function code(f: Feature): string {
  return String(f.properties?.code)
}

describe('the sample generator', () => {
  test('gives byte-identical files for the same seed', () => {
    const names = files(first)
    expect(names).toEqual(files(second))
    expect(names).toContain('parcels-gbk.zip')
    for (const name of names) {
      expect(readFileSync(join(first, name)).equals(readFileSync(join(second, name))), name).toBe(
        true,
      )
    }
  })

  test('keeps every coordinate of every layer inside Jimo', () => {
    const geojson = files(first).filter((f) => f.endsWith('.geojson'))
    expect(geojson.length).toBeGreaterThanOrEqual(11)
    for (const name of geojson) {
      for (const f of read(name).features) {
        for (const [lon = NaN, lat = NaN] of positions((f.geometry as Polygon).coordinates)) {
          const inside =
            lon >= EXTENT.west && lon <= EXTENT.east && lat >= EXTENT.south && lat <= EXTENT.north
          expect(inside, `${relative(first, join(first, name))} ${code(f)} at ${lon} ${lat}`).toBe(
            true,
          )
        }
      }
    }
  })

  test('writes the 17 towns and streets with their codes and kinds', () => {
    const towns = read('towns.geojson').features
    expect(Object.fromEntries(towns.map((t) => [t.properties?.code, t.properties?.name]))).toEqual(
      TOWNS,
    )
    const kinds = towns.map((t) => String(t.properties?.kind))
    expect(kinds.filter((k) => k === 'functional_area')).toHaveLength(2)
    expect(kinds.filter((k) => k === 'town')).toHaveLength(4)
  })

  test('codes each village by its town and names it uniquely within the town', () => {
    const villages = read('villages.geojson').features
    expect(villages.length).toBeGreaterThan(150)
    const names = new Set<string>()
    for (const v of villages) {
      const { code: c, town, name, kind } = v.properties ?? {}
      expect(String(c)).toMatch(new RegExp(`^${town}\\d{3}$`))
      expect(String(name)).toMatch(/村$/)
      expect(['新村', '网格村']).toContain(kind)
      expect(names.has(`${town}${name}`), `${name} twice in ${town}`).toBe(false)
      names.add(`${town}${name}`)
    }
  })
})

describe('the sample parcels', () => {
  test('number exactly as asked, with codes of their village', () => {
    const all = parcels()
    expect(all).toHaveLength(PARCELS)
    expect(new Set(all.map(code)).size).toBe(PARCELS)
    for (const p of all) expect(code(p)).toMatch(new RegExp(`^${p.properties?.village}-\\d{3}$`))
  })

  test('are valid polygons with counter-clockwise outer rings', () => {
    for (const p of parcels()) {
      expect(booleanValid(p), code(p)).toBe(true)
      expect(kinks(p).features, code(p)).toHaveLength(0)
      const outer = (p.geometry as Polygon).coordinates[0] ?? []
      expect(booleanClockwise(outer), code(p)).toBe(false)
    }
  })

  test('do not overlap except the pairs listed in expected.json', () => {
    const all = parcels()
    const found: string[] = []
    for (let i = 0; i < all.length; i++) {
      for (let j = i + 1; j < all.length; j++) {
        const a = all[i] as Area
        const b = all[j] as Area
        if (booleanIntersects(a, b)) found.push([code(a), code(b)].sort().join('|'))
      }
    }
    const expected = read<Expected>('expected.json').overlapping_parcel_pairs
    expect(found.sort()).toEqual(expected.map((p) => [p.a, p.b].sort().join('|')).sort())
    expect(expected).toHaveLength(5)
    for (const pair of expected) expect(pair.overlap_m2).toBeGreaterThan(0)
  })

  test('lie inside their village except the listed straddlers', () => {
    const villages = new Map(
      read('villages.geojson').features.map((v) => [String(v.properties?.code), v as Area]),
    )
    const outside = parcels()
      .filter((p) => !booleanWithin(p, villages.get(String(p.properties?.village)) as Area))
      .map(code)
    const expected = read<Expected>('expected.json').parcels_straddling_village_boundary
    expect(outside.sort()).toEqual(expected.map((s) => s.code).sort())
    expect(expected).toHaveLength(3)
  })

  test('cover all three categories with subtypes from the category table', () => {
    const seen = new Set<string>()
    for (const p of parcels()) {
      const { category, subtype } = p.properties ?? {}
      expect(isSubtypeOf(category as CategoryCode, String(subtype)), `${code(p)} ${subtype}`).toBe(
        true,
      )
      seen.add(String(category))
    }
    expect([...seen].sort()).toEqual(CATEGORIES.map((c) => c.code).sort())
  })

  test('declare their ellipsoidal area in 亩 except the listed few', () => {
    const off = new Set(read<Expected>('expected.json').declared_area_off.map((o) => o.code))
    expect(off.size).toBeGreaterThanOrEqual(3)
    for (const p of parcels()) {
      const measured = areaM2(p.geometry) / M2_PER_MU
      const declared = Number(p.properties?.declared_area_mu)
      const difference = Math.abs(declared - measured)
      if (off.has(code(p))) expect(difference / measured, code(p)).toBeGreaterThan(0.019)
      else expect(difference, code(p)).toBeLessThanOrEqual(0.005 + 1e-9)
    }
  })

  test('reach into protected zones only where expected.json says so', () => {
    const zones = ['basic_farmland', 'ecological_redline'].flatMap(
      (c) => read(`layers/${c}.geojson`).features as Area[],
    )
    const boxes = zones.map((z) => bbox(z))
    const hits = new Set<string>()
    for (const p of parcels()) {
      const [w, s, e, n] = bbox(p)
      zones.forEach((z, i) => {
        const [zw = 0, zs = 0, ze = 0, zn = 0] = boxes[i] ?? []
        if (w > ze || e < zw || s > zn || n < zs) return
        if (booleanIntersects(p, z)) hits.add(`${code(p)}|${z.properties?.class}`)
      })
    }
    const expected = read<Expected>('expected.json').parcels_in_protected_zones
    const listed = new Set(expected.map((e) => `${e.code}|${e.zone_class}`))
    expect([...hits].sort()).toEqual([...listed].sort())
    expect(expected.length).toBeGreaterThanOrEqual(6)
  })
})

describe('the GBK Shapefile of 田横镇', () => {
  test('reads back with Chinese fields, every 田横镇 parcel, in lon/lat near the GeoJSON', async () => {
    const layer = await parseZip(readFileSync(join(first, 'parcels-gbk.zip')))
    if (Array.isArray(layer)) throw new Error('one layer expected')
    const tianheng = parcels().filter((p) => p.properties?.town === '370215101')
    expect(layer.features).toHaveLength(tianheng.length)
    const byCode = new Map(tianheng.map((p) => [code(p), p]))
    for (const f of layer.features) {
      const source = byCode.get(String(f.properties?.['地块编码']))
      expect(source, String(f.properties?.['地块编码'])).toBeDefined()
      expect(f.properties?.['地块名称']).toBe(source?.properties?.name)
      expect(f.properties?.['镇街']).toBe('田横镇')
      expect(f.properties?.['面积亩']).toBe(source?.properties?.declared_area_mu)
      const [lon = 0, lat = 0] = (f.geometry as Polygon).coordinates[0]?.[0] ?? []
      const near = (source?.geometry as Polygon).coordinates[0]?.some(
        ([x = 0, y = 0]) => Math.abs(x - lon) < 1e-6 && Math.abs(y - lat) < 1e-6,
      )
      expect(near).toBe(true)
    }
  })
})
