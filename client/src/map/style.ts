import type {
  ExpressionSpecification,
  FilterSpecification,
  LayerSpecification,
  StyleSpecification,
} from '@maplibre/maplibre-gl-style-spec'
import { RIVER_COLOR, ROAD_STYLES } from '../../../server/src/domain/zone-classes.ts'
import { darken } from '../domain/color.ts'

export interface CategoryColor {
  code: string
  color: string
}

export const SOURCES = {
  district: 'district',
  towns: 'towns',
  townLabels: 'town-labels',
  villages: 'villages',
  villageLabels: 'village-labels',
  parcels: 'parcels',
  zones: 'zones',
} as const

/** The layers a click on a parcel hits. */
export const PARCEL_LAYERS = ['parcel-fill', 'parcel-point'] as const
export const SELECTED_LAYERS = ['parcel-selected-line', 'parcel-selected-point'] as const

/**
 * Where other layers go: planning layers under the parcels before
 * `BELOW_PARCELS`, over them before `ABOVE_PARCELS`; GeoJSON overlays (findings,
 * drawings) before `LABELS`; a basemap right over the background.
 */
export const ANCHORS = {
  belowParcels: 'ref-river-line',
  aboveParcels: 'ref-village-label',
  overlays: 'ref-village-label',
  basemap: 'ref-sea-fill',
} as const

/** Drawn with the browser's own fonts: the style has no `glyphs`, so no glyph server is needed. */
export const LABEL_FONT = ['Noto Sans CJK SC']
export const LOCAL_FONT_FAMILY =
  "'Noto Sans CJK SC', 'Noto Sans SC', 'Source Han Sans SC', sans-serif"

export const PROBLEM_RED = '#d7191c'
export const SELECTED = '#1d4ed8'
const BACKGROUND = '#f3f1ea'
const UNKNOWN_CATEGORY = '#9e9e9e'
const DISTRICT_LINE = '#2d3748'
const TOWN_LINE = '#4a5568'
const VILLAGE_LINE = '#8c96a3'
const SEA = '#cfe3f3'

/** From this zoom parcel labels (code and 亩) and status marks are drawn. */
export const LABEL_ZOOM = 15

/** A tile's `problems` is comma-separated text, absent or empty when there are none. */
export const HAS_PROBLEMS: ExpressionSpecification = [
  '!=',
  ['coalesce', ['get', 'problems'], ''],
  '',
]

function byCategory(
  categories: CategoryColor[],
  color: (c: CategoryColor) => string,
): ExpressionSpecification {
  const pairs = categories.flatMap((category) => [category.code, color(category)])
  // The spec's tuple type cannot express a spread of label–value pairs.
  return [
    'match',
    ['get', 'category'],
    ...pairs,
    UNKNOWN_CATEGORY,
  ] as unknown as ExpressionSpecification
}

function parcelOutline(categories: CategoryColor[]): ExpressionSpecification {
  return ['case', HAS_PROBLEMS, PROBLEM_RED, byCategory(categories, (c) => darken(c.color))]
}

const isPolygon: ExpressionSpecification = ['==', ['geometry-type'], 'Polygon']
const isPoint: ExpressionSpecification = ['==', ['geometry-type'], 'Point']
const ofClass = (name: string): FilterSpecification => ['==', ['get', 'class'], name]

