/**
 * JSON Schemas of the OGC API – Features responses, written from the
 * standard's OpenAPI building blocks (OGC 17-069r4 Part 1: link, landingPage,
 * confClasses, collections, collection, extent, featureCollectionGeoJSON,
 * featureGeoJSON, geometryGeoJSON, exception; OGC 18-058r1 Part 2: the crs
 * and storageCrs members of a collection). OpenAPI's `nullable` is written
 * as a JSON Schema type list, so plain Ajv reads them.
 */
import { Ajv, type ValidateFunction } from 'ajv'

const CRS84 = 'http://www.opengis.net/def/crs/OGC/1.3/CRS84'

const link = {
  type: 'object',
  required: ['href', 'rel'],
  properties: {
    href: { type: 'string', format: 'uri' },
    rel: { type: 'string' },
    type: { type: 'string' },
    hreflang: { type: 'string' },
    title: { type: 'string' },
    length: { type: 'integer' },
  },
}
const links = { type: 'array', items: { $ref: 'link' } }

const position = { type: 'array', minItems: 2, items: { type: 'number' } }
const line = { type: 'array', minItems: 2, items: position }
const ring = { type: 'array', minItems: 4, items: position }
const polygon = { type: 'array', items: ring }
const geometryOf = (type: string, coordinates: object) => ({
  type: 'object',
  required: ['type', 'coordinates'],
  properties: { type: { type: 'string', enum: [type] }, coordinates },
})
const geometry = {
  oneOf: [
    geometryOf('Point', position),
    geometryOf('MultiPoint', { type: 'array', items: position }),
    geometryOf('LineString', line),
    geometryOf('MultiLineString', { type: 'array', items: line }),
    geometryOf('Polygon', polygon),
    geometryOf('MultiPolygon', { type: 'array', items: polygon }),
    {
      type: 'object',
      required: ['type', 'geometries'],
      properties: {
        type: { type: 'string', enum: ['GeometryCollection'] },
        geometries: { type: 'array', items: { $ref: 'geometryGeoJSON' } },
      },
    },
  ],
}

const extent = {
  type: 'object',
  properties: {
    spatial: {
      type: 'object',
      properties: {
        bbox: {
          type: 'array',
          minItems: 1,
          items: {
            type: 'array',
            oneOf: [
              { minItems: 4, maxItems: 4 },
              { minItems: 6, maxItems: 6 },
            ],
            items: { type: 'number' },
          },
        },
        crs: { type: 'string', enum: [CRS84] },
      },
    },
    temporal: {
      type: 'object',
      properties: {
        interval: {
          type: 'array',
          minItems: 1,
          items: {
            type: 'array',
            minItems: 2,
            maxItems: 2,
            items: { type: ['string', 'null'], format: 'date-time' },
          },
        },
        trs: { type: 'string', enum: ['http://www.opengis.net/def/uom/ISO-8601/0/Gregorian'] },
      },
    },
  },
}

const collection = {
  type: 'object',
  required: ['id', 'links'],
  properties: {
    id: { type: 'string' },
    title: { type: 'string' },
    description: { type: 'string' },
    links,
    extent: { $ref: 'extent' },
    itemType: { type: 'string' },
    crs: { type: 'array', minItems: 1, items: { type: 'string', format: 'uri' } },
    storageCrs: { type: 'string', format: 'uri' },
    storageCrsCoordinateEpoch: { type: 'number' },
  },
}

const feature = {
  type: 'object',
  required: ['type', 'geometry', 'properties'],
  properties: {
    type: { type: 'string', enum: ['Feature'] },
    geometry: { oneOf: [{ type: 'null' }, { $ref: 'geometryGeoJSON' }] },
    properties: { type: ['object', 'null'] },
    id: { oneOf: [{ type: 'string' }, { type: 'integer' }] },
    links,
  },
}

const SCHEMAS = {
  link,
  landingPage: {
    type: 'object',
    required: ['links'],
    properties: { title: { type: 'string' }, description: { type: 'string' }, links },
  },
  confClasses: {
    type: 'object',
    required: ['conformsTo'],
    properties: { conformsTo: { type: 'array', items: { type: 'string' } } },
  },
  extent,
  collection,
  collections: {
    type: 'object',
    required: ['links', 'collections'],
    properties: {
      links,
      crs: { type: 'array', items: { type: 'string', format: 'uri' } },
      collections: { type: 'array', items: { $ref: 'collection' } },
    },
  },
  geometryGeoJSON: geometry,
  featureGeoJSON: feature,
  featureCollectionGeoJSON: {
    type: 'object',
    required: ['type', 'features'],
    properties: {
      type: { type: 'string', enum: ['FeatureCollection'] },
      features: { type: 'array', items: { $ref: 'featureGeoJSON' } },
      links,
      timeStamp: { type: 'string', format: 'date-time' },
      numberMatched: { type: 'integer', minimum: 0 },
      numberReturned: { type: 'integer', minimum: 0 },
    },
  },
  exception: {
    type: 'object',
    required: ['code'],
    properties: { code: { type: 'string' }, description: { type: 'string' } },
  },
}

export type OgcSchema = keyof typeof SCHEMAS

const ajv = new Ajv({ allErrors: true, strict: true })
// RFC 3339 date-time, as Part 1 uses it (time zone required)
ajv.addFormat('date-time', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i)
ajv.addFormat('uri', (value: string) => URL.canParse(value))
for (const [name, schema] of Object.entries(SCHEMAS)) ajv.addSchema(schema, name)

/** The validation errors of `body` against one schema, as text; empty when valid. */
export function ogcErrors(name: OgcSchema, body: unknown): string {
  const validate = ajv.getSchema(name) as ValidateFunction
  return validate(body) ? '' : ajv.errorsText(validate.errors)
}
