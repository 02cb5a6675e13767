// The OpenAPI entries of the report routes.
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` })
const json = (schema: object) => ({ content: { 'application/json': { schema } } })
const error = (description: string) => ({ description, ...json(ref('Error')) })
const binary = (type: string, description: string) => ({ description, content: { [type]: { schema: { type: 'string', format: 'binary' } } } })
const path = (name: string, description: string, schema: object = { type: 'string' }) => ({ name, in: 'path', required: true, description, schema })
const query = (name: string, description: string) => ({ name, in: 'query', schema: { type: 'string' }, description })

const villageCode = path('code', 'village code, 12 digits', { type: 'string', pattern: '^\\d{12}$' })
const townCode = path('code', 'town code, 9 digits', { type: 'string', pattern: '^\\d{9}$' })
const day = path('day', 'YYYY-MM-DD', { type: 'string', format: 'date' })

const tally = {
  type: 'object',
  properties: {
    code: { type: 'string' }, name: { type: 'string' }, parcels: { type: 'integer' },
    area_m2: { type: 'number', description: 'ellipsoidal on the CGCS2000 ellipsoid, m²' },
    area_mu: { type: 'number', description: 'area_m2 × 15 / 10000, 亩' },
  },
}

const noticeParcel = {
  type: 'object',
  properties: {
    code: { type: 'string' }, name: { type: 'string' }, category: { type: 'string' }, category_name: { type: 'string' },
    subtype: { type: 'string', nullable: true }, location: { type: 'string', nullable: true }, ownership: { type: 'string', nullable: true },
    area_mu: { type: 'number', description: '亩, 2 decimals' }, area_m2: { type: 'number', description: 'm², ellipsoidal (CGCS2000)' },
    four_sides: { type: 'string', description: '四至 in words' },
  },
}

const notice = {
  type: 'object',
  properties: {
    id: { type: 'integer' }, town: { type: 'string' }, town_name: { type: 'string' }, village: { type: 'string' }, village_name: { type: 'string' },
    posted_on: { type: 'string', format: 'date' },
    ends_on: { type: 'string', format: 'date', description: 'the 5th working day counted from posted_on (weekends and calendar holidays skipped, 调休 workdays counted)' },
    working_days: { type: 'integer' }, objections_to: { type: 'string' },
    parcels: { type: 'array', items: { ...noticeParcel, properties: { ...noticeParcel.properties, geometry: { type: 'object', description: 'MultiPolygon, EPSG:4490' } } } },
    public_url: { type: 'string', description: 'the public read-only page the QR code opens' },
    withdrawn_at: { type: 'string', format: 'date-time', nullable: true },
    created_at: { type: 'string', format: 'date-time' },
  },
}

const neighbour = {
  type: 'object',
  properties: {
    kind: { type: 'string', enum: ['parcel', 'road', 'river', 'village_boundary', 'none'], description: 'none: nothing within reach (空地)' },
    ref: { type: 'string', nullable: true, description: 'the parcel code, zone code or neighbouring village code' },
    name: { type: 'string', nullable: true },
    road_class: { type: 'string', nullable: true },
    distance_m: { type: 'number', nullable: true, description: "from the parcel's edge, m (EPSG:4549); road land counts from its edge" },
    text: { type: 'string', description: 'the side in words, in Chinese, as the dossier prints it' },
  },
}

const fourSides = {
  type: 'object',
  properties: {
    parcel_id: { type: 'integer' },
    reach_m: { type: 'number', description: 'how far beyond the parcel a neighbour is looked for, m' },
    sides: { type: 'object', properties: { east: neighbour, south: neighbour, west: neighbour, north: neighbour } },
  },
}

export function reportPaths(standardErrors: object) {
  const ledger = (place: object, level: string) => ({
    '.xlsx': {
      get: {
        summary: `The ledger (台账) of a ${level}: sheets 台账 (类型, 位置, 面积 亩 and m², 数额, 权属, 四至 …), 分类合计 and 统计`,
        parameters: [place],
        responses: { '200': binary('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'attachment ledger-<code>-YYYYMMDD.xlsx'), '404': error(`no such ${level}`), ...standardErrors },
      },
    },
    '.pdf': {
      get: {
        summary: `The ledger (台账) of a ${level} as A4 landscape PDF with totals by category and the signature block (签字确认, 审查核准)`,
        parameters: [place],
        responses: { '200': binary('application/pdf', 'attachment ledger-<code>-YYYYMMDD.pdf'), '404': error(`no such ${level}`), ...standardErrors },
      },
    },
  })
  const village = ledger(villageCode, 'village')
  const town = ledger(townCode, 'town')
  return {
    '/api/parcels/{id}/report.pdf': {
      get: {
        summary: 'The parcel dossier (地块核查报告): map figure, identification, areas, 四至, boundary points in EPSG:4549 m, findings, history, contract fields, signatures',
        parameters: [path('id', 'parcel id', { type: 'integer' })],
        responses: { '200': binary('application/pdf', 'A4 PDF, attachment dossier-<code>-YYYYMMDD.pdf; Server-Timing gives the time taken'), '404': error('no such parcel'), ...standardErrors },
      },
    },
    '/api/parcels/{id}/four-sides': {
      get: {
        summary: "The parcel's 四至: what adjoins it on the east, south, west and north, within reach_m metres (EPSG:4549), as the dossier and ledger name it",
        parameters: [path('id', 'parcel id', { type: 'integer' })],
        responses: { '200': { description: 'the four sides', ...json(fourSides) }, '404': error('no such parcel'), ...standardErrors },
      },
    },
    '/api/villages/{code}/dossiers.zip': {
      get: {
        summary: "All dossiers of a village's live parcels in one ZIP (<code>.pdf each), streamed one dossier at a time",
        parameters: [villageCode],
        responses: { '200': binary('application/zip', 'attachment dossiers-<village>-YYYYMMDD.zip'), '404': error('no such village'), '422': error('too many parcels for one download'), ...standardErrors },
      },
    },
    '/api/villages/{code}/ledger.xlsx': village['.xlsx'],
    '/api/villages/{code}/ledger.pdf': village['.pdf'],
    '/api/towns/{code}/ledger.xlsx': town['.xlsx'],
    '/api/towns/{code}/ledger.pdf': town['.pdf'],
    '/api/statistics': {
      get: {
        summary: "Counts and areas of live parcels by town, category, status and problem (within the caller's town), of the parcels matching the filters of GET /api/parcels",
        parameters: [
          query('town', 'town code'), query('village', 'village code'),
          query('category', 'idle_industrial, collective_construction or intensive_use'), query('subtype', 'subtype'),
          query('status', 'registered, publicized, recovering, recovered or reused'),
          query('problem', 'encroachment, contract or environment'), query('q', 'part of the code or the name'),
        ],
        responses: {
          '200': { description: 'statistics', ...json({ type: 'object', properties: { scope: { type: 'object' }, total: tally, by_town: { type: 'array', items: tally }, by_category: { type: 'array', items: tally }, by_status: { type: 'array', items: tally }, by_problem: { type: 'array', items: tally } } }) },
          ...standardErrors,
        },
      },
    },
    '/api/villages/{code}/notices': {
      get: {
        summary: "A village's public notices (公示), newest first, withdrawn ones included and marked, without their parcel lists",
        parameters: [villageCode],
        responses: {
          '200': {
            description: 'notices',
            ...json({
              type: 'array',
              items: {
                type: 'object',
                properties: {
                  id: { type: 'integer' }, posted_on: { type: 'string', format: 'date' }, ends_on: { type: 'string', format: 'date' },
                  working_days: { type: 'integer' }, parcel_count: { type: 'integer' },
                  withdrawn_at: { type: 'string', format: 'date-time', nullable: true }, created_at: { type: 'string', format: 'date-time' },
                  notice_pdf: { type: 'string', description: 'the address of its PDF' },
                },
              },
            }),
          },
          '404': error('no such village'),
          ...standardErrors,
        },
      },
      post: {
        summary: "Create the public notice (公示) of a village's parcels: a snapshot of the list, ending after 5 working days",
        parameters: [villageCode],
        requestBody: json({ type: 'object', required: ['objections_to'], properties: { posted_on: { type: 'string', format: 'date', description: 'default: today in China Standard Time' }, objections_to: { type: 'string', description: '监督投诉渠道: office, telephone or address' } } }),
        responses: { '201': { description: 'the notice', ...json(notice) }, '404': error('no such village'), '422': error('invalid field'), ...standardErrors },
      },
    },
    '/api/notices/{id}': {
      get: { summary: 'A notice with its public address', parameters: [path('id', 'notice id', { type: 'integer' })], responses: { '200': { description: 'the notice', ...json(notice) }, '404': error('no such notice'), ...standardErrors } },
      delete: { summary: 'Take a notice down: its public page answers 404 from then on', parameters: [path('id', 'notice id', { type: 'integer' })], responses: { '204': { description: 'withdrawn' }, '404': error('no such notice'), ...standardErrors } },
    },
    '/api/notices/{id}/notice.pdf': {
      get: { summary: 'The printable notice with the period, where to object, the QR code of the public page and the map', parameters: [path('id', 'notice id', { type: 'integer' })], responses: { '200': binary('application/pdf', 'A4 PDF'), '404': error('no such notice'), ...standardErrors } },
    },
    '/api/public/notices/{token}': {
      get: {
        summary: 'A notice for the public, no sign-in: exactly what the notice lists, as a FeatureCollection (EPSG:4490) with the period',
        security: [],
        parameters: [path('token', 'the random part of the public address')],
        responses: { '200': { description: 'the notice', ...json({ type: 'object', properties: { village_name: { type: 'string' }, posted_on: { type: 'string' }, ends_on: { type: 'string' }, objections_to: { type: 'string' }, features: { type: 'array', items: { type: 'object', properties: { properties: noticeParcel } } } } }) }, '404': error('no such notice') },
      },
    },
    '/public/notices/{token}': {
      get: {
        summary: 'The public read-only page the QR code opens: the notice and an SVG map of its parcels, no sign-in',
        security: [],
        parameters: [path('token', 'the random part of the public address')],
        responses: { '200': { description: 'HTML', content: { 'text/html': { schema: { type: 'string' } } } }, '404': error('no such notice') },
      },
    },
    '/api/calendar': {
      get: {
        summary: 'Public holidays and 调休 working weekend days the notice period counts with',
        parameters: [query('from', 'YYYY-MM-DD, default 1 January this year'), query('to', 'YYYY-MM-DD, default 31 December next year')],
        responses: { '200': { description: 'days', ...json({ type: 'array', items: { type: 'object', properties: { day: { type: 'string', format: 'date' }, kind: { type: 'string', enum: ['holiday', 'workday'] }, name: { type: 'string' } } } }) }, ...standardErrors },
      },
    },
    '/api/calendar/{day}': {
      put: {
        summary: 'Mark a day as a public holiday or a working weekend day (admin)',
        parameters: [day],
        requestBody: json({ type: 'object', required: ['kind'], properties: { kind: { type: 'string', enum: ['holiday', 'workday'] }, name: { type: 'string' } } }),
        responses: { '200': { description: 'stored' }, '422': error('invalid field'), ...standardErrors },
      },
      delete: { summary: 'Remove a day from the calendar (admin)', parameters: [day], responses: { '204': { description: 'removed' }, '404': error('not in the calendar'), ...standardErrors } },
    },
  }
}
