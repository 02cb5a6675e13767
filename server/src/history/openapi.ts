// The OpenAPI entries of the history routes.
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` })
const json = (schema: object) => ({ content: { 'application/json': { schema } } })
const error = (description: string) => ({ description, ...json(ref('Error')) })
const path = (name: string, description: string) => ({ name, in: 'path', required: true, schema: { type: 'integer' }, description })
const query = (name: string, description: string) => ({ name, in: 'query', schema: { type: 'integer', minimum: 1 }, description })

const side = {
  type: 'object',
  properties: { version: { type: 'integer' }, action: { type: 'string' }, changed_by: { type: 'string', nullable: true }, changed_at: { type: 'string', format: 'date-time' } },
}

const diff = {
  type: 'object',
  properties: {
    parcel_id: { type: 'integer' }, parcel_code: { type: 'string' }, from: side, to: side,
    properties: {
      type: 'array',
      description: 'the properties whose values differ (status, attributes, deleted …), by name',
      items: { type: 'object', properties: { name: { type: 'string' }, before: {}, after: {} } },
    },
    geometry: {
      type: 'object',
      description: 'areas ellipsoidal on the CGCS2000 ellipsoid; 亩 = m² × 15 / 10000',
      properties: {
        changed: { type: 'boolean' },
        area_m2_before: { type: 'number' }, area_m2_after: { type: 'number' },
        area_mu_before: { type: 'number' }, area_mu_after: { type: 'number' },
        added_m2: { type: 'number', description: 'ground of the later outline outside the earlier one' },
        removed_m2: { type: 'number', description: 'ground of the earlier outline outside the later one' },
      },
    },
  },
}

export function historyPaths(standardErrors: object) {
  return {
    '/api/parcels/{id}/history/diff': {
      get: {
        summary: 'What changed between two versions of a parcel: properties before and after, and the outline (changed, areas, ground gained and lost)',
        parameters: [path('id', 'parcel id'), query('from', 'the earlier version; default to − 1'), query('to', 'the later version; default the latest')],
        responses: { '200': { description: 'the diff', ...json(diff) }, '400': error('from is not before to'), '404': error('no such parcel or version'), ...standardErrors },
      },
    },
    '/api/parcels/{id}/history/{version}/restore': {
      post: {
        summary: "Restore an earlier version: a new version with that version's properties and outline (If-Match); the status stays, as only the workflow changes it",
        parameters: [path('id', 'parcel id'), path('version', 'the version to restore'), { $ref: '#/components/parameters/ifMatch' }],
        responses: {
          '200': { description: 'the parcel as restored; ETag is its new version', content: { 'application/geo+json': { schema: ref('ParcelFeature') } } },
          '404': error('no such version'),
          '409': error('the version has the same content as now, or its code is taken'),
          '410': error('the parcel is deleted: restore it first'),
          '412': error('stale If-Match'),
          '428': error('If-Match missing'),
          ...standardErrors,
        },
      },
    },
  }
}
