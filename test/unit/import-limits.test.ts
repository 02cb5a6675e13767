// What an upload may not do: be empty, too big, a zip bomb, a zip of
// thousands of entries, or hold more features or vertices than the limits.
// Limits are set low so each test runs in milliseconds.
import type { Feature } from 'geojson'
import { zipSync } from 'fflate'
import iconv from 'iconv-lite'
import { constants, deflateRawSync } from 'node:zlib'
import { describe, expect, test } from 'vitest'
import { writeShapefile, zipShapefile } from '../../server/src/export/shapefile.ts'
import { readUpload } from '../../server/src/import/read.ts'
import {
  DEFAULT_LIMITS,
  type ImportLimits,
  type ReadResult,
} from '../../server/src/import/types.ts'

const MB = 1024 * 1024

function limits(overrides: Partial<ImportLimits> = {}): ImportLimits {
  return { ...DEFAULT_LIMITS, ...overrides }
}

function read(
  bytes: Uint8Array,
  fileName: string,
  overrides: Partial<ImportLimits> = {},
): Promise<ReadResult> {
  return readUpload(bytes, { fileName, limits: limits(overrides) })
}

function points(count: number): Feature[] {
  return Array.from({ length: count }, (_, i) => ({
    type: 'Feature',
    properties: { 地块编码: `P-${i}` },
    geometry: { type: 'Point', coordinates: [120.5 + i * 0.001, 36.4] },
  }))
}

function pointsZip(count: number): Uint8Array {
  return zipShapefile('points', writeShapefile(points(count)).files)
}

/** Offsets of every local header and central directory entry of a zip. */
function headers(zip: Uint8Array): { local: number[]; central: number[] } {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength)
  const local: number[] = []
  const central: number[] = []
  for (let i = 0; i + 4 <= zip.length; i++) {
    const signature = view.getUint32(i, true)
    if (signature === 0x04034b50) local.push(i)
    if (signature === 0x02014b50) central.push(i)
  }
  return { local, central }
}

/**
 * Raw deflate data for `blocks` × 16 MB of zeros: one sync-flushed chunk
 * repeated (a sync flush ends on a byte boundary with a non-final block),
 * then an empty final block.
 */
function zerosDeflated(blocks: number): Uint8Array {
  const chunk = deflateRawSync(Buffer.alloc(16 * MB), { finishFlush: constants.Z_SYNC_FLUSH })
  return Buffer.concat([...Array<Buffer>(blocks).fill(chunk), deflateRawSync(Buffer.alloc(0))])
}

/** A one-member zip (APPNOTE 4.3) whose headers declare `size` bytes and CRC 0. */
function zipOf(name: string, deflated: Uint8Array, size: number): Uint8Array {
  const nameBytes = new TextEncoder().encode(name)
  const local = new DataView(new ArrayBuffer(30))
  local.setUint32(0, 0x04034b50, true)
  local.setUint16(4, 20, true)
  local.setUint16(8, 8, true) // deflate
  local.setUint32(18, deflated.length, true)
  local.setUint32(22, size, true)
  local.setUint16(26, nameBytes.length, true)
  const central = new DataView(new ArrayBuffer(46))
  central.setUint32(0, 0x02014b50, true)
  central.setUint16(6, 20, true)
  central.setUint16(10, 8, true)
  central.setUint32(20, deflated.length, true)
  central.setUint32(24, size, true)
  central.setUint16(28, nameBytes.length, true)
  const centralAt = 30 + nameBytes.length + deflated.length
  const end = new DataView(new ArrayBuffer(22))
  end.setUint32(0, 0x06054b50, true)
  end.setUint16(8, 1, true)
  end.setUint16(10, 1, true)
  end.setUint32(12, 46 + nameBytes.length, true)
  end.setUint32(16, centralAt, true)
  const parts = [local, nameBytes, deflated, central, nameBytes, end].map(
    (p) => new Uint8Array(p instanceof DataView ? p.buffer : p),
  )
  return Buffer.concat(parts)
}

describe('upload size', () => {
  test('an empty file is refused as empty_file', async () => {
    await expect(read(new Uint8Array(0), 'nothing.zip')).rejects.toMatchObject({
      code: 'empty_file',
    })
  })

  test('a file over the upload limit is refused naming its size and the limit', async () => {
    const big = new Uint8Array(2 * MB)
    await expect(read(big, 'big.zip', { maxUploadBytes: MB })).rejects.toMatchObject({
      code: 'upload_too_large',
      message: expect.stringContaining(`${2 * MB} bytes, more than the limit of ${MB}`),
    })
  })

  test('bytes that are neither zip nor JSON under an unknown name are refused as unsupported_format', async () => {
    const bytes = new TextEncoder().encode('name,lon,lat\nA,120.5,36.4\n')
    await expect(read(bytes, 'parcels.dat')).rejects.toMatchObject({
      code: 'unsupported_format',
      message: expect.stringContaining('name,lon,lat'),
    })
  })
})

