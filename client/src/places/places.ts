import type { PlaceCollection } from '../api/geojson.ts'
import type { Bbox } from '../api/parcels.ts'
import { districtBoundary } from '../api/places.ts'
import { townBoundaries } from '../api/towns.ts'
import { villageBoundaries } from '../api/villages.ts'
import { bboxOf } from '../geometry/bbox.ts'

export interface Place {
  code: string
  name: string
  /** The town of a village. */
  town?: string
  bbox: Bbox | null
}

/** The district's towns (镇街) and villages (村), with their names and extents. */
export class Places {
  readonly towns: Place[]
  readonly villages: Place[]
  private readonly byCode = new Map<string, Place>()

  constructor(
    readonly district: PlaceCollection,
    readonly townBoundaries: PlaceCollection,
    readonly villageBoundaries: PlaceCollection,
  ) {
    const place = (f: PlaceCollection['features'][number]): Place => ({
      code: f.properties.code,
      name: f.properties.name,
      ...(f.properties.town ? { town: f.properties.town } : {}),
      bbox: bboxOf(f.geometry),
    })
    this.towns = townBoundaries.features.map(place)
    this.villages = villageBoundaries.features.map(place)
    for (const p of [...this.towns, ...this.villages]) this.byCode.set(p.code, p)
  }

  static async load(): Promise<Places> {
    const [district, towns, villages] = await Promise.all([
      districtBoundary(),
      townBoundaries(),
      villageBoundaries(),
    ])
    return new Places(district, towns, villages)
  }

  /** The name of a town or village code; the code itself when unknown. */
  name(code: string | null | undefined): string {
    if (!code) return '—'
    return this.byCode.get(code)?.name ?? code
  }

  get(code: string): Place | undefined {
    return this.byCode.get(code)
  }

  villagesOf(town: string | undefined): Place[] {
    return town ? this.villages.filter((v) => v.town === town) : this.villages
  }

  districtBbox(): Bbox | null {
    return bboxOf(...this.district.features.map((f) => f.geometry))
  }
}
