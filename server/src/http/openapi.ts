import type { RequestHandler } from 'express'
import { attachmentPaths } from '../attachments/openapi.ts'
import { auditPaths } from '../audit/openapi.ts'
import { ROLES } from '../auth/roles.ts'
import { ATTACHMENT_MAX_BYTES } from '../config.ts'
import { CATEGORY_CODES } from '../domain/categories.ts'
import { PROBLEMS, STATUSES } from '../domain/workflow.ts'
import { ERRORS } from '../errors/catalogue.ts'
import { checkPaths } from '../checks/openapi.ts'
import { contractPaths } from '../contracts/openapi.ts'
import { exportPaths } from '../export/openapi.ts'
import { historyPaths } from '../history/openapi.ts'
import { reportPaths } from '../reports/openapi.ts'
import { ogcPaths } from '../ogc/openapi.ts'
import { waiverPaths } from '../waivers/openapi.ts'
import { workflowPaths } from '../workflow/openapi.ts'

/** Parameters and bodies used by several operations. */
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` })
const param = (name: string) => ({ $ref: `#/components/parameters/${name}` })
const json = (schema: object) => ({ content: { 'application/json': { schema } } })
const geojson = (schema: object) => ({ content: { 'application/geo+json': { schema } } })
const error = (description: string) => ({ description, ...json(ref('Error')) })

const STANDARD_ERRORS = {
  '401': error('not signed in, or a bad bearer token'),
  '403': error('the role or the town scope forbids it'),
}

const PARCEL_FILTERS = ['town', 'village', 'category', 'subtype', 'status', 'problem', 'bbox', 'q', 'limit', 'offset', 'include_deleted']
// exports take every live parcel that matches: no paging, no deleted parcels
const EXPORT_FILTERS = PARCEL_FILTERS.filter((f) => !['limit', 'offset', 'include_deleted'].includes(f))

const parcelProperties = {
  type: 'object',
  properties: {
    id: { type: 'integer', readOnly: true },
    code: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$', description: '地块编码, unique among live parcels' },
    name: { type: 'string', maxLength: 200 },
    town: { type: 'string', pattern: '^370215\\d{3}$' },
    village: { type: 'string', nullable: true, pattern: '^370215\\d{6}$' },
    category: { type: 'string', enum: CATEGORY_CODES },
    subtype: { type: 'string', nullable: true, maxLength: 100 },
    status: { type: 'string', enum: STATUSES },
    problems: { type: 'array', items: { type: 'string', enum: PROBLEMS } },
    ownership: { type: 'string', nullable: true, description: '权属' },
    declared_area_mu: { type: 'number', nullable: true, minimum: 0, description: 'declared area, 亩' },
    location: { type: 'string', nullable: true, description: '位置' },
    intended_use: { type: 'string', nullable: true },
    attributes: { type: 'object', description: 'columns of imported files without a property of their own' },
    area_m2: { type: 'number', readOnly: true, description: 'ellipsoidal area on the CGCS2000 ellipsoid, m²' },
    area_mu: { type: 'number', readOnly: true, description: 'area_m2 × 15 / 10000, 亩' },
    version: { type: 'integer', readOnly: true },
    updated_at: { type: 'string', format: 'date-time', readOnly: true },
    updated_by: { type: 'string', nullable: true, readOnly: true },
  },
}