function referenceLayers(): LayerSpecification[] {
  const roadColor = [
    'match',
    ['get', 'road_class'],
    ...Object.entries(ROAD_STYLES).flatMap(([code, style]) => [code, style.color]),
    '#ffffff',
  ] as unknown as ExpressionSpecification
  const roadWidth = [
    'match',
    ['get', 'road_class'],
    ...Object.entries(ROAD_STYLES).flatMap(([code, style]) => [code, style.width]),
    1,
  ] as unknown as ExpressionSpecification
  return [
    {
      id: 'ref-sea-fill',
      type: 'fill',
      source: SOURCES.zones,
      'source-layer': 'zones',
      filter: ofClass('sea_area'),
      paint: { 'fill-color': SEA },
    },
    {
      id: 'ref-river-line',
      type: 'line',
      source: SOURCES.zones,
      'source-layer': 'zones',
      filter: ofClass('river'),
      paint: {
        'line-color': RIVER_COLOR,
        'line-width': ['interpolate', ['linear'], ['zoom'], 9, 1, 14, 3],
      },
    },
    {
      id: 'ref-road-casing',
      type: 'line',
      source: SOURCES.zones,
      'source-layer': 'zones',
      filter: ofClass('road'),
      minzoom: 11,
      layout: { 'line-cap': 'round', 'line-join': 'round' },
      paint: {
        'line-color': '#b9b1a3',
        'line-width': ['interpolate', ['linear'], ['zoom'], 11, ['+', roadWidth, 1], 16, ['+', ['*', roadWidth, 3], 2]],
      },
    },
    {
      id: 'ref-road-line',
      type: 'line',
      source: SOURCES.zones,
      'source-layer': 'zones',
      filter: ofClass('road'),
      layout: { 'line-cap': 'round', 'line-join': 'round' },
      paint: {
        'line-color': ['step', ['zoom'], '#c9bfae', 11, roadColor],
        'line-width': ['interpolate', ['linear'], ['zoom'], 9, ['*', roadWidth, 0.4], 11, roadWidth, 16, ['*', roadWidth, 3]],
      },
    },
    {
      id: 'ref-village-line',
      type: 'line',
      source: SOURCES.villages,
      minzoom: 11,
      paint: {
        'line-color': VILLAGE_LINE,
        'line-width': ['interpolate', ['linear'], ['zoom'], 11, 0.5, 16, 1.2],
        'line-dasharray': [3, 2],
      },
    },
    {
      id: 'ref-town-line',
      type: 'line',
      source: SOURCES.towns,
      paint: {
        'line-color': TOWN_LINE,
        'line-width': ['interpolate', ['linear'], ['zoom'], 8, 1, 14, 2.5],
      },
    },
    {
      id: 'ref-district-line',
      type: 'line',
      source: SOURCES.district,
      paint: {
        'line-color': DISTRICT_LINE,
        'line-width': ['interpolate', ['linear'], ['zoom'], 8, 2, 14, 4],
      },
    },
  ]
}

/**
 * Parcels from the vector tiles: areas where a parcel is big enough to see,
 * a point where the tile gives one (a parcel under a few pixels at that zoom).
 */
function parcelLayers(categories: CategoryColor[]): LayerSpecification[] {
  const tiles = { source: SOURCES.parcels, 'source-layer': 'parcels' }
  return [
    {
      id: 'parcel-fill',
      type: 'fill',
      ...tiles,
      filter: isPolygon,
      paint: {
        'fill-color': byCategory(categories, (c) => c.color),
        'fill-opacity': ['interpolate', ['linear'], ['zoom'], 12, 0.9, 16, 0.7],
      },
    },
    {
      id: 'parcel-outline',
      type: 'line',
      ...tiles,
      filter: isPolygon,
      paint: {
        'line-color': parcelOutline(categories),
        'line-width': [
          'interpolate',
          ['linear'],
          ['zoom'],
          12,
          ['case', HAS_PROBLEMS, 1.2, 0.6],
          16,
          ['case', HAS_PROBLEMS, 2.5, 1],
        ],
      },
    },
    {
      id: 'parcel-point',
      type: 'circle',
      ...tiles,
      filter: isPoint,
      paint: {
        'circle-color': byCategory(categories, (c) => c.color),
        'circle-radius': ['interpolate', ['linear'], ['zoom'], 8, 1.8, 12, 3.5, 15, 4.5],
        'circle-stroke-color': parcelOutline(categories),
        'circle-stroke-width': ['interpolate', ['linear'], ['zoom'], 9, ['case', HAS_PROBLEMS, 0.6, 0], 13, ['case', HAS_PROBLEMS, 1.5, 0]],
      },
    },
    {
      id: 'parcel-selected-line',
      type: 'line',
      ...tiles,
      filter: ['all', isPolygon, ['==', ['id'], -1]],
      paint: { 'line-color': SELECTED, 'line-width': 3.5 },
    },
    {
      id: 'parcel-selected-point',
      type: 'circle',
      ...tiles,
      filter: ['all', isPoint, ['==', ['id'], -1]],
      paint: {
        'circle-color': 'rgba(0,0,0,0)',
        'circle-radius': 8,
        'circle-stroke-color': SELECTED,
        'circle-stroke-width': 2.5,
      },
    },
  ]
}

