import { spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import ExcelJS from 'exceljs'
import { unzipSync } from 'fflate'
import iconv from 'iconv-lite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseRecords } from '../../server/src/import/csv.ts'
import { backends } from '../helpers/backends.ts'
import { startTestApp, type Client, type TestApp } from '../helpers/app.ts'

const TIANHENG = '370215101'
const HUANXIU = '370215001'

interface Download {
  status: number
  headers: Headers
  bytes: Uint8Array
}

async function download(client: Client, route: string): Promise<Download> {
  const response = await fetch(client.url + route, {
    headers: client.cookie ? { cookie: client.cookie } : {},
  })
  return {
    status: response.status,
    headers: response.headers,
    bytes: new Uint8Array(await response.arrayBuffer()),
  }
}

const utf8 = (bytes: Uint8Array) => new TextDecoder('utf-8').decode(bytes)

/** ogrinfo, or null when GDAL is not installed (then the caller skips, except in CI). */
const OGRINFO =
  spawnSync('ogrinfo', ['--version'], { encoding: 'utf8' }).status === 0 ? 'ogrinfo' : null
if (!OGRINFO) {
  if (process.env.CI === 'true')
    throw new Error(
      'CI=true but ogrinfo (Debian gdal-bin) is missing: the exports must be checked with GDAL',
    )
  console.warn(
    'ogrinfo (Debian gdal-bin) is not installed: the GDAL checks of the exports are skipped',
  )
}
const withGdal = OGRINFO ? it : it.skip

function ogrinfo(...args: string[]): string {
  const run = spawnSync(OGRINFO!, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
  if (run.status !== 0) throw new Error(`ogrinfo ${args.join(' ')} failed: ${run.stderr}`)
  return run.stdout
}

/** The attribute values of each feature in `ogrinfo -al` output: field → value text. */
function ogrFeatures(output: string): Record<string, string>[] {
  const features: Record<string, string>[] = []
  for (const line of output.split('\n')) {
    if (/^OGRFeature\(/.test(line)) features.push({})
    const field = /^ {2}(\S+) \(\w+(?:\(\d+\))?\) = (.*)$/.exec(line)
    if (field && features.length > 0) features[features.length - 1]![field[1]!] = field[2]!
  }
  return features
}

/** Unzips a download into a new temporary folder; returns the folder. */
function unzipToTemp(bytes: Uint8Array): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'jiyuan-test-unzip-'))
  for (const [name, data] of Object.entries(unzipSync(bytes)))
    writeFileSync(path.join(dir, name), data)
  return dir
}

const PROPERTY_COLUMNS = `code, name, town, village, category, subtype, status, problems, ownership,
  declared_area_mu, location, intended_use, attributes`

