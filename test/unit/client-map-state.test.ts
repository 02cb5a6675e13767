import { describe, expect, it } from 'vitest'
import {
  cleanFilter,
  filterQuery,
  isEmptyFilter,
  parcelTileUrl,
  patchFilter,
} from '../../client/src/filters/filter.ts'
import { FilterState } from '../../client/src/filters/filter-state.ts'
import { formatUrl, parseUrl } from '../../client/src/filters/url-state.ts'
import { barShares, niceCeiling } from '../../client/src/format/bars.ts'
import { expandSubdomains, parseBasemap, vectorBasemap } from '../../client/src/map/basemap.ts'
import { statusShare } from '../../client/src/map/icons.ts'
import { planningLayerIds, planningLayerSpecs } from '../../client/src/map/planning.ts'

const TOWN = '370215001'

describe('the filter', () => {
  it('keeps known codes and trimmed search text, and drops anything else', () => {
    expect(
      cleanFilter({ town: TOWN, category: 'idle_industrial', status: 'flying', problem: 'contract', q: '  JM-01 ' }),
    ).toEqual({ town: TOWN, category: 'idle_industrial', problem: 'contract', q: 'JM-01' })
    expect(cleanFilter({ town: '37021', village: 'abc', q: '   ' })).toEqual({})
  })

  it('removes a key patched to an empty value and keeps the others', () => {
    const filter = patchFilter({ town: TOWN, category: 'intensive_use' }, { category: '', status: 'reused' })
    expect(filter).toEqual({ town: TOWN, status: 'reused' })
    expect(isEmptyFilter(patchFilter(filter, { town: undefined, status: '' }))).toBe(true)
  })

  it('writes the query of GET /api/parcels in a fixed key order', () => {
    const query = filterQuery({ q: '东村', status: 'registered', town: TOWN })
    expect(query.toString()).toBe(`town=${TOWN}&status=registered&q=%E4%B8%9C%E6%9D%91`)
  })

  it('puts the filter on the parcel tiles and leaves {z}/{x}/{y} for MapLibre', () => {
    expect(parcelTileUrl('http://h', {})).toBe('http://h/tiles/parcels/{z}/{x}/{y}.mvt')
    expect(parcelTileUrl('http://h', { category: 'collective_construction' })).toBe(
      'http://h/tiles/parcels/{z}/{x}/{y}.mvt?category=collective_construction',
    )
  })

  it('tells its listeners only of real changes', () => {
    const state = new FilterState({ town: TOWN })
    const heard: unknown[] = []
    state.onChange((filter) => heard.push(filter))
    state.set({ town: TOWN })
    state.set({ status: 'nonsense' })
    state.set({ category: 'idle_industrial' })
    expect(heard).toEqual([{ town: TOWN, category: 'idle_industrial' }])
  })
})

describe('the URL of the view', () => {
  it('restores the view, the filter, the tab and the parcel it wrote', () => {
    const state = {
      view: { center: [120.4512345678, 36.3987654321] as [number, number], zoom: 13.456 },
      filter: { town: TOWN, category: 'idle_industrial', q: '村' },
      tab: 'table',
      parcel: 42,
    }
    const { search, hash } = formatUrl(state)
    expect(hash).toBe('#13.46/36.398765/120.451235')
    expect(parseUrl(search, hash)).toEqual({
      view: { center: [120.451235, 36.398765], zoom: 13.46 },
      filter: state.filter,
      tab: 'table',
      parcel: 42,
    })
  })

  it('reads MapLibre’s own hash and ignores a broken one', () => {
    expect(parseUrl('', '#12/36.4/120.5').view).toEqual({ center: [120.5, 36.4], zoom: 12 })
    expect(parseUrl('', '#12/95/120.5').view).toBeNull()
    expect(parseUrl('', '#/36.4/120.5').view).toBeNull()
    expect(parseUrl('', '').view).toBeNull()
  })

  it('drops a filter value, tab or parcel a link cannot mean', () => {
    const state = parseUrl('?category=mine&tab=<script>&parcel=-3&status=reused', '')
    expect(state).toEqual({ view: null, filter: { status: 'reused' }, tab: null, parcel: null })
  })

  it('writes nothing for an empty state', () => {
    expect(formatUrl({ view: null, filter: {}, tab: null, parcel: null })).toEqual({ search: '', hash: '' })
  })
})

