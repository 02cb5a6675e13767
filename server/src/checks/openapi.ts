// The OpenAPI entries of the check routes, built from the same lists the
// routes validate against.
import { CATEGORY_CODES } from '../domain/categories.ts'
import { CHECK_KINDS, FINDING_CODES, ROAD_CLASSES, SEVERITIES } from './kinds.ts'

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` })
const json = (schema: object) => ({ content: { 'application/json': { schema } } })
const error = (description: string) => ({ description, ...json(ref('Error')) })
const id = (name: string) => ({ name, in: 'path', required: true, schema: { type: 'integer' } })
const queryParam = (name: string, schema: object, description?: string) => ({ name, in: 'query', schema, ...(description ? { description } : {}) })

const params = {
  type: 'object',
  description: 'Run parameters; a run records the values it used. Omitted ones take the district defaults (GET /api/checks/settings).',
  properties: {
    min_piece_m2: { type: 'number', minimum: 0, description: 'pieces smaller than this are not reported, m² (default 1)' },
    raise_above_mu: { type: 'number', nullable: true, minimum: 0, description: 'pieces larger than this, 亩, are raised one severity step (default null: never)' },
    area_tolerance: { type: 'number', minimum: 0, maximum: 1, description: 'declared vs measured area tolerance, share of measured (default 0.01)' },
    area_floor_mu: { type: 'number', minimum: 0, description: 'the tolerance is at least this many 亩 (default 0.01)' },
    sliver_width_m: { type: 'number', minimum: 0, description: 'narrower pieces are slivers, m (default 1)' },
    road_control_m: {
      type: 'object',
      description: '公路建筑控制区 width beyond the road land, m (defaults 30, 20, 15, 10, 5)',
      properties: Object.fromEntries(ROAD_CLASSES.map((c) => [c, { type: 'number', minimum: 0 }])),
    },
  },
}

const finding = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    run_id: { type: 'integer' },
    kind: { type: 'string', enum: CHECK_KINDS },
    code: { type: 'string', enum: Object.keys(FINDING_CODES) },
    severity: { type: 'string', enum: SEVERITIES },
    parcel_id: { type: 'integer', nullable: true },
    parcel_code: { type: 'string', nullable: true },
    parcel_version: { type: 'integer', nullable: true, description: 'the parcel version the finding was made on' },
    other_parcel_id: { type: 'integer', nullable: true, description: 'the other parcel of an overlapping pair' },
    occupation_id: { type: 'integer', nullable: true },
    layer_id: { type: 'integer', nullable: true },
    layer_version: { type: 'integer', nullable: true },
    zone_id: { type: 'integer', nullable: true, description: 'the zone an occupation intrudes into' },
    zone_class: { type: 'string', nullable: true },
    town: { type: 'string', nullable: true },
    village: { type: 'string', nullable: true },
    area_m2: { type: 'number', nullable: true, description: 'the piece, ellipsoidal on the CGCS2000 ellipsoid' },
    area_mu: { type: 'number', nullable: true, description: 'area_m2 × 15 / 10000' },
    ratio: { type: 'number', nullable: true, description: "the piece's share of the parcel (of the occupation for road and river zones); for area, declared / measured − 1" },
    rule_id: { type: 'integer', nullable: true },
    message: { type: 'string', description: 'in the language of Accept-Language' },
    waived: { type: 'boolean', description: 'exempted (豁免): see waiver' },
    waiver: {
      type: 'object',
      nullable: true,
      description: 'the live waiver, held by every later finding of the same thing: same parcel, other parcel or occupation, layer version, zone, and area to the m²',
      properties: {
        id: { type: 'integer' }, finding_id: { type: 'integer', description: 'the finding it was granted on' },
        approval_number: { type: 'string', description: '批准文号' }, approver: { type: 'string' },
        approved_on: { type: 'string', format: 'date' }, reason: { type: 'string' },
        recorded_by: { type: 'string' }, recorded_at: { type: 'string', format: 'date-time' },
      },
    },
    geometry: { type: 'object', nullable: true, description: 'the overlapping or intruding piece, GeoJSON EPSG:4490' },
  },
}

const rule = {
  type: 'object',
  required: ['kind', 'zone_class', 'severity', 'basis_zh', 'basis_en'],
  properties: {
    id: { type: 'integer', readOnly: true },
    kind: { type: 'string', enum: ['overlap', 'encroachment'] },
    zone_class: { type: 'string', description: 'overlap: a zone class; encroachment: parcel, road_control or river_area' },
    category: { type: 'string', nullable: true, description: 'overlap: land category, null for any' },
    intended_use: { type: 'string', nullable: true, description: 'overlap: intended use, null for any' },
    occupation_kind: { type: 'string', nullable: true, description: 'encroachment: occupation kind, null for any' },
    severity: { type: 'string', enum: SEVERITIES },
    basis_zh: { type: 'string' },
    basis_en: { type: 'string' },
  },
}

const run = {
  type: 'object',
  properties: {
    run_id: { type: 'integer' },
    status: { type: 'string', enum: ['queued', 'running', 'done', 'failed'] },
    step: { type: 'string', nullable: true },
    kinds: { type: 'array', items: { type: 'string', enum: CHECK_KINDS } },
    scope: { type: 'object' },
    params,
    layers: { type: 'array', items: { type: 'object' }, description: 'the planning layers and versions used' },
    code_version: { type: 'string' },
    duration_ms: { type: 'integer', nullable: true },
    progress: { type: 'object' },
    summary: { type: 'object', description: 'findings, and counts by kind and severity' },
  },
}

const previewOverlap = {
  type: 'object',
  properties: {
    kind: { type: 'string', enum: ['parcel', 'zone'] },
    code: { type: 'string', enum: ['parcel_overlap', 'duplicate', 'sliver', 'zone_overlap'], description: 'as a check run would name the finding' },
    severity: { type: 'string', enum: SEVERITIES },
    parcel_id: { type: 'integer', nullable: true },
    parcel_code: { type: 'string', nullable: true, description: "null for a parcel outside the caller's town" },
    layer_id: { type: 'integer', nullable: true },
    layer_name: { type: 'string', nullable: true },
    layer_version: { type: 'integer', nullable: true },
    zone_class: { type: 'string', nullable: true },
    rule_id: { type: 'integer', nullable: true },
    basis: { type: 'string', nullable: true, description: "the grading rule's basis, in the language of Accept-Language" },
    area_m2: { type: 'number', description: 'the piece, ellipsoidal on the CGCS2000 ellipsoid' },
    area_mu: { type: 'number', description: 'area_m2 × 15 / 10000' },
    ratio: { type: 'number', description: "the piece's share of the candidate outline" },
    message: { type: 'string', description: 'in the language of Accept-Language' },
    geometry: { type: 'object', description: 'the overlapping piece, GeoJSON EPSG:4490' },
  },
}

export function checkPaths(standardErrors: object) {
  return {
    '/api/checks/preview': {
      post: {
        summary: 'Check an outline without saving it: its validity, ellipsoidal area, and the parcels and planning zones it would overlap, graded as a run grades them',
        description:
          'For the warning while a parcel is drawn or edited. Nothing is stored; saving a parcel re-checks it. ' +
          'An invalid outline answers valid false with GEOS\'s reason and place, and nothing else measured.',
        requestBody: json({
          type: 'object',
          required: ['geometry'],
          properties: {
            geometry: { type: 'object', description: 'Polygon or MultiPolygon, EPSG:4490' },
            category: { type: 'string', enum: CATEGORY_CODES, description: 'grades zone overlaps; default: the edited parcel\'s' },
            intended_use: { type: 'string' },
            parcel_id: { type: 'integer', description: 'the parcel being edited: left out of the overlaps' },
          },
        }),
        responses: {
          '200': {
            description: 'the preview',
            ...json({
              type: 'object',
              properties: {
                valid: { type: 'boolean' },
                invalid_reason: { type: 'string', nullable: true },
                invalid_location: { type: 'array', nullable: true, items: { type: 'number' }, description: '[lon, lat] EPSG:4490' },
                area_m2: { type: 'number', nullable: true, description: 'ellipsoidal on the CGCS2000 ellipsoid' },
                area_mu: { type: 'number', nullable: true },
                overlaps: { type: 'array', items: previewOverlap, description: 'most severe first, then largest' },
              },
            }),
          },
          '404': error('no such parcel_id'),
          '422': error('an invalid field or geometry structure'),
          ...standardErrors,
        },
      },
    },
    '/api/checks': {
      post: {
        summary: 'Run checks (admin, analyst; a town editor for its own town)',
        description:
          'Listed parcels and single villages are checked before the answer (status done); a town or the district ' +
          'runs in the background (status queued): follow GET /api/checks/{run_id}.',
        requestBody: json({
          type: 'object',
          properties: {
            kinds: { type: 'array', items: { type: 'string', enum: CHECK_KINDS }, description: 'default: all four' },
            town: { type: 'string' },
            village: { type: 'string' },
            parcel_ids: { type: 'array', items: { type: 'integer' }, maxItems: 10000 },
            params,
          },
        }),
        responses: {
          '201': { description: 'the run', ...json({ type: 'object', properties: { run_id: { type: 'integer' }, status: { type: 'string' }, summary: { type: 'object' }, run } }) },
          '422': error('an invalid field'),
          ...standardErrors,
        },
      },
      get: {
        summary: 'Recent requested runs',
        parameters: [queryParam('limit', { type: 'integer', minimum: 0, maximum: 1000, default: 50 })],
        responses: { '200': { description: 'runs, newest first', ...json({ type: 'object', properties: { runs: { type: 'array', items: run } } }) }, ...standardErrors },
      },
    },
    '/api/checks/{run_id}': {
      get: {
        summary: 'A run with its progress, provenance and findings',
        parameters: [
          id('run_id'),
          queryParam('kind', { type: 'string', enum: CHECK_KINDS }),
          queryParam('severity', { type: 'string', enum: SEVERITIES }),
          queryParam('code', { type: 'string', enum: Object.keys(FINDING_CODES) }),
          queryParam('town', { type: 'string' }),
          queryParam('village', { type: 'string' }),
          queryParam('parcel_id', { type: 'integer' }),
          queryParam('geometry', { type: 'string', enum: ['0', '1'] }, '0 leaves the pieces out'),
          queryParam('limit', { type: 'integer', minimum: 0, maximum: 10000, default: 1000 }),
          queryParam('offset', { type: 'integer', minimum: 0, default: 0 }),
        ],
        responses: {
          '200': { description: 'the run and a page of its findings', ...json({ allOf: [run, { type: 'object', properties: { findings_total: { type: 'integer' }, findings: { type: 'array', items: finding } } }] }) },
          '404': error('no such run'),
          ...standardErrors,
        },
      },
    },
    '/api/checks/{run_id}/summary': {
      get: {
        summary: "A run's findings per town, village, kind and severity",
        parameters: [id('run_id'), queryParam('by', { type: 'string', enum: ['town', 'village'], default: 'village' }), queryParam('town', { type: 'string' })],
        responses: { '200': { description: 'rows with findings, area_m2 and area_mu' }, '404': error('no such run'), ...standardErrors },
      },
    },
    '/api/checks/rules': {
      get: { summary: 'The severity rule table', responses: { '200': { description: 'rules', ...json({ type: 'array', items: rule }) }, ...standardErrors } },
      post: {
        summary: 'Add a rule (admin)',
        requestBody: json(rule),
        responses: { '201': { description: 'the rule', ...json(rule) }, '409': error('a rule for this combination exists'), '422': error('an invalid field'), ...standardErrors },
      },
    },
    '/api/checks/rules/{id}': {
      patch: {
        summary: 'Change a rule (admin)',
        parameters: [id('id')],
        requestBody: json(rule),
        responses: { '200': { description: 'the rule', ...json(rule) }, '404': error('no such rule'), '409': error('a rule for this combination exists'), ...standardErrors },
      },
      delete: { summary: 'Remove a rule (admin)', parameters: [id('id')], responses: { '204': { description: 'removed' }, '404': error('no such rule'), ...standardErrors } },
    },
    '/api/checks/settings': {
      get: { summary: 'The district defaults of the run parameters', responses: { '200': { description: 'parameters', ...json(params) }, ...standardErrors } },
      patch: {
        summary: 'Change district defaults (admin)',
        requestBody: json(params),
        responses: { '200': { description: 'the new defaults', ...json(params) }, '422': error('an invalid value'), ...standardErrors },
      },
    },
    '/api/parcels/{id}/findings': {
      get: {
        summary: 'The latest findings of one parcel, per check kind',
        parameters: [id('id')],
        responses: {
          '200': { description: 'the runs used and their findings', ...json({ type: 'object', properties: { parcel_id: { type: 'integer' }, checked: { type: 'array', items: { type: 'string' } }, runs: { type: 'object' }, findings: { type: 'array', items: finding } } }) },
          '404': error('no such parcel'),
          ...standardErrors,
        },
      },
    },
  }
}
