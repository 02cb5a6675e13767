// The plain parts of the map client's tools: the live area of a drawing, the
// validity verdict, snapping, the pre-check's wording, the attribute form's
// validation, 四至 and the area difference in words.
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import type { Feature, MultiPolygon, Polygon } from 'geojson'
import pg from 'pg'
import { beforeAll, describe, expect, it } from 'vitest'
import type { Preview, PreviewOverlap } from '../../client/src/api/checks.ts'
import type { EditableProperties } from '../../client/src/api/parcel-edits.ts'
import type { Neighbour } from '../../client/src/api/parcel-record.ts'
import { liveArea } from '../../client/src/draw/live-area.ts'
import { maySave, overlapText, precheckWarnings } from '../../client/src/draw/precheck.ts'
import { snap, snapRings, type Project } from '../../client/src/draw/snap.ts'
import { checkValidity } from '../../client/src/draw/validity.ts'
import { changedProperties, formValues, validateForm } from '../../client/src/edit/validate.ts'
import { areaDifference, formatDifference } from '../../client/src/format/area-difference.ts'
import { neighbourText } from '../../client/src/format/four-sides.ts'
import { setLanguage } from '../../client/src/i18n/index.ts'

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures/live-area')
const UPDATE = process.env.JIYUAN_UPDATE_FIXTURES === '1'

type Outline = Feature<Polygon | MultiPolygon, { name: string }>
interface Expected {
  postgis: string
  areas: { name: string; area_m2: number }[]
}

/**
 * Measures each outline with PostGIS ST_Area(geography), in a scratch database
 * of the server TEST_DATABASE_URL names, and writes out/postgis-areas.json.
 */
async function regenerate(outlines: Outline[]): Promise<void> {
  const url = process.env.TEST_DATABASE_URL
  if (!url)
    throw new Error(
      'JIYUAN_UPDATE_FIXTURES=1 needs TEST_DATABASE_URL (a PostGIS server) to measure the outlines',
    )
  const name = `jiyuan_live_area_${process.pid}`
  const admin = new pg.Client({ connectionString: url })
  await admin.connect()
  await admin.query(`CREATE DATABASE ${name}`)
  const scratch = new URL(url)
  scratch.pathname = `/${name}`
  const client = new pg.Client({ connectionString: scratch.toString() })
  try {
    await client.connect()
    await client.query('CREATE EXTENSION postgis')
    const version = (await client.query<{ v: string }>('SELECT postgis_lib_version() AS v'))
      .rows[0]!.v
    const areas = []
    for (const outline of outlines) {
      const { rows } = await client.query<{ m2: number }>(
        'SELECT ST_Area(ST_SetSRID(ST_GeomFromGeoJSON($1), 4490)::geography) AS m2',
        [JSON.stringify(outline.geometry)],
      )
      areas.push({ name: outline.properties.name, area_m2: rows[0]!.m2 })
    }
    writeFileSync(
      path.join(FIXTURES, 'out/postgis-areas.json'),
      `${JSON.stringify({ postgis: version, areas }, null, 2)}\n`,
    )
  } finally {
    await client.end()
    await admin.query(`DROP DATABASE IF EXISTS ${name}`)
    await admin.end()
  }
}

