import type {
  ExpressionSpecification,
  LayerSpecification,
  StyleSpecification,
} from '@maplibre/maplibre-gl-style-spec'
import { darken } from '../domain/color.ts'

export interface CategoryColor {
  code: string
  color: string
}

export const SOURCES = {
  towns: 'towns',
  townLabels: 'town-labels',
  villages: 'villages',
  villageLabels: 'village-labels',
  parcels: 'parcels',
  parcelPoints: 'parcel-points',
} as const

export const PARCEL_LAYERS = ['parcel-fill', 'parcel-markers'] as const
export const SELECTED_LAYER = 'parcel-selected'

/** Drawn with the browser's own fonts: the style has no `glyphs`, so no glyph server is needed. */
export const LABEL_FONT = ['Noto Sans CJK SC']
export const LOCAL_FONT_FAMILY =
  "'Noto Sans CJK SC', 'Noto Sans SC', 'Source Han Sans SC', sans-serif"

const BACKGROUND = '#f3f1ea'
const PROBLEM_RED = '#d7191c'
const UNKNOWN_CATEGORY = '#9e9e9e'
const TOWN_LINE = '#4a5568'
const VILLAGE_LINE = '#8c96a3'
const SELECTED = '#1d4ed8'

/** Zoom from which parcels are big enough to draw as areas rather than markers. */
const AREA_ZOOM = 12.5

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
  return [
    'case',
    ['get', 'has_problems'],
    PROBLEM_RED,
    byCategory(categories, (c) => darken(c.color)),
  ]
}

function boundaryLayers(): LayerSpecification[] {
  return [
    {
      id: 'village-line',
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
      id: 'town-line',
      type: 'line',
      source: SOURCES.towns,
      paint: {
        'line-color': TOWN_LINE,
        'line-width': ['interpolate', ['linear'], ['zoom'], 8, 1.2, 14, 3],
      },
    },
  ]
}

function parcelLayers(categories: CategoryColor[]): LayerSpecification[] {
  return [
    {
      id: 'parcel-fill',
      type: 'fill',
      source: SOURCES.parcels,
      minzoom: AREA_ZOOM - 1,
      paint: { 'fill-color': byCategory(categories, (c) => c.color), 'fill-opacity': 0.75 },
    },
    {
      id: 'parcel-outline',
      type: 'line',
      source: SOURCES.parcels,
      minzoom: AREA_ZOOM - 1,
      paint: {
        'line-color': parcelOutline(categories),
        'line-width': ['case', ['get', 'has_problems'], 2, 0.8],
      },
    },
    {
      id: SELECTED_LAYER,
      type: 'line',
      source: SOURCES.parcels,
      filter: ['==', ['get', 'id'], ''],
      paint: { 'line-color': SELECTED, 'line-width': 3 },
    },
  ]
}

/** Parcels of a few 亩 are below one pixel at district zoom: a marker keeps them in sight. */
function markerLayer(categories: CategoryColor[]): LayerSpecification {
  return {
    id: 'parcel-markers',
    type: 'circle',
    source: SOURCES.parcelPoints,
    maxzoom: AREA_ZOOM,
    paint: {
      'circle-color': byCategory(categories, (c) => c.color),
      'circle-radius': ['interpolate', ['linear'], ['zoom'], 8, 2.5, 12, 5],
      'circle-stroke-color': parcelOutline(categories),
      'circle-stroke-width': ['case', ['get', 'has_problems'], 1.5, 0.5],
    },
  }
}

function labelLayers(): LayerSpecification[] {
  const halo = { 'text-halo-color': '#ffffff', 'text-halo-width': 1.5 }
  return [
    {
      id: 'village-label',
      type: 'symbol',
      source: SOURCES.villageLabels,
      minzoom: 13,
      layout: { 'text-field': ['get', 'name'], 'text-font': LABEL_FONT, 'text-size': 11 },
      paint: { 'text-color': '#5f6b7a', ...halo },
    },
    {
      id: 'town-label',
      type: 'symbol',
      source: SOURCES.townLabels,
      maxzoom: 14,
      layout: {
        'text-field': ['get', 'name'],
        'text-font': LABEL_FONT,
        'text-size': ['interpolate', ['linear'], ['zoom'], 9, 12, 13, 16],
      },
      paint: { 'text-color': '#2d3748', ...halo },
    },
    {
      id: 'parcel-label',
      type: 'symbol',
      source: SOURCES.parcelPoints,
      minzoom: 15,
      layout: { 'text-field': ['get', 'label'], 'text-font': LABEL_FONT, 'text-size': 11 },
      paint: { 'text-color': '#1a202c', ...halo },
    },
  ]
}

/** An offline style: a background color and the API's own layers, nothing fetched from elsewhere. */
export function buildStyle(categories: CategoryColor[]): StyleSpecification {
  const sources: StyleSpecification['sources'] = {}
  for (const id of Object.values(SOURCES)) {
    sources[id] = { type: 'geojson', data: { type: 'FeatureCollection', features: [] } }
  }

  return {
    version: 8,
    sources,
    layers: [
      { id: 'background', type: 'background', paint: { 'background-color': BACKGROUND } },
      ...parcelLayers(categories),
      ...boundaryLayers(),
      markerLayer(categories),
      ...labelLayers(),
    ],
  }
}