describe.each(backends())('exports on the %s database', (backend) => {
  let app: TestApp
  let admin: Client
  let village: string
  /** The parcels of the village as they were first, by code. */
  let originals: Map<string, Record<string, unknown>>
  let originalIds: number[]

  beforeAll(async () => {
    app = await startTestApp(backend)
    admin = await app.as('admin')
    const { rows } = await app.db.query<{ village: string; lon: number; lat: number }>(
      `SELECT p.village, ST_X(pt) AS lon, ST_Y(pt) AS lat
       FROM parcels p JOIN villages v ON v.code = p.village, LATERAL ST_PointOnSurface(v.geom) AS pt
       WHERE p.town = $1 GROUP BY p.village, pt ORDER BY count(*) DESC, p.village LIMIT 1`,
      [TIANHENG],
    )
    village = rows[0]!.village
    await addAwkwardParcels(rows[0]!.lon, rows[0]!.lat)
    originals = await snapshot()
    originalIds = (
      await app.db.query<{ id: number }>(
        'SELECT id FROM parcels WHERE village = $1 AND deleted_at IS NULL',
        [village],
      )
    ).rows.map((r) => r.id)
  })
  afterAll(async () => app?.close())

  /**
   * A parcel with what files mangle most: two polygons, one with a hole,
   * quotes, commas and a line break, several problems, nested attributes;
   * and one without a village.
   */
  async function addAwkwardParcels(lon: number, lat: number): Promise<void> {
    const d = 0.0004
    const square = (x: number, y: number, s: number) => [
      [x, y],
      [x + s, y],
      [x + s, y + s],
      [x, y + s],
      [x, y],
    ]
    const created = await admin.post('/api/parcels', {
      type: 'Feature',
      properties: {
        code: 'T-EXP-AWKWARD',
        name: '河边"老仓库",含逗号',
        town: TIANHENG,
        village,
        category: 'intensive_use',
        subtype: '四边地（河边）',
        status: 'recovering',
        problems: ['environment', 'contract'],
        ownership: '村股份经济合作社',
        declared_area_mu: 1.234567,
        location: '河东侧\n第二行',
        intended_use: '民宿',
        attributes: { 备注: '第一行\n第二行, "引号"', 数量: 3, 嵌套: { a: [1, 2.5] } },
      },
      geometry: {
        type: 'MultiPolygon',
        coordinates: [
          [square(lon, lat, 2 * d), square(lon + d / 2, lat + d / 2, d / 2).reverse()],
          [square(lon + 3 * d, lat, d)],
        ],
      },
    })
    expect(created.status, JSON.stringify(created.body)).toBe(201)
    const lonely = await admin.post('/api/parcels', {
      type: 'Feature',
      properties: {
        code: 'T-EXP-NOVILLAGE',
        name: '无村地块',
        town: TIANHENG,
        category: 'idle_industrial',
      },
      geometry: { type: 'Polygon', coordinates: [square(lon + 0.01, lat, d)] },
    })
    expect(lonely.status, JSON.stringify(lonely.body)).toBe(201)
  }

  /** The stored properties of the village's live parcels, by code. */
  async function snapshot(): Promise<Map<string, Record<string, unknown>>> {
    const { rows } = await app.db.query<Record<string, unknown>>(
      `SELECT ${PROPERTY_COLUMNS} FROM parcels WHERE village = $1 AND deleted_at IS NULL ORDER BY code`,
      [village],
    )
    return new Map(rows.map((r) => [r.code as string, r]))
  }

  /**
   * Imports an export back twice: into the same database (nothing changes),
   * then after the village's parcels were deleted (all created anew), and
   * compares the new parcels with the originals: every property, and the
   * geometry within 1 mm (Hausdorff distance in Gauss-Krüger metres).
   */
  async function roundTrip(fileName: string, bytes: Uint8Array): Promise<void> {
    const same = await admin.upload(fileName, bytes)
    expect(same.status, JSON.stringify(same.body)).toBe(201)
    expect(same.body).toMatchObject({
      created: 0,
      updated: 0,
      unchanged: originals.size,
      rejected: [],
    })

    await app.db.query(
      'UPDATE parcels SET deleted_at = now() WHERE village = $1 AND deleted_at IS NULL',
      [village],
    )
    const again = await admin.upload(fileName, bytes)
    expect(again.status, JSON.stringify(again.body)).toBe(201)
    expect(again.body).toMatchObject({ created: originals.size, updated: 0, rejected: [] })

    expect(await snapshot()).toEqual(originals)
    const { rows } = await app.db.query<{ code: string; moved_m: number; same_points: boolean }>(
      `SELECT o.code, ST_HausdorffDistance(ST_Transform(o.geom, 4549), ST_Transform(n.geom, 4549)) AS moved_m,
              ST_NPoints(o.geom) = ST_NPoints(n.geom) AS same_points
       FROM parcels o JOIN parcels n ON n.code = o.code AND n.deleted_at IS NULL
       WHERE o.id = ANY ($1::int[])`,
      [originalIds],
    )
    expect(rows).toHaveLength(originals.size)
    for (const row of rows) {
      expect(row.same_points, row.code).toBe(true)
      expect(row.moved_m, row.code).toBeLessThan(0.001)
    }
  }

  it('exports GeoJSON as the list gives it: the same features, srid 4490, as a dated attachment', async () => {
    const list = await admin.get(`/api/parcels?village=${village}`)
    const file = await download(admin, `/api/exports/parcels.geojson?village=${village}`)
    expect(file.status).toBe(200)
    expect(file.headers.get('content-type')).toMatch(/^application\/geo\+json/)
    expect(file.headers.get('content-disposition')).toMatch(
      new RegExp(`^attachment; filename="parcels-${village}-\\d{8}\\.geojson"$`),
    )
    const collection = JSON.parse(utf8(file.bytes))
    expect(collection).toMatchObject({ type: 'FeatureCollection', srid: 4490 })
    expect(collection.features).toEqual(list.body.features)
    expect(collection.features.length).toBe(originals.size)
  })

  it('reads a GeoJSON export back with every property and the geometry within 1 mm', async () => {
    const file = await download(admin, `/api/exports/parcels.geojson?village=${village}`)
    await roundTrip('export.geojson', file.bytes)
  })

  it('reads a CSV export back, geometry from its WKT column, Chinese intact', async () => {
    const file = await download(admin, `/api/exports/parcels.csv?village=${village}`)
    await roundTrip('export.csv', file.bytes)
  })

  it.each([
    [4490, 'gbk'],
    [4490, 'utf-8'],
    [4549, 'gbk'],
    [4549, 'utf-8'],
  ])(
    'reads a Shapefile export (EPSG:%i, %s) back with every property and the geometry within 1 mm',
    async (srid, encoding) => {
      const file = await download(
        admin,
        `/api/exports/parcels.zip?village=${village}&srid=${srid}&encoding=${encoding}`,
      )
      expect(file.status).toBe(200)
      expect(file.headers.get('content-type')).toBe('application/zip')
      const members = unzipSync(file.bytes)
      const base = `parcels-${village}-`
      expect(Object.keys(members).sort()).toEqual(
        expect.arrayContaining([
          'README.txt',
          ...['cpg', 'dbf', 'prj', 'shp', 'shx'].map((e) =>
            expect.stringMatching(new RegExp(`^${base}\\d{8}\\.${e}$`)),
          ),
        ]),
      )
      const cpg = Object.entries(members).find(([name]) => name.endsWith('.cpg'))![1]
      expect(utf8(cpg)).toBe(encoding === 'gbk' ? 'GBK' : 'UTF-8')
      const readme = utf8(members['README.txt']!)
      expect(readme).toContain(`EPSG:${srid}`)
      expect(readme).toMatch(encoding === 'gbk' ? /地块编码\t\(DKBM\)/ : /DKBM\t\(地块编码\)/)
      await roundTrip('export.zip', file.bytes)
    },
  )

  withGdal.each([
    [4490, 'gbk', '地块名称', '村'],
    [4549, 'utf-8', 'DKMC', 'CMC'],
  ])(
    'writes a Shapefile (EPSG:%i, %s) that GDAL reads with its CRS and Chinese values',
    async (srid, encoding, nameField, villageField) => {
      const file = await download(
        admin,
        `/api/exports/parcels.zip?village=${village}&srid=${srid}&encoding=${encoding}`,
      )
      const dir = unzipToTemp(file.bytes)
      try {
        const shp = path.join(
          dir,
          readdirSync(dir).find((f) => f.endsWith('.shp'))!,
        )
        const summary = ogrinfo('-al', '-so', shp)
        expect(summary).toContain(`Feature Count: ${originals.size}`)
        expect(summary).toMatch(/Geometry: (Multi )?Polygon/)
        expect(summary).toMatch(srid === 4490 ? /China.*2000/ : /Gauss.Kruger|Transverse_Mercator/)
        if (srid === 4549) expect(summary).toMatch(/120/)
        expect(summary).toContain(`${nameField}: String`)
        const features = ogrFeatures(ogrinfo('-al', shp))
        expect(features).toHaveLength(originals.size)
        const codeField = encoding === 'gbk' ? '地块编码' : 'DKBM'
        for (const feature of features) {
          const stored = originals.get(feature[codeField]!)!
          expect(feature[nameField]).toBe(stored.name)
        }
        const villageName = (
          await app.db.query<{ name: string }>('SELECT name FROM villages WHERE code = $1', [
            village,
          ])
        ).rows[0]!.name
        expect(new Set(features.map((f) => f[villageField]))).toEqual(new Set([villageName]))
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    },
  )

  it('writes Chinese DBF field names of at most 10 bytes in GBK, and ASCII ones in UTF-8', async () => {
    for (const [encoding, codec] of [
      ['gbk', 'gbk'],
      ['utf-8', 'utf8'],
    ] as const) {
      const file = await download(
        admin,
        `/api/exports/parcels.zip?village=${village}&encoding=${encoding}`,
      )
      const dbf = Object.entries(unzipSync(file.bytes)).find(([name]) => name.endsWith('.dbf'))![1]
      const names: string[] = []
      for (let at = 32; dbf[at] !== 0x0d; at += 32) {
        const raw = dbf.subarray(at, at + 11)
        const end = raw.indexOf(0)
        names.push(iconv.decode(Buffer.from(raw.subarray(0, end < 0 ? 11 : end)), codec))
      }
      expect(names.every((n) => iconv.encode(n, codec).length <= 10)).toBe(true)
      expect(names.slice(0, 2)).toEqual(
        encoding === 'gbk' ? ['地块编码', '地块名称'] : ['DKBM', 'DKMC'],
      )
      expect(dbf[29]).toBe(encoding === 'gbk' ? 0x4d : 0x00)
    }
  })

  it('starts a CSV with the UTF-8 BOM and gives as many rows as the list matches for the same filter', async () => {
    const filter = `town=${TIANHENG}&category=intensive_use`
    const list = await admin.get(`/api/parcels?${filter}&limit=1`)
    const file = await download(admin, `/api/exports/parcels.csv?${filter}`)
    expect(file.headers.get('content-type')).toMatch(/^text\/csv; charset=utf-8/)
    expect([...file.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
    const records = parseRecords(utf8(file.bytes.subarray(3)))
    expect(records[0]!.cells).toEqual([
      '地块编码',
      '地块名称',
      '镇街代码',
      '镇街',
      '村代码',
      '村',
      '类别',
      '子类',
      '状态',
      '问题',
      '权属',
      '位置',
      '用途',
      '申报面积(亩)',
      '面积(亩)',
      '面积(平方米)',
      '其他属性',
      'WKT',
    ])
    expect(records.length - 1).toBe(list.body.numberMatched)
    expect(new Set(records.slice(1).map((r) => r.cells[6]))).toEqual(
      new Set(['农村可集约利用土地']),
    )
  })

  withGdal('writes a CSV that GDAL reads with its WKT geometry', async () => {
    const file = await download(admin, `/api/exports/parcels.csv?village=${village}`)
    const dir = mkdtempSync(path.join(os.tmpdir(), 'jiyuan-test-csv-'))
    try {
      writeFileSync(path.join(dir, 'parcels.csv'), file.bytes)
      const summary = ogrinfo('-al', '-so', path.join(dir, 'parcels.csv'))
      expect(summary).toContain(`Feature Count: ${originals.size}`)
      const features = ogrFeatures(ogrinfo('-al', path.join(dir, 'parcels.csv')))
      expect(features.find((f) => f['地块编码'] === 'T-EXP-AWKWARD')).toMatchObject({
        地块名称: '河边"老仓库",含逗号',
        问题: '合同签订不规范；破坏城乡公共区域环境',
      })
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it("confines a town editor's export to its own town, whatever the filter asks", async () => {
    const editor = await app.as('editorTianheng')
    const own = await download(editor, '/api/exports/parcels.csv')
    const rows = parseRecords(utf8(own.bytes.subarray(3))).slice(1)
    const listed = await editor.get('/api/parcels?limit=1')
    expect(rows.length).toBe(listed.body.numberMatched)
    expect(new Set(rows.map((r) => r.cells[2]))).toEqual(new Set([TIANHENG]))
    const other = await download(editor, `/api/exports/parcels.geojson?town=${HUANXIU}`)
    expect(JSON.parse(utf8(other.bytes)).features).toEqual([])
    expect((await download(app.anonymous(), '/api/exports/parcels.csv')).status).toBe(401)
  })

  it('writes an XLSX ledger with Chinese headers, a frozen header row, and totals that are the sums of its rows', async () => {
    const file = await download(admin, `/api/exports/parcels.xlsx?town=${TIANHENG}`)
    expect(file.headers.get('content-type')).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    )
    const workbook = new ExcelJS.Workbook()
    await workbook.xlsx.load(Buffer.from(file.bytes) as unknown as ExcelJS.Buffer)
    const ledger = workbook.getWorksheet('台账')!
    const totals = workbook.getWorksheet('汇总')!
    const texts = (row: ExcelJS.Row) =>
      Array.from({ length: row.cellCount }, (_, i) => row.getCell(i + 1).text)
    const header = (sheet: ExcelJS.Worksheet) => texts(sheet.getRow(1))
    expect(header(ledger)).toEqual(
      expect.arrayContaining([
        '地块编码',
        '地块名称',
        '镇街',
        '村',
        '类别',
        '状态',
        '问题',
        '申报面积(亩)',
        '面积(亩)',
        '面积(平方米)',
      ]),
    )
    expect(header(totals)).toEqual([
      '级别',
      '镇街代码',
      '镇街',
      '村代码',
      '村',
      '地块数',
      '申报面积(亩)',
      '面积(亩)',
      '面积(平方米)',
    ])
    expect(ledger.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 })

    const columns = header(ledger) as string[]
    const at = (name: string) => columns.indexOf(name) + 1
    const sums = new Map<string, { count: number; mu: number; m2: number }>()
    const listed = await admin.get(`/api/parcels?town=${TIANHENG}&limit=1`)
    expect(ledger.rowCount - 1).toBe(listed.body.numberMatched)
    ledger.eachRow((row, n) => {
      if (n === 1) return
      expect(row.getCell(at('面积(亩)')).numFmt).toBe('0.00')
      const key = row.getCell(at('村代码')).text
      const sum = sums.get(key) ?? { count: 0, mu: 0, m2: 0 }
      sum.count++
      sum.mu += row.getCell(at('面积(亩)')).value as number
      sum.m2 += row.getCell(at('面积(平方米)')).value as number
      sums.set(key, sum)
    })
    const all = { count: 0, mu: 0, m2: 0 }
    let villageRows = 0
    totals.eachRow((row, n) => {
      if (n === 1) return
      const [level, , , villageCode] = texts(row)
      const [count, , mu, m2] = [6, 7, 8, 9].map((i) => row.getCell(i).value)
      if (level === '村') {
        villageRows++
        const sum = sums.get(villageCode!)!
        expect(count).toBe(sum.count)
        expect(mu as number).toBeCloseTo(sum.mu, 4)
        expect(m2 as number).toBeCloseTo(sum.m2, 2)
        all.count += sum.count
        all.mu += sum.mu
        all.m2 += sum.m2
      }
      if (level === '合计' || level === '镇街小计') {
        expect(count).toBe(all.count)
        expect(mu as number).toBeCloseTo(all.mu, 4)
        expect(m2 as number).toBeCloseTo(all.m2, 2)
      }
    })
    expect(villageRows).toBe(sums.size)
    expect(totals.getRow(totals.rowCount).getCell(1).text).toBe('合计')
  })

  withGdal(
    'writes an XLSX that GDAL reads: both sheets as layers, Chinese values intact',
    async () => {
      const file = await download(admin, `/api/exports/parcels.xlsx?village=${village}`)
      const dir = mkdtempSync(path.join(os.tmpdir(), 'jiyuan-test-xlsx-'))
      try {
        const xlsx = path.join(dir, 'ledger.xlsx')
        writeFileSync(xlsx, file.bytes)
        const summary = ogrinfo('-so', xlsx)
        expect(summary).toMatch(/台账/)
        expect(summary).toMatch(/汇总/)
        const features = ogrFeatures(ogrinfo(xlsx, '台账'))
        expect(features).toHaveLength(originals.size)
        for (const feature of features)
          expect(feature['地块名称']).toBe(originals.get(feature['地块编码']!)!.name)
        expect(features.find((f) => f['地块编码'] === 'T-EXP-AWKWARD')).toMatchObject({
          类别: '农村可集约利用土地',
          状态: '清收中',
        })
        const totals = ogrFeatures(ogrinfo(xlsx, '汇总'))
        expect(totals.at(-1)).toMatchObject({ 级别: '合计', 地块数: String(originals.size) })
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    },
  )

  it('refuses an unknown CRS, code page or filter, and deleted parcels, with the parameter named', async () => {
    const srid = await admin.get('/api/exports/parcels.zip?srid=3857')
    expect(srid.status).toBe(400)
    expect(srid.body.error.code).toBe('invalid_parameter')
    expect(srid.body.error.message).toMatch(/srid.*3857/)
    const encoding = await admin.get('/api/exports/parcels.zip?encoding=latin1')
    expect(encoding.body.error.message).toMatch(/encoding.*latin1/)
    const deleted = await admin.get('/api/exports/parcels.geojson?include_deleted=true')
    expect(deleted.body.error.message).toMatch(/include_deleted/)
    const filter = await admin.get('/api/exports/parcels.csv?status=lost')
    expect(filter.status).toBe(400)
    expect(filter.body.error.message).toMatch(/status.*lost/)
  })

  /** Starts a district-wide download and goes away: before the headers, or after the first bytes. */
  async function abortDownload(route: string, when: 'early' | 'first bytes'): Promise<void> {
    const controller = new AbortController()
    const request = fetch(app.url + route, {
      headers: { cookie: admin.cookie! },
      signal: controller.signal,
    })
    if (when === 'early') setTimeout(() => controller.abort(), 30)
    try {
      const reader = (await request).body!.getReader()
      await reader.read()
      controller.abort()
    } catch {
      // aborted
    }
  }

  it('removes its temporary files when the client goes away, and keeps serving', async () => {
    const before = new Set(readdirSync(os.tmpdir()).filter((f) => f.startsWith('jiyuan-export-')))
    await abortDownload('/api/exports/parcels.zip?srid=4549', 'early')
    await abortDownload('/api/exports/parcels.zip', 'first bytes')
    for (const format of ['geojson', 'csv', 'xlsx'])
      await abortDownload(`/api/exports/parcels.${format}`, 'first bytes')
    const leftover = () =>
      readdirSync(os.tmpdir()).filter((f) => f.startsWith('jiyuan-export-') && !before.has(f))
    for (let i = 0; i < 100 && leftover().length > 0; i++)
      await new Promise((r) => setTimeout(r, 100))
    expect(leftover()).toEqual([])
    expect((await admin.get('/api/health')).status).toBe(200)
  })
})