describe('the live area of a drawing', () => {
  const outlines = (
    JSON.parse(readFileSync(path.join(FIXTURES, 'in/outlines.geojson'), 'utf8')) as {
      features: Outline[]
    }
  ).features
  let expected: Expected

  beforeAll(async () => {
    if (UPDATE) await regenerate(outlines)
    expected = JSON.parse(
      readFileSync(path.join(FIXTURES, 'out/postgis-areas.json'), 'utf8'),
    ) as Expected
  })

  it('agrees with PostGIS ST_Area(geography) within 0.01 % for parcels, a hole, two parts and a whole town', () => {
    expect(expected.areas.map((a) => a.name)).toEqual(outlines.map((o) => o.properties.name))
    for (const [i, outline] of outlines.entries()) {
      const postgis = expected.areas[i]!.area_m2
      const area = liveArea(outline.geometry)!
      expect(Math.abs(area.m2 - postgis) / postgis, outline.properties.name).toBeLessThan(1e-4)
      expect(area.mu).toBeCloseTo((area.m2 * 15) / 10000, 9)
    }
  })

  it('subtracts a hole and adds the parts of a two-part outline', () => {
    const [withHole, twoParts] = outlines.filter(
      (o) => !o.properties.name.startsWith('parcel') && !o.properties.name.startsWith('town'),
    )
    const shell = {
      type: 'Polygon' as const,
      coordinates: [withHole!.geometry.coordinates[0] as number[][]],
    }
    // the courtyard is the middle half of each side: a quarter of the shell
    expect(liveArea(withHole!.geometry)!.m2 / liveArea(shell)!.m2).toBeCloseTo(0.75, 3)
    expect(liveArea(twoParts!.geometry)!.m2).toBeGreaterThan(liveArea(shell)!.m2)
  })

  it('shows no area until three distinct points are placed', () => {
    const line = {
      type: 'Polygon' as const,
      coordinates: [
        [
          [120.5, 36.4],
          [120.501, 36.4],
          [120.5, 36.4],
        ],
      ],
    }
    expect(liveArea(line)).toBeNull()
    const triangle = {
      type: 'Polygon' as const,
      coordinates: [
        [
          [120.5, 36.4],
          [120.501, 36.4],
          [120.5, 36.401],
          [120.5, 36.4],
        ],
      ],
    }
    expect(liveArea(triangle)!.m2).toBeGreaterThan(0)
  })
})

describe('the validity verdict in the browser', () => {
  const square = (x: number, y: number, d: number) => [
    [x, y],
    [x + d, y],
    [x + d, y + d],
    [x, y + d],
    [x, y],
  ]

  it('passes a plain outline and one with a courtyard', () => {
    expect(checkValidity({ type: 'Polygon', coordinates: [square(120.5, 36.4, 0.001)] })).toEqual({
      valid: true,
    })
    const hole = square(120.5003, 36.4003, 0.0002).reverse()
    expect(
      checkValidity({ type: 'Polygon', coordinates: [square(120.5, 36.4, 0.001), hole] }).valid,
    ).toBe(true)
  })

  it('finds a bow-tie and says where its boundary crosses itself', () => {
    const bowTie = [
      [120.5, 36.4],
      [120.501, 36.401],
      [120.501, 36.4],
      [120.5, 36.401],
      [120.5, 36.4],
    ]
    const verdict = checkValidity({ type: 'Polygon', coordinates: [bowTie] })
    expect(verdict).toMatchObject({ valid: false, reason: 'self_intersection' })
    const [lon, lat] = (verdict as { location: [number, number] }).location
    expect(lon).toBeCloseTo(120.5005, 9)
    expect(lat).toBeCloseTo(36.4005, 9)
  })

  it('names a hole outside its shell, and an outline of too few points', () => {
    const outside = square(120.6, 36.4, 0.0002).reverse()
    expect(
      checkValidity({ type: 'Polygon', coordinates: [square(120.5, 36.4, 0.001), outside] }),
    ).toMatchObject({
      valid: false,
      reason: 'hole_outside_shell',
    })
    expect(
      checkValidity({
        type: 'Polygon',
        coordinates: [
          [
            [120.5, 36.4],
            [120.501, 36.4],
            [120.5, 36.4],
          ],
        ],
      }),
    ).toEqual({
      valid: false,
      reason: 'too_few_points',
      location: null,
    })
  })
})

describe('snapping to neighbouring parcels', () => {
  // 1° = 100,000 px in both directions: a plain projection for the test
  const project: Project = (lon, lat) => ({ x: (lon - 120) * 1e5, y: (36.5 - lat) * 1e5 })
  const neighbour: Feature<Polygon> = {
    type: 'Feature',
    properties: {},
    geometry: {
      type: 'Polygon',
      coordinates: [
        [
          [120.5, 36.4],
          [120.501, 36.4],
          [120.501, 36.401],
          [120.5, 36.401],
          [120.5, 36.4],
        ],
      ],
    },
  }
  const rings = snapRings([neighbour])
  const query = (lon: number, lat: number) => ({
    pointer: project(lon, lat),
    lonLat: [lon, lat],
    tolerancePx: 10,
    toleranceDeg: 10 / 1e5,
  })

  it('takes the vertex within reach', () => {
    expect(snap(rings, project, query(120.50104, 36.40103))).toEqual([120.501, 36.401])
  })

  it('puts a point near an edge exactly on that edge', () => {
    const snapped = snap(rings, project, query(120.5004, 36.40006))!
    expect(snapped[1]).toBe(36.4)
    expect(snapped[0]).toBeCloseTo(120.5004, 9)
  })

  it('prefers a vertex to a nearer edge, and leaves a point out of reach alone', () => {
    // 6 px from the corner along the edge, 2 px off the edge
    expect(snap(rings, project, query(120.50006, 36.39998))).toEqual([120.5, 36.4])
    expect(snap(rings, project, query(120.5005, 36.4005))).toBeUndefined()
  })
})

