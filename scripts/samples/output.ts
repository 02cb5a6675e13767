// Byte-stable text: GeoJSON with one feature per line and sorted property
// keys, JSON with sorted keys, and the zipped GBK Shapefile.
import type { Geometry } from 'geojson'

export interface OutFeature {
  properties: Record<string, unknown>
  geometry: Geometry
}

export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys)
  if (value === null || typeof value !== 'object') return value
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
    a < b ? -1 : a > b ? 1 : 0,
  )
  return Object.fromEntries(entries.map(([k, v]) => [k, sortKeys(v)]))
}

/** A FeatureCollection, one feature per line so that diffs stay readable. */
export function featureCollection(features: readonly OutFeature[]): string {
  const lines = features.map(
    (f) =>
      `{"type":"Feature","properties":${JSON.stringify(sortKeys(f.properties))},"geometry":${JSON.stringify(f.geometry)}}`,
  )
  return `{"type":"FeatureCollection","features":[\n${lines.join(',\n')}\n]}\n`
}

export function prettyJson(value: unknown): string {
  return `${JSON.stringify(sortKeys(value), null, 2)}\n`
}
