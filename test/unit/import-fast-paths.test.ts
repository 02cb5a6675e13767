// The fast paths of the import give what the plain ones gave: DBF text
// decoded a column at a time, polygons wound in JavaScript as
// ST_ForcePolygonCCW winds them, rows written in PostgreSQL's binary COPY
// format.
import type { Position } from 'geojson'
import { describe, expect, test } from 'vitest'
import { BinaryCopyWriter } from '../../server/src/db/copy-binary.ts'
import { multiPolygonCcw, signedArea } from '../../server/src/geo/orientation.ts'
import { decodeTextCells } from '../../server/src/import/dbf.ts'
import { decodeText } from '../../server/src/import/encoding.ts'

/** A small deterministic generator (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  let a = seed
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** A cell as a DBF holds it after trimming: Chinese, Latin, cut sequences, NULs, BOMs. */
function randomCell(next: () => number, pieces: Uint8Array[]): Uint8Array {
  const parts: number[] = []
  const count = Math.floor(next() * 6)
  for (let i = 0; i < count; i++) parts.push(...pieces[Math.floor(next() * pieces.length)]!)
  let start = 0
  let end = parts.length
  while (start < end && (parts[start] === 0x20 || parts[start] === 0)) start++
  while (end > start && (parts[end - 1] === 0x20 || parts[end - 1] === 0)) end--
  return Uint8Array.from(parts.slice(start, end))
}

const PIECES = [
  [0xcc, 0xef, 0xba, 0xe1], // 田横 in GBK
  [0xe7, 0x94, 0xb0], // 田 in UTF-8
  [0xef, 0xbb, 0xbf], // a UTF-8 BOM
  [0x81], // a lead byte alone (a cell cut mid-character)
  [0x81, 0x30], // half of a GB18030 four-byte sequence
  [0x81, 0x30, 0x81, 0x30], // a GB18030 four-byte sequence
  [0xe9], // é in Latin-1
  [0x41, 0x42],
  [0x20],
  [0x00],
  [0xff],
  [0x7f],
].map((bytes) => Uint8Array.from(bytes))

describe('DBF text decoded a column at a time', () => {
  const ENCODINGS = ['gbk', 'gb18030', 'utf-8', 'cp950', 'windows-1252', 'cp866']
  const WITHOUT_NUL = PIECES.filter((p) => !p.includes(0))

  test.each(ENCODINGS.flatMap((e) => [[e, 'without'], [e, 'with']]))(
    'gives in %s what decoding each cell alone gives, whatever the bytes (%s NULs inside cells)',
    (encoding, nul) => {
      const next = random(7)
      const cells = Array.from({ length: 3000 }, () => randomCell(next, nul === 'with' ? PIECES : WITHOUT_NUL))
      const alone = cells.map((cell) => (cell.length === 0 ? null : decodeText(cell, encoding).trim() || null))
      expect(decodeTextCells(cells, encoding)).toEqual(alone)
    },
  )

  test('gives nothing for no cells', () => {
    expect(decodeTextCells([], 'gbk')).toEqual([])
  })
})

describe('polygons wound as ST_ForcePolygonCCW winds them', () => {
  const cw: Position[] = [[0, 0], [0, 10], [10, 10], [10, 0], [0, 0]]
  const ccw: Position[] = [...cw].reverse()
  const holeCw: Position[] = [[2, 2], [2, 4], [4, 4], [4, 2], [2, 2]]
  const holeCcw: Position[] = [...holeCw].reverse()
  const flat: Position[] = [[0, 0], [5, 0], [10, 0], [0, 0]]

  test('measures rings as liblwgeom does: clockwise positive, flat zero', () => {
    expect(signedArea(cw)).toBe(100)
    expect(signedArea(ccw)).toBe(-100)
    expect(signedArea(flat)).toBe(0)
  })

  test('turns a clockwise exterior ring and a counter-clockwise hole, and makes the polygon a MultiPolygon', () => {
    expect(multiPolygonCcw({ type: 'Polygon', coordinates: [cw, holeCcw] })).toEqual({
      type: 'MultiPolygon',
      coordinates: [[ccw, holeCw]],
    })
  })

  test('keeps rings already wound right, in every part of a MultiPolygon', () => {
    const polygon = [ccw, holeCw]
    expect(multiPolygonCcw({ type: 'MultiPolygon', coordinates: [polygon, polygon] }).coordinates).toEqual([polygon, polygon])
  })

  test('keeps a flat exterior ring and turns a flat hole, as liblwgeom counts a flat ring counter-clockwise', () => {
    expect(multiPolygonCcw({ type: 'Polygon', coordinates: [flat, flat] }).coordinates).toEqual([[flat, [...flat].reverse()]])
  })
})

describe('binary COPY rows', () => {
  test('carry the signature, typed fields, NULLs and the trailer in PostgreSQL binary COPY format', () => {
    const copy = new BinaryCopyWriter()
    copy.row(4).int4(7).text('田').null().textArray(['a'])
    const bytes = Buffer.concat(copy.finish())
    expect([...bytes.subarray(0, 19)]).toEqual([
      0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00, 0, 0, 0, 0, 0, 0, 0, 0,
    ])
    expect(bytes.readInt16BE(19)).toBe(4)
    expect(bytes.readInt32BE(21)).toBe(4)
    expect(bytes.readInt32BE(25)).toBe(7)
    expect(bytes.readInt32BE(29)).toBe(3)
    expect(bytes.subarray(33, 36).toString('utf8')).toBe('田')
    expect(bytes.readInt32BE(36)).toBe(-1)
    // text[]: length, 1 dimension, no NULLs, element type text (25), 1 element from 1, then 'a'
    expect(bytes.readInt32BE(40)).toBe(25)
    expect([1, 0, 25, 1, 1, 1].map((_, i) => bytes.readInt32BE(44 + 4 * i))).toEqual([1, 0, 25, 1, 1, 1])
    expect(bytes.subarray(68, 69).toString()).toBe('a')
    expect(bytes.readInt16BE(69)).toBe(-1)
    expect(bytes.length).toBe(71)
  })
})
