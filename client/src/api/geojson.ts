import type { Feature, FeatureCollection, MultiPolygon, Polygon } from 'geojson'

export type Area = Polygon | MultiPolygon

/** A town or village boundary as `?geometry=1` returns it. */
export interface PlaceProperties {
  code: string
  name: string
  /** The town code of a village; absent on towns. */
  town?: string
}

export type PlaceFeature = Feature<Area, PlaceProperties>
export type PlaceCollection = FeatureCollection<Area, PlaceProperties>
