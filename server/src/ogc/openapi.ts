// The OpenAPI 3.0 description of /ogc and /tiles: one set of paths for both
// /api/openapi.json (the whole API) and /ogc/api (the OGC API's
// service-desc, conformance class oas30), each path written once.
import { CATEGORY_CODES } from '../domain/categories.ts'
import { PROBLEMS, STATUSES } from '../domain/workflow.ts'
import { FINDINGS, OCCUPATIONS, PARCELS } from './collections.ts'
import { CRS84, CRS_URIS } from './crs.ts'
import { DEFAULT_LIMIT, MAX_LIMIT } from './params.ts'

const GEOJSON = 'application/geo+json'
const json = (schema: object) => ({ content: { 'application/json': { schema } } })
const geojson = (schema: object) => ({ content: { [GEOJSON]: { schema } } })

const link = {
  type: 'object',
  required: ['href', 'rel'],
  properties: { href: { type: 'string' }, rel: { type: 'string' }, type: { type: 'string' }, title: { type: 'string' } },
}
const links = { type: 'array', items: link }
const geometry = { type: 'object', nullable: true, required: ['type'], properties: { type: { type: 'string' } } }
const feature = {
  type: 'object',
  required: ['type', 'geometry', 'properties'],
  properties: {
    type: { type: 'string', enum: ['Feature'] },
    id: { oneOf: [{ type: 'string' }, { type: 'integer' }] },
    geometry,
    properties: { type: 'object', nullable: true },
    links,
  },
}

const featureCollection = {
  type: 'object',
  required: ['type', 'features'],
  properties: {
    type: { type: 'string', enum: ['FeatureCollection'] },
    features: { type: 'array', items: feature },
    links,
    numberMatched: { type: 'integer' },
    numberReturned: { type: 'integer' },
    timeStamp: { type: 'string', format: 'date-time' },
  },
}

const collectionId = {
  name: 'collectionId', in: 'path', required: true, schema: { type: 'string' },
  description: 'parcels, occupations, findings or layer-<planning layer id>',
}
const featureId = { name: 'featureId', in: 'path', required: true, schema: { type: 'integer' } }
const crs = {
  name: 'crs', in: 'query', schema: { type: 'string', format: 'uri', enum: CRS_URIS, default: CRS84 },
  description: 'the CRS of the response; coordinates in its axis order (EPSG:4490 latitude first, 4549/4528 northing first)',
}
const query = (name: string, description: string, schema: object = { type: 'string' }) =>
  ({ name, in: 'query', schema, description })

/** The equality filters of every collection, for one shared items operation. */
function filterParameters(): object[] {
  const seen = new Map<string, string>()
  for (const source of [PARCELS, OCCUPATIONS, FINDINGS]) {
    for (const [name, filter] of Object.entries(source.filters)) {
      if (!seen.has(name)) seen.set(name, `${filter.description} (${source.id})`)
    }
  }
  seen.set('class', 'zone class (planning layers)')
  seen.set('name', 'zone name (planning layers)')
  return [...seen].map(([name, description]) => {
    const schema =
      name === 'category' ? { type: 'string', enum: CATEGORY_CODES }
        : name === 'status' ? { type: 'string', enum: STATUSES }
          : name === 'problem' ? { type: 'string', enum: PROBLEMS }
            : { type: 'string' }
    return query(name, `equality filter on ${description}`, schema)
  })
}

function itemsParameters(): object[] {
  return [
    collectionId,
    query('limit', 'features per page; a larger value is taken as the maximum', {
      type: 'integer', minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT,
    }),
    query('offset', 'features to skip; follow the next link instead of counting', { type: 'integer', minimum: 0, default: 0 }),
    {
      ...query('bbox', 'lower corner, upper corner in bbox-crs axis order (CRS84: minLon,minLat,maxLon,maxLat)'),
      style: 'form', explode: false, schema: { type: 'array', minItems: 4, maxItems: 6, items: { type: 'number' } },
    },
    query('bbox-crs', 'the CRS of bbox', { type: 'string', format: 'uri', enum: CRS_URIS, default: CRS84 }),
    crs,
    query('datetime', 'an RFC 3339 instant or interval (a/b, .. for an open end): parcels by updated_at, ' +
      'occupations by surveyed_at, findings by the run’s finished_at; planning zones have no time'),
    query('f', 'json or geojson (both GeoJSON)', { type: 'string', enum: ['json', 'geojson'] }),
    ...filterParameters(),
  ]
}

