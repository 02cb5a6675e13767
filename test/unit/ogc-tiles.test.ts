import { VectorTile } from '@mapbox/vector-tile'
import { PbfReader } from 'pbf'
import { describe, expect, it } from 'vitest'
import { ALL_ZONES, FINDINGS, layerSource, OCCUPATIONS, PARCELS } from '../../server/src/ogc/collections.ts'
import { bboxInGisOrder, parseCrs } from '../../server/src/ogc/crs.ts'
import { encodeTile, tileFeatures } from '../../server/src/tiles/encode.ts'
import { parseTile, project, tileBounds } from '../../server/src/tiles/grid.ts'
import { mvtColumns, mvtQuery } from '../../server/src/tiles/mvt.ts'

const TILE = { z: 14, x: 13675, y: 6411 }

/** A square of `size` degrees at the tile's middle, counter-clockwise as RFC 7946 writes outer rings. */
function square(lon: number, lat: number, size: number): number[][] {
  return [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
}

const area = (ring: number[][]) => {
  let sum = 0
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) sum += ring[j]![0]! * ring[i]![1]! - ring[i]![0]! * ring[j]![1]!
  return sum
}

describe('vector tile encoding', () => {
  const [w, s, e, n] = tileBounds(TILE)
  const lon = (w + e) / 2
  const lat = (s + n) / 2

  it('makes exterior rings positive and holes negative in tile coordinates, as MVT 2.1 defines them', () => {
    const outer = square(lon, lat, 0.004)
    const hole = square(lon + 0.001, lat + 0.001, 0.001).reverse()
    const [feature] = tileFeatures(7, { type: 'Polygon', coordinates: [outer, hole] }, { code: 'A' }, TILE)
    expect(feature!.type).toBe(3)
    const rings = feature!.geometry as number[][][]
    expect(rings).toHaveLength(2)
    expect(area(rings[0]!)).toBeGreaterThan(0)
    expect(area(rings[1]!)).toBeLessThan(0)
  })

  it('drops a polygon that snaps to less than a tile unit, and repeated positions', () => {
    const tiny = square(lon, lat, 1e-7)
    expect(tileFeatures(1, { type: 'Polygon', coordinates: [tiny] }, {}, TILE)).toEqual([])
    const line = [[lon, lat], [lon + 1e-8, lat], [lon + 0.001, lat]]
    const [feature] = tileFeatures(2, { type: 'LineString', coordinates: line }, {}, TILE)
    expect((feature!.geometry as number[][][])[0]).toHaveLength(2)
  })

  it('splits a collection into one feature per kind of geometry', () => {
    const features = tileFeatures(3, {
      type: 'GeometryCollection',
      geometries: [
        { type: 'Polygon', coordinates: [square(lon, lat, 0.001)] },
        { type: 'Point', coordinates: [lon, lat] },
      ],
    }, {}, TILE)
    expect(features.map((f) => f.type)).toEqual([3, 1])
  })

  it('encodes a tile that a vector-tile reader decodes to the same features', () => {
    const features = tileFeatures(9, { type: 'Polygon', coordinates: [square(lon, lat, 0.002)] }, { code: 'JM-9', area_mu: 1.5 }, TILE)
    const tile = new VectorTile(new PbfReader(encodeTile({ parcels: features })))
    const layer = tile.layers.parcels!
    expect(layer.extent).toBe(4096)
    expect(layer.length).toBe(1)
    const decoded = layer.feature(0)
    expect(decoded.id).toBe(9)
    expect(decoded.properties).toEqual({ code: 'JM-9', area_mu: 1.5 })
    const [x, y] = project(lon, lat, TILE)
    expect(decoded.loadGeometry()[0]![0]).toMatchObject({ x, y })
  })

  it('refuses tiles outside the grid', () => {
    expect(() => parseTile('2', '4', '0')).toThrow()
    expect(() => parseTile('23', '0', '0')).toThrow()
    expect(() => parseTile('1', '-1', '0')).toThrow()
    expect(parseTile('14', '13675', '6411')).toEqual(TILE)
  })
})

describe('tiles encoded by the PostGIS server', () => {
  const sources = [PARCELS, OCCUPATIONS, FINDINGS, ALL_ZONES, layerSource({ id: 3, name: '城镇开发边界', kind: 'three_zones' })]

  it('has the SQL of every tile field of every collection, named as the field', () => {
    for (const source of sources) {
      for (const field of new Set([...source.tileFields, ...source.styleFields])) {
        expect(source.tileSql[field], `${source.id}.${field}`).toEqual(expect.any(String))
      }
      expect(mvtColumns(source, source.tileFields)).toMatch(new RegExp(`^${source.idColumn.replace('.', '\\.')} AS mvt_id, `))
    }
    expect(mvtColumns(PARCELS, ['id', 'problems'])).toBe(`p.id AS mvt_id, p.id AS "id", array_to_string(p.problems, ',') AS "problems"`)
    expect(() => mvtColumns(OCCUPATIONS, ['colour'])).toThrow(/colour/)
  })

  it('encodes with ST_AsMVT, one layer and a labels layer, every value a parameter', () => {
    const candidates = { sql: 'SELECT 1 WHERE p.town = $1', params: ['370215001'] }
    const plan = { layer: 'parcels', tile: TILE, asPoints: false, withLabels: true }
    const { sql, params } = mvtQuery(candidates, ['id', 'code'], plan)
    expect(sql.match(/ST_AsMVT\(/g)).toHaveLength(2)
    expect(sql).toContain('ST_AsMVTGeom(ST_Transform(')
    expect(sql).toContain('ST_TileEnvelope($2::int, $3::int, $4::int)')
    expect(sql).not.toMatch(/'parcels|13675|4096/)
    expect(params).toEqual(['370215001', 14, 13675, 6411, 4096, 64, 'parcels', 'parcels-labels'])
    expect(mvtQuery(candidates, ['id'], { ...plan, withLabels: false }).params).toHaveLength(7)
  })
})

describe('CRS by reference', () => {
  it('knows the five CRSs by URI and by CURIE, and refuses others', () => {
    expect(parseCrs('http://www.opengis.net/def/crs/EPSG/0/4549', 'crs').srid).toBe(4549)
    expect(parseCrs('[EPSG:4528]', 'crs').srid).toBe(4528)
    expect(parseCrs('http://www.opengis.net/def/crs/OGC/1.3/CRS84', 'crs').northFirst).toBe(false)
    expect(parseCrs('http://www.opengis.net/def/crs/EPSG/0/4490', 'crs').northFirst).toBe(true)
    expect(() => parseCrs('http://www.opengis.net/def/crs/EPSG/0/4326', 'crs')).toThrow(/4326/)
  })

  it('reads a latitude-first bbox of EPSG:4490 in GIS order', () => {
    const crs = parseCrs('http://www.opengis.net/def/crs/EPSG/0/4490', 'bbox-crs')
    expect(bboxInGisOrder([36.3, 120.4, 36.4, 120.5], crs)).toEqual([120.4, 36.3, 120.5, 36.4])
  })
})
