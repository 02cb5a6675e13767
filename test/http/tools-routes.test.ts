// The server routes the map client's tools rely on: a parcel's 四至 as JSON,
// the preview check of an outline that is not saved, and the dry-run import
// with its features for a preview map.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fourSides, neighbourText } from '../../server/src/reports/four-sides.ts'
import { backends } from '../helpers/backends.ts'
import { startTestApp, type Client, type TestApp } from '../helpers/app.ts'

// data-samples/expected.json: a planted pair in 田横镇 sharing 2640.4 m², and
// an intensive_use parcel for agriculture with 9121.2 m² in basic farmland.
const PAIR = { a: '370215101021-011', b: '370215101021-031', shared_m2: 2640.4 }
const IN_FARMLAND = { code: '370215004003-024', overlap_m2: 9121.2, ratio: 0.4561 }

interface Feature {
  properties: {
    id: number
    code: string
    area_m2: number
    category: string
    intended_use: string | null
  }
  geometry: { type: string; coordinates: unknown }
}

describe.each(backends())('the map tools’ routes on the %s database', (backend) => {
  let app: TestApp
  let admin: Client
  let editorTianheng: Client
  let editorHuanxiu: Client

  const byCode = async (code: string): Promise<Feature> => {
    const reply = await admin.get(`/api/parcels?q=${encodeURIComponent(code)}&limit=5`)
    const found = (reply.body.features as Feature[]).find((f) => f.properties.code === code)
    if (!found) throw new Error(`no sample parcel ${code}`)
    return found
  }
  const count = async (table: string) =>
    (await app.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0]!.n

  beforeAll(async () => {
    app = await startTestApp(backend)
    admin = await app.as('admin')
    editorTianheng = await app.as('editorTianheng')
    editorHuanxiu = await app.as('editorHuanxiu')
  })
  afterAll(async () => app?.close())

  describe('GET /api/parcels/:id/four-sides', () => {
    it('answers the four sides the dossier prints, each with its wording', async () => {
      const parcel = await byCode(PAIR.a)
      const reply = await editorTianheng.get(`/api/parcels/${parcel.properties.id}/four-sides`)

      expect(reply.status).toBe(200)
      expect(reply.body.reach_m).toBe(30)
      const expected = (await fourSides(app.db, [parcel.properties.id])).get(parcel.properties.id)!
      for (const side of ['east', 'south', 'west', 'north'] as const) {
        expect(reply.body.sides[side]).toEqual({
          ...expected[side],
          text: neighbourText(expected[side]),
        })
      }
      expect(Object.values(reply.body.sides).some((s: any) => s.kind !== 'none')).toBe(true)
    })

    it('refuses a town editor another town’s parcel, and names an unknown one', async () => {
      const parcel = await byCode(PAIR.a)
      expect(
        (await editorHuanxiu.get(`/api/parcels/${parcel.properties.id}/four-sides`)).status,
      ).toBe(403)
      const missing = await admin.get('/api/parcels/999999/four-sides')
      expect(missing.status).toBe(404)
      expect(missing.body.error.code).toBe('not_found')
    })
  })

  describe('POST /api/checks/preview', () => {
    it('finds the planted overlap of an edited parcel, leaving the parcel itself out', async () => {
      const a = await byCode(PAIR.a)
      const reply = await editorTianheng.post('/api/checks/preview', {
        geometry: a.geometry,
        parcel_id: a.properties.id,
      })

      expect(reply.status).toBe(200)
      expect(reply.body.valid).toBe(true)
      expect(reply.body.area_m2).toBeCloseTo(a.properties.area_m2, 1)
      const parcels = reply.body.overlaps.filter((o: any) => o.kind === 'parcel')
      expect(parcels).toHaveLength(1)
      expect(parcels[0]).toMatchObject({
        code: 'parcel_overlap',
        severity: 'conflict',
        parcel_code: PAIR.b,
      })
      expect(parcels[0].area_m2).toBeCloseTo(PAIR.shared_m2, 0)
      expect(parcels[0].area_mu).toBeCloseTo((PAIR.shared_m2 * 15) / 10000, 2)
      expect(parcels[0].geometry.type).toBe('MultiPolygon')
    })

    it('calls a copy of a registered parcel a duplicate when nothing is left out', async () => {
      const a = await byCode(PAIR.a)
      const reply = await editorTianheng.post('/api/checks/preview', { geometry: a.geometry })
      const codes = reply.body.overlaps.map((o: any) => [o.code, o.parcel_code])
      expect(codes).toContainEqual(['duplicate', PAIR.a])
      expect(codes).toContainEqual(['parcel_overlap', PAIR.b])
    })

    it('grades a protected-zone overlap with the same area and severity as a check run', async () => {
      const parcel = await byCode(IN_FARMLAND.code)
      const preview = await admin.post(
        '/api/checks/preview',
        { geometry: parcel.geometry, parcel_id: parcel.properties.id },
        { 'accept-language': 'en' },
      )
      const run = await admin.post('/api/checks', {
        kinds: ['overlap'],
        parcel_ids: [parcel.properties.id],
      })
      const findings = (await admin.get(`/api/checks/${run.body.run_id}?kind=overlap`)).body
        .findings as any[]

      const farmland = preview.body.overlaps.find((o: any) => o.zone_class === 'basic_farmland')
      const finding = findings.find((f) => f.zone_class === 'basic_farmland')
      expect(farmland.area_m2).toBeCloseTo(IN_FARMLAND.overlap_m2, 0)
      expect(farmland.ratio).toBeCloseTo(IN_FARMLAND.ratio, 3)
      expect(farmland.area_m2).toBeCloseTo(finding.area_m2, 1)
      expect(farmland.severity).toBe(finding.severity)
      expect(farmland.rule_id).toBe(finding.rule_id)
      expect(farmland.message).toContain('permanent basic farmland')
    })

    it('answers an invalid outline with GEOS’s reason and place, and nothing measured', async () => {
      const bowTie = {
        type: 'Polygon',
        coordinates: [
          [
            [120.5, 36.4],
            [120.501, 36.401],
            [120.501, 36.4],
            [120.5, 36.401],
            [120.5, 36.4],
          ],
        ],
      }
      const reply = await admin.post('/api/checks/preview', { geometry: bowTie })

      expect(reply.status).toBe(200)
      expect(reply.body.valid).toBe(false)
      expect(reply.body.invalid_reason).toMatch(/self-intersection/i)
      expect(reply.body.invalid_location[0]).toBeCloseTo(120.5005, 6)
      expect(reply.body.invalid_location[1]).toBeCloseTo(36.4005, 6)
      expect(reply.body.overlaps).toEqual([])
    })

    it('does not name a parcel of another town to a town editor', async () => {
      const b = await byCode(PAIR.b)
      const reply = await editorHuanxiu.post('/api/checks/preview', { geometry: b.geometry })
      const parcels = reply.body.overlaps.filter((o: any) => o.kind === 'parcel')
      expect(parcels.length).toBeGreaterThan(0)
      for (const overlap of parcels) expect(overlap.parcel_code).toBeNull()
      expect(parcels[0].message).toContain('其他镇街')
    })

    it('stores nothing', async () => {
      const before = [
        await count('check_runs'),
        await count('check_findings'),
        await count('parcels'),
      ]
      const b = await byCode(PAIR.b)
      await admin.post('/api/checks/preview', { geometry: b.geometry })
      expect([
        await count('check_runs'),
        await count('check_findings'),
        await count('parcels'),
      ]).toEqual(before)
    })

    it('refuses a body that is not an outline, naming the field', async () => {
      const line = await admin.post('/api/checks/preview', {
        geometry: {
          type: 'LineString',
          coordinates: [
            [120.5, 36.4],
            [120.6, 36.4],
          ],
        },
      })
      expect(line.status).toBe(422)
      expect(line.body.error.code).toBe('invalid_geometry_type')
      const extra = await admin.post('/api/checks/preview', { geometry: null, colour: 'red' })
      expect(extra.body.error.code).toBe('invalid_check')
      expect(extra.body.error.message).toContain('colour')
      expect((await app.anonymous().post('/api/checks/preview', {})).status).toBe(401)
    })
  })

  describe('GET /api/villages/:code/notices', () => {
    const VILLAGE = '370215101021'

    it('lists a village’s notices newest first, a withdrawn one marked, with its PDF', async () => {
      const first = await editorTianheng.post(`/api/villages/${VILLAGE}/notices`, {
        posted_on: '2026-03-02',
        objections_to: '田横镇农经站',
      })
      const second = await editorTianheng.post(`/api/villages/${VILLAGE}/notices`, {
        posted_on: '2026-03-09',
        objections_to: '田横镇农经站',
      })
      expect([first.status, second.status]).toEqual([201, 201])
      expect((await editorTianheng.delete(`/api/notices/${first.body.id}`)).status).toBe(204)

      const reply = await editorTianheng.get(`/api/villages/${VILLAGE}/notices`)
      expect(reply.status).toBe(200)
      expect(reply.body.map((n: any) => n.id)).toEqual([second.body.id, first.body.id])
      expect(reply.body[0]).toMatchObject({
        posted_on: '2026-03-09',
        ends_on: second.body.ends_on,
        withdrawn_at: null,
        notice_pdf: `/api/notices/${second.body.id}/notice.pdf`,
      })
      expect(reply.body[1].withdrawn_at).not.toBeNull()
      expect(reply.body[0].parcel_count).toBe(second.body.parcels.length)
      expect(reply.body[0].parcels).toBeUndefined()
    })

    it('keeps another town’s villages from a town editor and names an unknown village', async () => {
      expect((await editorHuanxiu.get(`/api/villages/${VILLAGE}/notices`)).status).toBe(403)
      expect((await admin.get('/api/villages/370215999999/notices')).status).toBe(404)
    })
  })

  describe('POST /api/imports with dry_run and preview', () => {
    const file = JSON.stringify({
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          properties: {
            地块编码: 'PREVIEW-1',
            地块名称: '预览地块',
            镇街: '田横镇',
            地类: '农村可集约利用土地',
          },
          geometry: {
            type: 'Polygon',
            coordinates: [
              [
                [120.7, 36.45],
                [120.7005, 36.45],
                [120.7005, 36.4504],
                [120.7, 36.4504],
                [120.7, 36.45],
              ],
            ],
          },
        },
        {
          type: 'Feature',
          properties: { 地块编码: 'PREVIEW-2', 镇街: '田横镇', 地类: '不存在的地类' },
          geometry: {
            type: 'Polygon',
            coordinates: [
              [
                [120.71, 36.45],
                [120.7105, 36.45],
                [120.7105, 36.4504],
                [120.71, 36.4504],
                [120.71, 36.45],
              ],
            ],
          },
        },
      ],
    })

    it('puts every feature in the report, labelled by its code, with why a feature would be refused', async () => {
      const reply = await editorTianheng.upload('preview.geojson', file, {
        target: 'parcels',
        dry_run: 'true',
        preview: 'true',
      })

      expect(reply.status).toBe(200)
      expect(reply.body.status).toBe('dry_run')
      expect(reply.body.preview.truncated).toBe(false)
      const features = reply.body.preview.features as any[]
      expect(features.map((f) => f.properties)).toEqual([
        { index: 0, label: 'PREVIEW-1', rejected: null },
        { index: 1, label: 'PREVIEW-2', rejected: 'unknown_category' },
      ])
      expect(features[0].geometry.coordinates[0][0]).toEqual([120.7, 36.45])
      expect((await admin.get('/api/parcels?q=PREVIEW-')).body.features).toEqual([])
    })

    it('leaves the features out without preview, and stores a confirmed import', async () => {
      const dry = await editorTianheng.upload('preview.geojson', file, {
        target: 'parcels',
        dry_run: 'true',
      })
      expect(dry.body.preview).toBeUndefined()

      const stored = await editorTianheng.upload('preview.geojson', file, {
        target: 'parcels',
        mode: 'partial',
      })
      expect(stored.status).toBe(201)
      expect(stored.body.accepted).toBe(1)
      expect((await admin.get('/api/parcels?q=PREVIEW-1')).body.features).toHaveLength(1)
    })
  })
})