const ifMatch = { name: 'If-Match', in: 'header', required: true, schema: { type: 'string' }, description: 'the ETag, e.g. "7"' }
const contentCrs = {
  name: 'Content-Crs', in: 'header', schema: { type: 'string' },
  description: 'the CRS of the body’s coordinates, e.g. <http://www.opengis.net/def/crs/EPSG/0/4549>; CRS84 when absent',
}
const parcelBody = (types: string[]) => ({
  required: true,
  content: Object.fromEntries(types.map((type) => [type, { schema: feature }])),
})

/** The /ogc and /tiles paths; `errors` are the 401 and 403 responses of the document they go in. */
export function ogcPaths(errors: Record<string, object>) {
  const error = (description: string) => ({ description, ...json({ type: 'object' }) })
  const written = { description: 'the stored parcel (CRS84); ETag is its version', ...geojson(feature) }
  const refusals = {
    '405': error('the collection is read-only'),
    '412': error('stale If-Match'),
    '422': error('invalid geometry or property'),
    '428': error('If-Match missing'),
    ...errors,
  }
  return {
    '/ogc': {
      get: {
        summary: 'OGC API landing page', security: [], tags: ['OGC API'],
        responses: { '200': { description: 'links to the API definition, conformance and collections', ...json({ type: 'object', properties: { links } }) } },
      },
    },
    '/ogc/conformance': {
      get: {
        summary: 'Conformance classes', security: [], tags: ['OGC API'],
        responses: { '200': { description: 'conformsTo', ...json({ type: 'object', properties: { conformsTo: { type: 'array', items: { type: 'string' } } } }) } },
      },
    },
    '/ogc/api': {
      get: {
        summary: 'The OGC API definition (OpenAPI 3.0)', security: [], tags: ['OGC API'],
        responses: { '200': { description: 'OpenAPI 3.0', content: { 'application/vnd.oai.openapi+json;version=3.0': { schema: { type: 'object' } } } } },
      },
    },
    '/ogc/collections': {
      get: {
        summary: 'The collections the caller may read: parcels, each planning layer, occupations, findings', tags: ['OGC API'],
        responses: { '200': { description: 'collections with extents and CRS lists', ...json({ type: 'object' }) }, ...errors },
      },
    },
    '/ogc/collections/{collectionId}': {
      get: {
        summary: 'One collection', tags: ['OGC API'], parameters: [collectionId],
        responses: { '200': { description: 'the collection', ...json({ type: 'object' }) }, '404': error('no such collection'), ...errors },
      },
    },
    '/ogc/collections/{collectionId}/items': {
      get: {
        summary: 'Features of a collection, a page at a time, ordered by id', tags: ['OGC API'],
        parameters: itemsParameters(),
        responses: {
          '200': {
            description: 'FeatureCollection with numberMatched, numberReturned and next/prev links; Content-Crs header',
            headers: { 'Content-Crs': { schema: { type: 'string' } } },
            ...geojson(featureCollection),
          },
          '400': error('bad or unknown parameter'),
          '404': error('no such collection'),
          ...errors,
        },
      },
      post: {
        summary: 'Create a parcel (Part 4; parcels only)', tags: ['OGC API'], parameters: [collectionId, contentCrs],
        requestBody: parcelBody([GEOJSON, 'application/json']),
        responses: { '201': { ...written, headers: { Location: { schema: { type: 'string' } } } }, '409': error('the code is in use'), ...refusals },
      },
    },
    '/ogc/collections/{collectionId}/items/{featureId}': {
      get: {
        summary: 'One feature; parcels with ETag', tags: ['OGC API'], parameters: [collectionId, featureId, crs],
        responses: {
          '200': { description: 'Feature; Content-Crs header', ...geojson(feature) },
          '304': { description: 'If-None-Match matched' },
          '404': error('no such feature'),
          '410': error('a deleted parcel'),
          ...errors,
        },
      },
      put: {
        summary: 'Replace a parcel (Part 4): properties left out take their defaults', tags: ['OGC API'],
        parameters: [collectionId, featureId, ifMatch, contentCrs], requestBody: parcelBody([GEOJSON, 'application/json']),
        responses: { '200': written, ...refusals },
      },
      patch: {
        summary: 'Update a parcel (Part 4): the properties given change; a geometry given replaces', tags: ['OGC API'],
        parameters: [collectionId, featureId, ifMatch, contentCrs], requestBody: parcelBody(['application/merge-patch+json', GEOJSON, 'application/json']),
        responses: { '200': written, ...refusals },
      },
      delete: {
        summary: 'Delete a parcel (Part 4): soft, restorable through /api/parcels/{id}/restore', tags: ['OGC API'],
        parameters: [collectionId, featureId, ifMatch], responses: { '204': { description: 'deleted' }, ...refusals },
      },
    },
    '/tiles/{layer}/tilejson.json': {
      get: {
        summary: 'TileJSON 3.0.0 of a collection’s vector tiles', tags: ['Tiles'],
        parameters: [{ name: 'layer', in: 'path', required: true, schema: { type: 'string' }, description: 'a collection id, or zones for every planning layer' }],
        responses: { '200': { description: 'TileJSON', ...json({ type: 'object' }) }, '404': error('no such layer'), ...errors },
      },
    },
    '/tiles/{layer}/{z}/{x}/{y}.mvt': {
      get: {
        summary: 'A Mapbox vector tile (Web Mercator XYZ, extent 4096, one layer named after the collection)', tags: ['Tiles'],
        description:
          'Below zoom 14 a parcel under 64 tile units across is a point at the centre of its box; below zoom 14 a tile ' +
          'carries only id, category, status, problems and town, from 14 on also a parcels-labels layer of one point a ' +
          'parcel. Parcel tiles take ' +
          'the filters of GET /api/parcels (town, village, category, subtype, status, problem, q); other collections ' +
          'their queryable properties (e.g. findings: run_id, parcel_id, severity). An ETag answers If-None-Match with 304.',
        parameters: [
          { name: 'layer', in: 'path', required: true, schema: { type: 'string' }, description: 'parcels, zones, findings, occupations or layer-<id>' },
          { name: 'z', in: 'path', required: true, schema: { type: 'integer', minimum: 0, maximum: 22 } },
          { name: 'x', in: 'path', required: true, schema: { type: 'integer', minimum: 0 } },
          { name: 'y', in: 'path', required: true, schema: { type: 'integer', minimum: 0 } },
          ...['town', 'village', 'category', 'subtype', 'status', 'problem', 'q'].map((name) => ({
            name, in: 'query', schema: { type: 'string' }, description: 'parcels: as GET /api/parcels',
          })),
        ],
        responses: {
          '200': { description: 'the tile', content: { 'application/vnd.mapbox-vector-tile': { schema: { type: 'string', format: 'binary' } } } },
          '400': error('no such tile'),
          '404': error('no such layer'),
          ...errors,
        },
      },
    },
  }
}

/** The service-desc of the landing page: the OGC paths alone, on this server. */
export function ogcApiDocument(origin: string) {
  const error = (description: string) => ({
    description,
    ...json({ type: 'object', required: ['code'], properties: { code: { type: 'string' }, description: { type: 'string' } } }),
  })
  return {
    openapi: '3.0.3',
    info: {
      title: '即源 Jiyuan — OGC API Features',
      version: '0.1.0',
      description:
        'OGC API – Features Parts 1, 2 and 4 over the parcels, planning layers, occupations and findings of ' +
        'Jimo district (stored in CGCS2000, EPSG:4490), with vector tiles. Bearer tokens from POST /api/tokens.',
    },
    servers: [{ url: origin }],
    security: [{ bearer: [] }, { session: [] }],
    paths: ogcPaths({ '401': error('not signed in, or a bad bearer token'), '403': error('the role or the town scope forbids it') }),
    components: {
      securitySchemes: {
        session: { type: 'apiKey', in: 'cookie', name: 'jiyuan_session' },
        bearer: { type: 'http', scheme: 'bearer' },
      },
    },
  }
}