/** The area label of a parcel: "12.34 亩" with the unit of the interface language. */
export function areaLabel(unit: string): ExpressionSpecification {
  return [
    'concat',
    ['number-format', ['get', 'area_mu'], { 'min-fraction-digits': 2, 'max-fraction-digits': 2 }],
    ' ',
    unit,
  ]
}

export function parcelLabelField(unit: string): ExpressionSpecification {
  return [
    'format',
    ['get', 'code'],
    {},
    '\n',
    {},
    ['case', ['has', 'area_mu'], areaLabel(unit), ''],
    { 'font-scale': 0.92 },
  ]
}

function labelLayers(unit: string): LayerSpecification[] {
  const halo = { 'text-halo-color': '#ffffff', 'text-halo-width': 1.5 }
  return [
    {
      id: 'ref-village-label',
      type: 'symbol',
      source: SOURCES.villageLabels,
      minzoom: 12.5,
      layout: { 'text-field': ['get', 'name'], 'text-font': LABEL_FONT, 'text-size': 11 },
      paint: { 'text-color': '#5f6b7a', ...halo },
    },
    {
      id: 'ref-town-label',
      type: 'symbol',
      source: SOURCES.townLabels,
      maxzoom: 13,
      layout: {
        'text-field': ['get', 'name'],
        'text-font': LABEL_FONT,
        'text-size': ['interpolate', ['linear'], ['zoom'], 9, 12, 13, 16],
      },
      paint: { 'text-color': '#2d3748', ...halo },
    },
    {
      // one point per parcel in the tiles from zoom 14, so a parcel across tiles is labelled once
      id: 'parcel-label',
      type: 'symbol',
      source: SOURCES.parcels,
      'source-layer': 'parcels-labels',
      minzoom: LABEL_ZOOM,
      layout: {
        'text-field': parcelLabelField(unit),
        'text-font': LABEL_FONT,
        'text-size': 11,
        'text-max-width': 12,
        'icon-image': ['concat', 'status-', ['get', 'status']],
        'icon-size': 1,
        'icon-anchor': 'bottom',
        'text-anchor': 'top',
        'text-offset': [0, 0.2],
        'icon-allow-overlap': true,
        'text-optional': true,
      },
      paint: { 'text-color': '#1a202c', ...halo },
    },
    {
      id: 'parcel-problem-icon',
      type: 'symbol',
      source: SOURCES.parcels,
      'source-layer': 'parcels-labels',
      filter: HAS_PROBLEMS,
      minzoom: LABEL_ZOOM,
      layout: {
        'icon-image': 'problem',
        'icon-anchor': 'bottom-left',
        'icon-offset': [6, -2],
        'icon-allow-overlap': true,
        'icon-ignore-placement': true,
      },
    },
  ]
}

export interface StyleOptions {
  categories: CategoryColor[]
  /** The parcel tiles' URL template, with the filter's query. */
  parcelTiles: string
  zoneTiles: string
  /** The area unit for labels, in the interface language (亩, mu). */
  unit: string
}

const emptyGeoJson = () => ({
  type: 'geojson' as const,
  data: { type: 'FeatureCollection' as const, features: [] },
})

/**
 * An offline style: a background colour, the API's vector tiles and
 * boundaries, nothing fetched from elsewhere. No `glyphs`: labels are drawn
 * with local fonts.
 */
export function buildStyle(options: StyleOptions): StyleSpecification {
  return {
    version: 8,
    sources: {
      [SOURCES.district]: emptyGeoJson(),
      [SOURCES.towns]: emptyGeoJson(),
      [SOURCES.villages]: emptyGeoJson(),
      [SOURCES.townLabels]: emptyGeoJson(),
      [SOURCES.villageLabels]: emptyGeoJson(),
      [SOURCES.parcels]: {
        type: 'vector',
        tiles: [options.parcelTiles],
        minzoom: 6,
        // Tiles of zoom 16 (~0.15 m a tile unit here) are enlarged beyond it.
        maxzoom: 16,
      },
      [SOURCES.zones]: { type: 'vector', tiles: [options.zoneTiles], minzoom: 6, maxzoom: 15 },
    },
    layers: [
      { id: 'background', type: 'background', paint: { 'background-color': BACKGROUND } },
      ...referenceLayers(),
      ...parcelLayers(options.categories),
      ...labelLayers(options.unit),
    ],
  }
}
