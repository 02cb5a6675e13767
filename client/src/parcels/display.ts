import type { Feature, FeatureCollection, Point } from 'geojson'
import type { Area } from '../api/geojson.ts'
import type { ParcelFeature } from '../api/parcels.ts'
import { parcelLabel } from '../format/area.ts'
import { labelPoint } from '../geometry/label-point.ts'

/**
 * What the map draws of a parcel. Flat values only: arrays such as `problems`
 * would reach the renderer as JSON text.
 */
export interface ParcelDisplayProperties {
  id: string
  category: string
  has_problems: boolean
  label: string
}

export interface ParcelDisplay {
  areas: FeatureCollection<Area, ParcelDisplayProperties>
  /** One point inside each parcel: a marker where parcels are too small to see, and the label. */
  points: FeatureCollection<Point, ParcelDisplayProperties>
}

function displayProperties(feature: ParcelFeature): ParcelDisplayProperties {
  const { id, code, category, problems, area_mu } = feature.properties
  return {
    id: String(id),
    category,
    has_problems: Array.isArray(problems) && problems.length > 0,
    label: parcelLabel(code, area_mu),
  }
}

export function toDisplay(parcels: Iterable<ParcelFeature>): ParcelDisplay {
  const areas: Feature<Area, ParcelDisplayProperties>[] = []
  const points: Feature<Point, ParcelDisplayProperties>[] = []
  for (const parcel of parcels) {
    if (!parcel.geometry) continue
    const properties = displayProperties(parcel)
    areas.push({ type: 'Feature', geometry: parcel.geometry, properties })

    const point = labelPoint(parcel.geometry)
    if (point)
      points.push({ type: 'Feature', geometry: { type: 'Point', coordinates: point }, properties })
  }
  return {
    areas: { type: 'FeatureCollection', features: areas },
    points: { type: 'FeatureCollection', features: points },
  }
}