describe('zip archives', () => {
  test('a zip bomb whose headers understate the size is stopped while inflating', async () => {
    // 1 GB of zeros in ~1 MB of deflate data; the headers claim 1000 bytes
    const bomb = zipOf('bomb.shp', zerosDeflated(64), 1000)
    const before = process.memoryUsage().arrayBuffers
    await expect(read(bomb, 'bomb.zip', { maxUncompressedBytes: MB })).rejects.toMatchObject({
      code: 'zip_too_large',
      message: expect.stringContaining('"bomb.shp"'),
    })
    // inflating it all would take 1 GB; stopping at the limit takes one 16 KB step's output
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(100 * MB)
  })

  test('a zip whose central directory honestly declares too much is refused before inflating', async () => {
    // the data would inflate to 16 MB and fail its CRC (0 here): only the declared size is read
    const zip = zipOf('big.shp', zerosDeflated(1), 2 * MB)
    await expect(read(zip, 'big.zip', { maxUncompressedBytes: MB })).rejects.toMatchObject({
      code: 'zip_too_large',
    })
  })

  test('a zip with more entries than the limit is refused naming the count', async () => {
    const entries = Object.fromEntries(
      Array.from({ length: 11 }, (_, i) => [`f${i}.txt`, new Uint8Array(1)]),
    )
    await expect(read(zipSync(entries), 'many.zip', { maxZipEntries: 10 })).rejects.toMatchObject({
      code: 'zip_too_many_entries',
      message: expect.stringContaining('11 entries'),
    })
  })

  test('a damaged member is refused by its CRC-32', async () => {
    const zip = zipSync({ 'a.shp': new TextEncoder().encode('x'.repeat(200)) }, { level: 0 })
    const damaged = zip.slice()
    const dataAt = headers(damaged).local[0]! + 30 + 'a.shp'.length
    damaged[dataAt + 10] = 0x79
    await expect(read(damaged, 'damaged.zip')).rejects.toMatchObject({
      code: 'not_a_zip',
      message: /CRC-32/,
    })
  })

  test('a file named .zip that is not one is refused as not_a_zip', async () => {
    await expect(read(new Uint8Array([1, 2, 3, 4, 5]), 'fake.zip')).rejects.toMatchObject({
      code: 'not_a_zip',
    })
  })

  test('two Shapefiles in one zip are refused naming both', async () => {
    const a = writeShapefile(points(1)).files
    const zip = zipSync({ 'a.shp': a.shp, 'a.dbf': a.dbf, 'sub/b.shp': a.shp, 'sub/b.dbf': a.dbf })
    await expect(read(zip, 'two.zip')).rejects.toMatchObject({
      code: 'several_shapefiles',
      message: expect.stringContaining('a.shp, sub/b.shp'),
    })
  })

  test('macOS resource forks (__MACOSX/._x.shp) are not taken for a second Shapefile', async () => {
    const a = writeShapefile(points(1)).files
    const zip = zipSync({ 'a.shp': a.shp, 'a.dbf': a.dbf, '__MACOSX/._a.shp': new Uint8Array(40) })
    expect((await read(zip, 'mac.zip')).features).toHaveLength(1)
  })

  test('member names in GBK without the UTF-8 flag (zips made on a Chinese Windows) are decoded', async () => {
    const files = writeShapefile(points(1)).files
    // same byte length in ASCII as 地块 in GBK, so headers stay consistent when swapped
    const zip = zipSync({ 'abcd.shp': files.shp, 'abcd.dbf': files.dbf })
    const gbk = iconv.encode('地块', 'gbk')
    for (let i = 0; i + 4 <= zip.length; i++) {
      if (String.fromCharCode(...zip.subarray(i, i + 4)) === 'abcd') zip.set(gbk, i)
    }
    expect((await read(zip, 'gbk-names.zip')).layerName).toBe('地块')
  })

  test('a lone .shp upload reads, warning that attributes are missing', async () => {
    const result = await read(writeShapefile(points(2)).files.shp, 'points.shp')
    expect(result.features).toHaveLength(2)
    expect(result.warnings.join(' ')).toMatch(/points\.dbf is missing/)
  })
})

describe('features and vertices', () => {
  test('a Shapefile with more features than the limit is refused naming the count', async () => {
    await expect(read(pointsZip(3), 'points.zip', { maxFeatures: 2 })).rejects.toMatchObject({
      code: 'too_many_features',
      message: expect.stringContaining('3 features, more than the limit of 2'),
    })
  })

  test('a GeoJSON with more features than the limit is refused', async () => {
    const json = new TextEncoder().encode(
      JSON.stringify({ type: 'FeatureCollection', features: points(3) }),
    )
    await expect(read(json, 'points.geojson', { maxFeatures: 2 })).rejects.toMatchObject({
      code: 'too_many_features',
    })
  })

  test('a feature with more vertices than the limit is reported and left out, the others kept', async () => {
    const square = [
      [120.5, 36.4],
      [120.5, 36.41],
      [120.51, 36.41],
      [120.51, 36.4],
      [120.5, 36.4],
    ]
    const features: Feature[] = [
      {
        type: 'Feature',
        properties: { 地块编码: 'BIG' },
        geometry: { type: 'Polygon', coordinates: [square] },
      },
      {
        type: 'Feature',
        properties: { 地块编码: 'SMALL' },
        geometry: { type: 'Point', coordinates: [120.5, 36.4] },
      },
    ]
    const json = new TextEncoder().encode(JSON.stringify({ type: 'FeatureCollection', features }))
    const result = await read(json, 'mixed.geojson', { maxVerticesPerFeature: 4 })
    expect(result.features.map((f) => f.properties.地块编码)).toEqual(['SMALL'])
    expect(result.problems).toEqual([
      expect.objectContaining({
        index: 0,
        code: 'too_many_vertices',
        message: 'feature 0 (地块编码 BIG): it has 5 vertices, more than the limit of 4',
      }),
    ])
  })
})
