// Creating and changing parcels. A change carries the ETag the parcel was
// read with (If-Match): a parcel someone else changed meanwhile answers 412
// `version_conflict`, and nothing is written.
import type { Feature, MultiPolygon, Polygon } from 'geojson'
import { requestTagged } from './http.ts'

/** The properties a client may set (server/src/parcels/properties.ts). */
export interface EditableProperties {
  code: string
  name: string | null
  town: string
  village: string | null
  category: string
  subtype: string | null
  problems: string[]
  ownership: string | null
  declared_area_mu: number | null
  location: string | null
  intended_use: string | null
}

export interface StoredProperties extends EditableProperties {
  id: number
  status: string
  /** ellipsoidal on the CGCS2000 ellipsoid */
  area_m2: number
  area_mu: number
  version: number
  updated_at: string
  updated_by: string | null
}

export type Outline = Polygon | MultiPolygon
export type StoredParcel = Feature<Outline, StoredProperties>

/** A parcel with the ETag to change it by. */
export interface Editable {
  parcel: StoredParcel
  etag: string
}

function tagged(reply: { body: StoredParcel; etag: string | null }): Editable {
  return { parcel: reply.body, etag: reply.etag ?? `"${reply.body.properties.version}"` }
}

export async function readForEdit(id: number, signal?: AbortSignal): Promise<Editable> {
  return tagged(await requestTagged<StoredParcel>(`/api/parcels/${id}`, { signal }))
}

export async function createParcel(
  properties: EditableProperties,
  geometry: Outline,
): Promise<Editable> {
  const body = { type: 'Feature', properties, geometry }
  return tagged(await requestTagged<StoredParcel>('/api/parcels', { method: 'POST', body }))
}

/** Changes some properties and/or the outline of a parcel read with `etag`. */
export async function changeParcel(
  id: number,
  etag: string,
  change: { properties?: Partial<EditableProperties>; geometry?: Outline },
): Promise<Editable> {
  const body = {
    type: 'Feature',
    properties: change.properties ?? {},
    ...(change.geometry ? { geometry: change.geometry } : {}),
  }
  const reply = await requestTagged<StoredParcel>(`/api/parcels/${id}`, {
    method: 'PATCH',
    body,
    headers: { 'If-Match': etag },
  })
  return tagged(reply)
}