describe('the basemap setting', () => {
  it('spreads {0-7} and {s} over the servers of a tile service', () => {
    expect(expandSubdomains('https://t{0-2}.tianditu.gov.cn/x?l={z}')).toEqual([
      'https://t0.tianditu.gov.cn/x?l={z}',
      'https://t1.tianditu.gov.cn/x?l={z}',
      'https://t2.tianditu.gov.cn/x?l={z}',
    ])
    expect(expandSubdomains('https://{s}.tile.example/{z}/{x}/{y}.png')).toHaveLength(3)
    expect(expandSubdomains('https://tiles.example/{z}/{x}/{y}.png')).toEqual(['https://tiles.example/{z}/{x}/{y}.png'])
  })

  it('accepts only http(s) URLs of a known kind from storage', () => {
    expect(parseBasemap({ kind: 'raster', url: 'https://a/{z}/{x}/{y}.png' })).toEqual({
      kind: 'raster',
      url: 'https://a/{z}/{x}/{y}.png',
    })
    expect(parseBasemap({ kind: 'raster', url: 'javascript:alert(1)' })).toBeNull()
    expect(parseBasemap({ kind: 'wms', url: 'https://a' })).toBeNull()
    expect(parseBasemap('https://a')).toBeNull()
  })

  it('takes the areas and lines of a vector style, renamed, without labels or patterns', () => {
    const { sources, layers } = vectorBasemap({
      version: 8,
      sources: { osm: { type: 'vector', url: 'https://a/tiles.json' } },
      layers: [
        { id: 'bg', type: 'background', paint: { 'background-color': '#fff' } },
        { id: 'water', type: 'fill', source: 'osm', 'source-layer': 'water' },
        { id: 'park', type: 'fill', source: 'osm', 'source-layer': 'park', paint: { 'fill-pattern': 'dots' } },
        { id: 'names', type: 'symbol', source: 'osm', 'source-layer': 'place' },
      ],
    })
    expect(Object.keys(sources)).toEqual(['basemap-osm'])
    expect(layers.map((l) => l.id)).toEqual(['basemap-bg', 'basemap-water'])
    expect((layers[1] as { source: string }).source).toBe('basemap-osm')
  })
})

describe('map symbols and charts', () => {
  it('fills the progress ring by stage, from empty when registered to full when reused', () => {
    expect(['registered', 'publicized', 'recovering', 'recovered', 'reused'].map(statusShare)).toEqual([
      0, 0.25, 0.5, 0.75, 1,
    ])
    expect(statusShare('unknown')).toBe(0)
  })

  it('draws each zone class of a planning layer with its own fill and outline, hidden when off', () => {
    const layer = { id: 3, classes: ['basic_farmland', 'road_control'], visible: false, opacity: 0.4, above: false }
    const specs = planningLayerSpecs(layer)
    expect(specs.map((s) => s.id)).toEqual(planningLayerIds(layer))
    expect(specs.every((s) => s.layout?.visibility === 'none')).toBe(true)
    expect(specs[0]!.paint).toMatchObject({ 'fill-color': '#f4e48a', 'fill-opacity': 0.4 })
    expect(specs[2]!.paint).toMatchObject({ 'fill-pattern': 'hatch-road_control' })
  })

  it('scales bars to a round number at or above the largest value', () => {
    expect([0, 3, 10, 11, 240, 2600, 3480].map(niceCeiling)).toEqual([0, 3, 10, 12, 250, 3000, 4000])
    expect(barShares([5, 10, 0])).toEqual({ shares: [0.5, 1, 0], scaleMax: 10 })
    expect(barShares([0, 0]).shares).toEqual([0, 0])
  })
})