describe('the pre-check before saving', () => {
  const piece = { type: 'MultiPolygon' as const, coordinates: [] }
  const overlap = (o: Partial<PreviewOverlap>): PreviewOverlap => ({
    kind: 'parcel',
    code: 'parcel_overlap',
    severity: 'conflict',
    parcel_code: 'JM-0153',
    layer_name: null,
    zone_class: null,
    basis: null,
    area_m2: 1000,
    area_mu: 1.5,
    ratio: 0.25,
    message: '',
    geometry: piece,
    ...o,
  })
  const preview = (overlaps: PreviewOverlap[]): Preview => ({
    valid: true,
    invalid_reason: null,
    invalid_location: null,
    area_m2: 4000,
    area_mu: 6,
    overlaps,
  })
  const farmland = overlap({
    kind: 'zone',
    code: 'zone_overlap',
    severity: 'warning',
    parcel_code: null,
    layer_name: '永久基本农田',
    zone_class: 'basic_farmland',
    basis: '需核实用途',
    area_m2: 200,
    area_mu: 0.3,
    ratio: 0.05,
  })

  it('words each overlap with 亩 first and m² beside, in Chinese and in English', () => {
    setLanguage('zh-CN')
    expect(overlapText(overlap({}))).toBe(
      '与已登记地块 JM-0153 重叠 1.50 亩 (1,000.00 m²)，占 25.0%',
    )
    expect(overlapText(farmland)).toBe(
      '0.30 亩 (200.00 m²)（占 5.0%）位于永久基本农田（永久基本农田）：需核实用途',
    )
    expect(overlapText(overlap({ parcel_code: null, code: 'duplicate' }))).toBe(
      '与地块 其他镇街的地块 范围相同（重复登记）',
    )
    setLanguage('en')
    expect(overlapText(overlap({}))).toBe(
      'overlaps registered parcel JM-0153 by 1.50 mu (1,000.00 m²), 25.0%',
    )
    expect(overlapText(farmland)).toBe(
      '0.30 mu (200.00 m²) (5.0%) lies in Permanent basic farmland (永久基本农田): 需核实用途',
    )
    setLanguage('zh-CN')
  })

  it('puts conflicts first and blocks saving an invalid outline', () => {
    const invalid = {
      valid: false as const,
      reason: 'self_intersection' as const,
      location: [120.5005, 36.4005] as [number, number],
    }
    const warnings = precheckWarnings(invalid, null)
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatchObject({ severity: 'conflict', blocking: true })
    expect(warnings[0]!.text).toBe('几何无效：边界自相交（120.5005000, 36.4005000）')
    expect(maySave(warnings, true)).toBe(false)

    const sorted = precheckWarnings({ valid: true }, preview([farmland, overlap({})]))
    expect(sorted.map((w) => w.severity)).toEqual(['conflict', 'warning'])
    expect(sorted[0]!.piece).toBe(piece)
  })

  it('lets a conflict be saved only once acknowledged, and a warning at once', () => {
    const conflict = precheckWarnings({ valid: true }, preview([overlap({})]))
    expect(maySave(conflict, false)).toBe(false)
    expect(maySave(conflict, true)).toBe(true)
    expect(maySave(precheckWarnings({ valid: true }, preview([farmland])), false)).toBe(true)
    expect(maySave(precheckWarnings({ valid: true }, preview([])), false)).toBe(true)
  })

  it('takes the server’s verdict when it finds the outline invalid', () => {
    const serverSays: Preview = {
      ...preview([]),
      valid: false,
      invalid_reason: 'Ring Self-intersection',
      invalid_location: [120.1, 36.2],
    }
    const warnings = precheckWarnings({ valid: true }, serverSays)
    expect(warnings[0]).toMatchObject({ severity: 'conflict', blocking: true })
    expect(warnings[0]!.text).toContain('Ring Self-intersection')
  })
})