export const OPENAPI = {
  openapi: '3.0.3',
  info: {
    title: '即源 Jiyuan API',
    version: '0.1.0',
    description:
      'Parcels of the rural public-resource programme of Jimo district. Geometry is GeoJSON in CGCS2000 ' +
      'longitude/latitude (EPSG:4490); areas carry their unit in the name (area_m2 ellipsoidal, area_mu 亩). ' +
      'Error messages follow Accept-Language (zh-CN by default).',
  },
  servers: [{ url: '/' }],
  security: [{ session: [] }, { bearer: [] }],
  paths: {
    '/api/health': {
      get: {
        summary: 'The server, its database driver and PostGIS version',
        security: [],
        responses: { '200': { description: 'ok', ...json(ref('Health')) } },
      },
    },
    '/api/openapi.json': {
      get: { summary: 'This description', security: [], responses: { '200': { description: 'OpenAPI 3.0' } } },
    },
    '/api/session': {
      post: {
        summary: 'Sign in; sets the http-only session cookie',
        security: [],
        requestBody: json({ type: 'object', required: ['username', 'password'], properties: { username: { type: 'string' }, password: { type: 'string' } } }),
        responses: {
          '201': { description: 'signed in', ...json({ type: 'object', properties: { user: ref('User') } }) },
          '401': error('wrong username or password'),
          '429': error('too many failed attempts; see Retry-After'),
        },
      },
      get: { summary: 'Who is signed in (user null when nobody is)', security: [], responses: { '200': { description: 'the user, or null', ...json({ type: 'object', properties: { user: { allOf: [ref('User')], nullable: true } } }) } } },
      delete: { summary: 'Sign out', responses: { '204': { description: 'signed out' } } },
    },
    '/api/tokens': {
      post: {
        summary: 'Issue a bearer token for scripts (shown once)',
        requestBody: json({ type: 'object', required: ['name'], properties: { name: { type: 'string' }, expires_in_days: { type: 'integer', minimum: 1, maximum: 3650 } } }),
        responses: { '201': { description: 'the token', ...json({ type: 'object', properties: { id: { type: 'integer' }, name: { type: 'string' }, token: { type: 'string' }, expires_at: { type: 'string', nullable: true } } }) }, ...STANDARD_ERRORS },
      },
      get: { summary: "The caller's tokens, without their secrets", responses: { '200': { description: 'tokens' }, ...STANDARD_ERRORS } },
    },
    '/api/tokens/{id}': {
      delete: { summary: 'Revoke a token', parameters: [param('id')], responses: { '204': { description: 'revoked' }, '404': error('no such token of yours'), ...STANDARD_ERRORS } },
    },
    '/api/users': {
      post: {
        summary: 'Create a user (admin)',
        requestBody: json({ type: 'object', required: ['username', 'password', 'role'], properties: { username: { type: 'string' }, password: { type: 'string', minLength: 8 }, role: { type: 'string', enum: ROLES }, town: { type: 'string', description: 'required for town_editor and town_approver (镇街审核人)' }, display_name: { type: 'string' } } }),
        responses: { '201': { description: 'created', ...json(ref('User')) }, '409': error('username taken'), '422': error('invalid field'), ...STANDARD_ERRORS },
      },
      get: { summary: 'All users (admin)', responses: { '200': { description: 'users', ...json({ type: 'array', items: ref('User') }) }, ...STANDARD_ERRORS } },
    },
    '/api/district': {
      get: { summary: 'The district boundary', responses: { '200': { description: 'FeatureCollection, EPSG:4490', ...geojson(ref('FeatureCollection')) }, ...STANDARD_ERRORS } },
    },
    '/api/towns': {
      get: {
        summary: 'The towns and streets (镇街)',
        parameters: [param('geometry')],
        responses: { '200': { description: '[{code, name, kind}], or a FeatureCollection with geometry=1' }, ...STANDARD_ERRORS },
      },
    },
    '/api/villages': {
      get: {
        summary: 'Villages, optionally of one town',
        parameters: [{ name: 'town', in: 'query', schema: { type: 'string' } }, param('geometry')],
        responses: { '200': { description: '[{code, name, town, kind}], or a FeatureCollection with geometry=1' }, ...STANDARD_ERRORS },
      },
    },
    '/api/map-settings': {
      get: {
        summary: 'What the map client starts with: the basemap the deployment set (JIYUAN_BASEMAP_URL), or null',
        responses: {
          '200': {
            description: 'settings',
            ...json({
              type: 'object',
              properties: {
                basemap: {
                  type: 'object',
                  nullable: true,
                  properties: { kind: { type: 'string', enum: ['raster', 'style'] }, url: { type: 'string' }, attribution: { type: 'string' } },
                },
              },
            }),
          },
          ...STANDARD_ERRORS,
        },
      },
    },
    '/api/layers': {
      get: { summary: 'Planning layers', responses: { '200': { description: 'layers', ...json({ type: 'array', items: ref('Layer') }) }, ...STANDARD_ERRORS } },
      post: {
        summary: 'Create an empty planning layer (admin, analyst)',
        requestBody: json({ type: 'object', required: ['name', 'kind'], properties: { name: { type: 'string' }, kind: { type: 'string' } } }),
        responses: { '201': { description: 'created', ...json(ref('Layer')) }, ...STANDARD_ERRORS },
      },
    },
    '/api/layers/{id}/zones': {
      get: {
        summary: "A layer's current zones",
        parameters: [param('id'), param('bbox')],
        responses: { '200': { description: 'FeatureCollection, EPSG:4490', ...geojson(ref('FeatureCollection')) }, '404': error('no such layer'), ...STANDARD_ERRORS },
      },
    },
    '/api/imports': {
      post: {
        summary: 'Import a file: zipped Shapefile, GeoJSON or CSV (with a WKT column)',
        description:
          'Multipart, field `file`. Fields: `target` (parcels, occupations, layer:<id>), `srid` (EPSG of the ' +
          'coordinates, overrides .prj/crs), `encoding` (DBF code page), `mode` (atomic, the default, or partial), ' +
          '`makeValid` (repair invalid geometries, noted in the history), `gcj02` (convert from GCJ-02), `mapping` ' +
          '(JSON {"column": "property"}), `class` (zone class for a layer file), `dry_run` (report only), `preview` (with dry_run: the features ' +
          'in the report, EPSG:4490, for a map). ' +
          'Parcels are matched by code: a code in use updates that parcel.',
        requestBody: {
          content: {
            'multipart/form-data': {
              schema: {
                type: 'object',
                required: ['file'],
                properties: {
                  file: { type: 'string', format: 'binary' },
                  target: { type: 'string' },
                  srid: { type: 'string' },
                  encoding: { type: 'string' },
                  mode: { type: 'string', enum: ['atomic', 'partial'] },
                  makeValid: { type: 'string', enum: ['true', 'false'] },
                  gcj02: { type: 'string', enum: ['true', 'false'] },
                  mapping: { type: 'string' },
                  class: { type: 'string' },
                  dry_run: { type: 'string', enum: ['true', 'false'] },
                  preview: { type: 'string', enum: ['true', 'false'], description: 'with dry_run: return the features read' },
                },
              },
            },
          },
        },
        responses: {
          '200': { description: 'dry run: the report, nothing stored', ...json(ref('ImportReport')) },
          '201': { description: 'stored', ...json(ref('ImportReport')) },
          '413': error('upload or unpacked size over the limit'),
          '415': error('not a format the importer reads'),
          '422': { description: 'refused: atomic mode with rejected features (the report plus error), or an unreadable file', ...json(ref('ImportReport')) },
          ...STANDARD_ERRORS,
        },
      },
      get: { summary: 'Imports, newest first (a town editor sees its own)', responses: { '200': { description: 'imports' }, ...STANDARD_ERRORS } },
    },
    '/api/imports/{id}': {
      get: { summary: 'One import with its report', parameters: [param('id')], responses: { '200': { description: 'the import' }, '404': error('no such import'), ...STANDARD_ERRORS } },
    },
    '/api/parcels': {
      get: {
        summary: 'Parcels in the caller’s scope, filtered',
        parameters: PARCEL_FILTERS.map(param),
        responses: { '200': { description: 'FeatureCollection, EPSG:4490, with numberMatched', ...geojson(ref('FeatureCollection')) }, '400': error('bad parameter'), ...STANDARD_ERRORS },
      },
      post: {
        summary: 'Create a parcel from a Feature',
        requestBody: json(ref('ParcelFeature')),
        responses: {
          '201': { description: 'the stored Feature; ETag is its version', ...geojson(ref('ParcelFeature')) },
          '409': error('the code is in use'),
          '413': error('body too large'),
          '422': error('invalid geometry or property'),
          ...STANDARD_ERRORS,
        },
      },
    },
    '/api/parcels/{id}': {
      get: {
        summary: 'One parcel, with ETag',
        parameters: [param('id')],
        responses: { '200': { description: 'Feature', ...geojson(ref('ParcelFeature')) }, '304': { description: 'If-None-Match matched' }, '404': error('no such parcel'), '410': error('deleted'), ...STANDARD_ERRORS },
      },
      patch: {
        summary: 'Change properties and/or geometry',
        parameters: [param('id'), param('ifMatch')],
        requestBody: json(ref('ParcelFeature')),
        responses: { '200': { description: 'the stored Feature', ...geojson(ref('ParcelFeature')) }, '412': error('stale If-Match'), '428': error('If-Match missing'), '422': error('invalid'), ...STANDARD_ERRORS },
      },
      delete: {
        summary: 'Soft delete (restorable)',
        parameters: [param('id'), param('ifMatch')],
        responses: { '204': { description: 'deleted' }, '412': error('stale If-Match'), '428': error('If-Match missing'), ...STANDARD_ERRORS },
      },
    },
    '/api/parcels/{id}/restore': {
      post: {
        summary: 'Restore a deleted parcel',
        parameters: [param('id'), param('ifMatch')],
        responses: { '200': { description: 'the restored Feature', ...geojson(ref('ParcelFeature')) }, '409': error('not deleted, or its code is taken'), '412': error('stale If-Match'), ...STANDARD_ERRORS },
      },
    },
    ...exportPaths(EXPORT_FILTERS.map(param), STANDARD_ERRORS),
    ...checkPaths(STANDARD_ERRORS),
    ...reportPaths(STANDARD_ERRORS),
    ...ogcPaths(STANDARD_ERRORS),
    ...historyPaths(STANDARD_ERRORS),
    ...workflowPaths(STANDARD_ERRORS),
    ...contractPaths(STANDARD_ERRORS),
    ...waiverPaths(STANDARD_ERRORS),
    ...auditPaths(STANDARD_ERRORS),
    ...attachmentPaths(STANDARD_ERRORS, ATTACHMENT_MAX_BYTES),
    '/api/parcels/{id}/history': {
      get: {
        summary: 'Every version: who, when, what changed, before and after',
        parameters: [param('id')],
        responses: { '200': { description: 'versions, oldest first', ...json({ type: 'array', items: ref('Version') }) }, ...STANDARD_ERRORS },
      },
    },
  },
  components: {
    securitySchemes: {
      session: { type: 'apiKey', in: 'cookie', name: 'jiyuan_session' },
      bearer: { type: 'http', scheme: 'bearer' },
    },
    parameters: {
      id: { name: 'id', in: 'path', required: true, schema: { type: 'integer' } },
      ifMatch: { name: 'If-Match', in: 'header', required: true, schema: { type: 'string' }, description: 'the ETag, e.g. "7"' },
      geometry: { name: 'geometry', in: 'query', schema: { type: 'string', enum: ['1', 'true'] } },
      bbox: { name: 'bbox', in: 'query', schema: { type: 'string' }, description: 'minLon,minLat,maxLon,maxLat (EPSG:4490)' },
      town: { name: 'town', in: 'query', schema: { type: 'string' } },
      village: { name: 'village', in: 'query', schema: { type: 'string' } },
      category: { name: 'category', in: 'query', schema: { type: 'string', enum: CATEGORY_CODES } },
      subtype: { name: 'subtype', in: 'query', schema: { type: 'string' }, description: 'the subtype, in Chinese' },
      status: { name: 'status', in: 'query', schema: { type: 'string', enum: STATUSES } },
      problem: { name: 'problem', in: 'query', schema: { type: 'string', enum: PROBLEMS } },
      q: { name: 'q', in: 'query', schema: { type: 'string' }, description: 'part of the code or name' },
      limit: { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 0, maximum: 10000, default: 1000 } },
      offset: { name: 'offset', in: 'query', schema: { type: 'integer', minimum: 0, default: 0 } },
      include_deleted: { name: 'include_deleted', in: 'query', schema: { type: 'string', enum: ['true'] } },
    },
    schemas: {
      Error: {
        type: 'object',
        properties: {
          error: {
            type: 'object',
            required: ['code', 'message'],
            properties: { code: { type: 'string', enum: Object.keys(ERRORS) }, message: { type: 'string' }, details: {} },
          },
        },
      },
      Health: { type: 'object', properties: { status: { type: 'string' }, database: { type: 'string', enum: ['embedded', 'postgres'] }, postgis: { type: 'string' } } },
      User: { type: 'object', properties: { id: { type: 'integer' }, username: { type: 'string' }, display_name: { type: 'string', nullable: true }, role: { type: 'string' }, town: { type: 'string', nullable: true } } },
      Layer: { type: 'object', properties: { id: { type: 'integer' }, name: { type: 'string' }, kind: { type: 'string' }, zone_count: { type: 'integer' }, classes: { type: 'array', items: { type: 'string' }, description: 'zone classes of the current version' }, version: { type: 'integer' }, updated_at: { type: 'string' } } },
      Geometry: { type: 'object', required: ['type', 'coordinates'], properties: { type: { type: 'string' }, coordinates: { type: 'array', items: {} } } },
      ParcelFeature: {
        type: 'object',
        properties: { type: { type: 'string', enum: ['Feature'] }, id: { type: 'integer' }, geometry: ref('Geometry'), properties: parcelProperties },
      },
      FeatureCollection: {
        type: 'object',
        properties: {
          type: { type: 'string', enum: ['FeatureCollection'] },
          srid: { type: 'integer', enum: [4490] },
          numberMatched: { type: 'integer' },
          numberReturned: { type: 'integer' },
          features: { type: 'array', items: { type: 'object' } },
        },
      },
      ImportReport: {
        type: 'object',
        properties: {
          import_id: { type: 'integer', nullable: true },
          status: { type: 'string', enum: ['stored', 'rejected', 'dry_run'] },
          target: { type: 'string' },
          feature_count: { type: 'integer' },
          accepted: { type: 'integer' },
          rejected: {
            type: 'array',
            items: { type: 'object', properties: { index: { type: 'integer' }, code: { type: 'string' }, message: { type: 'string' } } },
          },
          created: { type: 'integer' },
          updated: { type: 'integer' },
          unchanged: { type: 'integer' },
          repaired: { type: 'integer' },
          detected: { type: 'object', description: 'format, srid, crs_name, crs_source, encoding, encoding_source, gcj02' },
          mapping: { type: 'object', description: 'source column → parcel property' },
          warnings: { type: 'array', items: { type: 'string' } },
          preview: {
            type: 'object',
            description: 'dry run with preview: the features as read, converted to EPSG:4490 (at most 5000 features and 500,000 vertices)',
            properties: {
              type: { type: 'string', enum: ['FeatureCollection'] },
              features: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    geometry: { type: 'object' },
                    properties: { type: 'object', properties: { index: { type: 'integer' }, label: { type: 'string', nullable: true, description: 'the value of the column mapped to code (or name)' }, rejected: { type: 'string', nullable: true, description: 'the first problem code of a feature that would be refused' } } },
                  },
                },
              },
              truncated: { type: 'boolean' },
            },
          },
        },
      },
      Version: {
        type: 'object',
        properties: {
          version: { type: 'integer' },
          action: { type: 'string', enum: ['create', 'update', 'delete', 'restore'] },
          changed_by: { type: 'string', nullable: true },
          changed_at: { type: 'string', format: 'date-time' },
          changed_fields: { type: 'array', items: { type: 'string' } },
          note: { type: 'string', nullable: true },
          before: { type: 'object', nullable: true },
          after: { type: 'object' },
        },
      },
    },
  },
}

export const openApiRoute: RequestHandler = (_req, res) => {
  res.json(OPENAPI)
}
