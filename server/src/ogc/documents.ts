// The JSON documents of the OGC API: landing page, conformance, collections
// with their extents and CRS lists, and links between them.
import type { Request } from 'express'
import type { User } from '../auth/roles.ts'
import type { Queryable } from '../db/db.ts'
import { Where } from '../parcels/list.ts'
import type { Source } from './collections.ts'
import { CRS84, CRS_URIS, STORAGE_CRS } from './crs.ts'

export const GEOJSON = 'application/geo+json'
export const OPENAPI_JSON = 'application/vnd.oai.openapi+json;version=3.0'
export const TILEJSON = 'application/json'

const FEATURES_1 = 'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf'
const FEATURES_2 = 'http://www.opengis.net/spec/ogcapi-features-2/1.0/conf'
const FEATURES_4 = 'http://www.opengis.net/spec/ogcapi-features-4/1.0/conf'

/** The conformance classes this server implements; tests validate against each. */
export const CONFORMANCE = [
  `${FEATURES_1}/core`,
  `${FEATURES_1}/geojson`,
  `${FEATURES_1}/oas30`,
  `${FEATURES_2}/crs`,
  `${FEATURES_4}/create-replace-delete`,
  `${FEATURES_4}/update`,
  `${FEATURES_4}/features`,
]

export interface Link {
  href: string
  rel: string
  type?: string
  title?: string
}

/** The server's own origin as the client reached it (behind a loopback proxy too). */
export function origin(req: Request): string {
  return `${req.protocol}://${req.get('host')}`
}

export function landingPage(req: Request) {
  const base = `${origin(req)}/ogc`
  return {
    title: '即源 Jiyuan — OGC API Features',
    description:
      '即墨区农村公共资源一张图: parcels, planning layers, occupations and check findings of Jimo district, ' +
      'stored in CGCS2000 (EPSG:4490). Sign in with a bearer token (Authorization: Bearer jy_…).',
    links: [
      { href: base, rel: 'self', type: 'application/json', title: 'this document' },
      { href: `${base}/api`, rel: 'service-desc', type: OPENAPI_JSON, title: 'the API definition' },
      { href: `${base}/conformance`, rel: 'conformance', type: 'application/json', title: 'conformance classes' },
      { href: `${base}/collections`, rel: 'data', type: 'application/json', title: 'the collections' },
    ],
  }
}

interface Extent {
  minx: number | null
  miny: number | null
  maxx: number | null
  maxy: number | null
  first: Date | string | null
  last: Date | string | null
}

/** The extent of what the user may see of a collection: lon/lat box and time span. */
async function extentOf(db: Queryable, user: User, source: Source): Promise<Extent> {
  const where = new Where()
  source.scope(where, user)
  const time = source.temporal
    ? `min(${source.temporal.column}) AS first, max(${source.temporal.column}) AS last`
    : 'NULL AS first, NULL AS last'
  const { rows } = await db.query<Extent>(
    `SELECT ST_XMin(e) AS minx, ST_YMin(e) AS miny, ST_XMax(e) AS maxx, ST_YMax(e) AS maxy, first, last
     FROM (SELECT ST_Extent(${source.geom})::geometry AS e, ${time} FROM ${source.from} ${where}) s`,
    where.params,
  )
  return rows[0]!
}

const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString())

export async function collectionDocument(req: Request, db: Queryable, user: User, source: Source) {
  const base = `${origin(req)}/ogc/collections/${source.id}`
  const extent = await extentOf(db, user, source)
  const bbox = extent.minx === null ? [-180, -90, 180, 90] : [extent.minx, extent.miny, extent.maxx, extent.maxy]
  return {
    id: source.id,
    title: source.title,
    description: source.description,
    itemType: 'feature',
    links: [
      { href: base, rel: 'self', type: 'application/json', title: 'this collection' },
      { href: `${base}/items`, rel: 'items', type: GEOJSON, title: 'its features' },
      { href: `${origin(req)}/tiles/${source.id}/tilejson.json`, rel: 'tilejson', type: TILEJSON, title: 'vector tiles (TileJSON 3.0.0)' },
    ] satisfies Link[],
    extent: {
      // lon/lat in CGCS2000 degrees, which CRS84 matches to a few centimetres here
      spatial: { bbox: [bbox], crs: CRS84 },
      ...(source.temporal
        ? { temporal: { interval: [[iso(extent.first), iso(extent.last)]], trs: 'http://www.opengis.net/def/uom/ISO-8601/0/Gregorian' } }
        : {}),
    },
    crs: CRS_URIS,
    storageCrs: STORAGE_CRS,
  }
}

/** Links of an items page: self and, while more features match, next (and prev after the first). */
export function pageLinks(req: Request, offset: number, limit: number, returned: number, matched: number): Link[] {
  const url = new URL(req.originalUrl, origin(req))
  const at = (start: number) => {
    const page = new URL(url)
    page.searchParams.set('offset', String(start))
    page.searchParams.set('limit', String(limit))
    return page.toString()
  }
  const links: Link[] = [{ href: url.toString(), rel: 'self', type: GEOJSON, title: 'this page' }]
  if (offset + returned < matched) links.push({ href: at(offset + limit), rel: 'next', type: GEOJSON, title: 'next page' })
  if (offset > 0) links.push({ href: at(Math.max(0, offset - limit)), rel: 'prev', type: GEOJSON, title: 'previous page' })
  return links
}