describe('the attribute form', () => {
  const villages = new Map([['370215101001', '370215101']])
  const good = formValues({
    code: 'TH-001',
    town: '370215101',
    village: '370215101001',
    category: 'intensive_use',
    problems: ['contract'],
  })

  it('turns good values into the properties the server takes, blanks as null', () => {
    const result = validateForm({ ...good, declared_area_mu: '3.25', name: '东岭荒地' }, villages)
    expect(result).toEqual({
      ok: true,
      properties: {
        code: 'TH-001',
        name: '东岭荒地',
        town: '370215101',
        village: '370215101001',
        category: 'intensive_use',
        subtype: null,
        problems: ['contract'],
        ownership: null,
        declared_area_mu: 3.25,
        location: null,
        intended_use: null,
      },
    })
  })

  it('refuses what the server refuses, each beside its field', () => {
    const result = validateForm(
      {
        ...good,
        code: 'TH 001',
        name: '名'.repeat(201),
        village: '370215001001',
        declared_area_mu: '-1',
        ownership: 'a\u0007b',
        category: '',
      },
      villages,
    )
    expect(result.ok).toBe(false)
    const errors = (result as { errors: Record<string, { key: string; params?: object }> }).errors
    expect(errors.code!.key).toBe('form.error.code')
    expect(errors.name).toEqual({ key: 'form.error.tooLong', params: { limit: 200, length: 201 } })
    expect(errors.village!.key).toBe('form.error.village')
    expect(errors.declared_area_mu!.key).toBe('form.error.area')
    expect(errors.ownership!.key).toBe('form.error.control')
    expect(errors.category!.key).toBe('form.error.required')
  })

  it('sends only what changed', () => {
    const before: EditableProperties = {
      ...(validateForm(good, villages) as { properties: EditableProperties }).properties,
    }
    const after = { ...before, name: '新名称', problems: ['contract', 'environment'] }
    expect(changedProperties(before, after)).toEqual({
      name: '新名称',
      problems: ['contract', 'environment'],
    })
  })
})

describe('四至 and areas in words', () => {
  const side = (n: Partial<Neighbour>): Neighbour => ({
    kind: 'none',
    ref: null,
    name: null,
    road_class: null,
    distance_m: null,
    text: '',
    ...n,
  })

  it('words each side as the dossier does, and in English', () => {
    setLanguage('zh-CN')
    expect(neighbourText(side({ kind: 'parcel', ref: 'T-E', name: '东地', distance_m: 5.2 }))).toBe(
      '地块 T-E（东地），相距约 5 米',
    )
    expect(
      neighbourText(
        side({ kind: 'road', ref: 'RD', name: '青威路', road_class: 'county', distance_m: 0.4 }),
      ),
    ).toBe('青威路（县道）')
    expect(neighbourText(side({ kind: 'village_boundary', name: '乙村', distance_m: 10 }))).toBe(
      '村界（邻乙村），相距约 10 米',
    )
    expect(neighbourText(side({}))).toBe('空地')
    setLanguage('en')
    expect(neighbourText(side({ kind: 'road', name: '青威路', road_class: 'county' }))).toBe(
      '青威路 (county road)',
    )
    expect(neighbourText(side({}))).toBe('open land')
    setLanguage('zh-CN')
  })

  it('gives declared against measured area with its sign, 亩 first', () => {
    // declared 13.40 亩 against 14.19 亩 measured (data-samples/expected.json)
    const d = areaDifference(13.4, 14.19 * (10000 / 15))!
    expect(d.mu).toBeCloseTo(-0.79, 9)
    expect(formatDifference(d)).toBe('−0.79 亩（−526.67 m²，−5.57%）')
    expect(areaDifference(null, 100)).toBeNull()
  })
})
