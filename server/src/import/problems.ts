// Per-feature problems, named so a reader can find the feature: its index
// in the file and, when it has one, its 地块编码.
import type { Geometry } from 'geojson'
import { codeOf } from './mapping.ts'
import type { FeatureProblem, FeatureProblemCode } from './types.ts'

/** What the readers hand to read.ts: features in their source CRS. */
export interface SourceFeature {
  index: number
  geometry: Geometry | null
  properties: Record<string, unknown>
  id?: string | number
}

export interface Detail {
  en: string
  zh: string
}

export function featureProblem(
  feature: Pick<SourceFeature, 'index' | 'properties'>,
  code: FeatureProblemCode,
  detail: Detail,
): FeatureProblem {
  const parcel = codeOf(feature.properties)
  const en = parcel === undefined ? '' : ` (地块编码 ${parcel})`
  const zh = parcel === undefined ? '' : `（地块编码 ${parcel}）`
  return {
    index: feature.index,
    code,
    message: `feature ${feature.index}${en}: ${detail.en}`,
    zh: `要素 ${feature.index}${zh}：${detail.zh}`,
  }
}

/** How a message names a feature: its index in the file, and its code when it has one. */
export function featureRef(index: number, code?: string | null): string {
  return code ? `feature ${index} (${code})` : `feature ${index}`
}

/** A position for a message: at most 9 decimals, x first. */
export function formatPosition(xy: readonly number[]): string {
  return xy
    .slice(0, 2)
    .map((v) => (Number.isFinite(v) ? String(Math.round(v * 1e9) / 1e9) : String(v)))
    .join(' ')
}
