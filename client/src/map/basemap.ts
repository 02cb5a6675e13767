// An optional basemap under the district's own layers: XYZ raster tiles (天地图
// with a key, a county's own tile server) or a MapLibre vector style. Off by
// default: the map needs nothing from outside the server.
import type {
  LayerSpecification,
  SourceSpecification,
  StyleSpecification,
} from '@maplibre/maplibre-gl-style-spec'

export type Basemap =
  | { kind: 'raster'; url: string; attribution?: string }
  | { kind: 'style'; url: string }

export const BASEMAP_PREFIX = 'basemap-'

/** The source and layer of an XYZ raster basemap. */
export function rasterBasemap(basemap: Extract<Basemap, { kind: 'raster' }>): {
  sources: Record<string, SourceSpecification>
  layers: LayerSpecification[]
} {
  const id = `${BASEMAP_PREFIX}raster`
  return {
    sources: {
      [id]: {
        type: 'raster',
        tiles: expandSubdomains(basemap.url),
        tileSize: 256,
        ...(basemap.attribution ? { attribution: basemap.attribution } : {}),
      },
    },
    layers: [{ id, type: 'raster', source: id }],
  }
}

/**
 * `{s}` or `{0-7}` in a URL stands for the server names a tile service spreads
 * its load over (天地图: t0 … t7); each becomes one URL of the source.
 */
export function expandSubdomains(url: string): string[] {
  const range = /\{(\d)-(\d)\}/.exec(url)
  if (range) {
    const [from, to] = [Number(range[1]), Number(range[2])]
    const urls: string[] = []
    for (let n = from; n <= to; n++) urls.push(url.replace(range[0], String(n)))
    return urls
  }
  if (url.includes('{s}')) return ['a', 'b', 'c'].map((s) => url.replace('{s}', s))
  return [url]
}

/**
 * The sources and layers of a vector style, renamed so they cannot clash with
 * the map's own. Labels and icons are left out: they need the style's glyph
 * and sprite servers, and the district's own labels are drawn with local fonts.
 */
export function vectorBasemap(style: StyleSpecification): {
  sources: Record<string, SourceSpecification>
  layers: LayerSpecification[]
} {
  const sources: Record<string, SourceSpecification> = {}
  for (const [id, source] of Object.entries(style.sources)) sources[BASEMAP_PREFIX + id] = source
  const layers: LayerSpecification[] = []
  for (const layer of style.layers) {
    if (layer.type === 'symbol') continue
    const paint = (layer as { paint?: Record<string, unknown> }).paint ?? {}
    if ('fill-pattern' in paint || 'line-pattern' in paint || 'fill-extrusion-pattern' in paint) continue
    const renamed = { ...layer, id: BASEMAP_PREFIX + layer.id } as LayerSpecification & { source?: string }
    if ('source' in layer && typeof layer.source === 'string') renamed.source = BASEMAP_PREFIX + layer.source
    layers.push(renamed)
  }
  return { sources, layers }
}

/** A basemap setting read back from storage, or null when it is not one. */
export function parseBasemap(value: unknown): Basemap | null {
  if (typeof value !== 'object' || value === null) return null
  const { kind, url, attribution } = value as Record<string, unknown>
  if (typeof url !== 'string' || !/^https?:\/\//.test(url)) return null
  if (kind === 'raster') {
    return typeof attribution === 'string' ? { kind, url, attribution } : { kind, url }
  }
  if (kind === 'style') return { kind, url }
  return null
}
