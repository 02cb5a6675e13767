import type { ParcelCollection, ParcelFeature } from '../api/parcels.ts'

/** The parcels of the current view, by id, as the API returned them. */
export class ParcelStore {
  private byId = new Map<string, ParcelFeature>()
  /** All parcels matching the last query, of which at most `limit` were returned. */
  matched = 0

  replace(collection: ParcelCollection): void {
    this.byId = new Map(
      collection.features.map((feature) => [String(feature.properties.id), feature]),
    )
    this.matched = collection.numberMatched ?? collection.features.length
  }

  get(id: string | number): ParcelFeature | undefined {
    return this.byId.get(String(id))
  }

  get size(): number {
    return this.byId.size
  }

  all(): IterableIterator<ParcelFeature> {
    return this.byId.values()
  }
}
