// The OpenAPI entries of the waiver routes.
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` })
const json = (schema: object) => ({ content: { 'application/json': { schema } } })
const error = (description: string) => ({ description, ...json(ref('Error')) })
const id = (what: string) => ({ name: 'id', in: 'path', required: true, schema: { type: 'integer' }, description: `${what} id` })
const query = (name: string, schema: object, description: string) => ({ name, in: 'query', schema, description })

const waiver = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    finding_id: { type: 'integer', description: 'the finding it was granted on; it holds for every later finding of the same thing: same parcel, other parcel or occupation, layer version, zone, and area to the m²' },
    parcel_id: { type: 'integer', nullable: true }, parcel_code: { type: 'string', nullable: true },
    town: { type: 'string', nullable: true }, village: { type: 'string', nullable: true },
    approval_number: { type: 'string', description: '批准文号' },
    approver: { type: 'string', description: 'who approved it, as written on the approval' },
    approved_on: { type: 'string', format: 'date' },
    reason: { type: 'string' },
    recorded_by: { type: 'string' }, recorded_at: { type: 'string', format: 'date-time' },
    revoked_at: { type: 'string', format: 'date-time', nullable: true },
    revoked_by: { type: 'string', nullable: true }, revoke_reason: { type: 'string', nullable: true },
  },
}

export function waiverPaths(standardErrors: object) {
  return {
    '/api/findings/{id}/waiver': {
      post: {
        summary: 'Waive (豁免) a finding with its approval number, approver and date (admin, analyst, town approver for its town); findings everywhere show it',
        parameters: [id('finding')],
        requestBody: json({
          type: 'object',
          required: ['approval_number', 'approver', 'approved_on', 'reason'],
          properties: {
            approval_number: { type: 'string', maxLength: 100 }, approver: { type: 'string', maxLength: 200 },
            approved_on: { type: 'string', format: 'date', description: 'not in the future' }, reason: { type: 'string', maxLength: 2000 },
          },
        }),
        responses: {
          '201': { description: 'the waiver', ...json(waiver) },
          '404': error('no such finding'),
          '409': error('waived already'),
          '422': error('a field is missing or invalid'),
          ...standardErrors,
        },
      },
    },
    '/api/waivers': {
      get: {
        summary: 'The waivers in the caller’s scope (the register of exemptions)',
        parameters: [
          query('parcel_id', { type: 'integer' }, 'of one parcel'),
          query('town', { type: 'string' }, 'town code'),
          query('village', { type: 'string' }, 'village code'),
          query('include_revoked', { type: 'string', enum: ['true', 'false'] }, 'revoked ones too'),
        ],
        responses: { '200': { description: 'waivers, oldest first', ...json({ type: 'array', items: waiver }) }, ...standardErrors },
      },
    },
    '/api/waivers/{id}/revoke': {
      post: {
        summary: 'Revoke a waiver, saying why; the finding counts again',
        parameters: [id('waiver')],
        requestBody: json({ type: 'object', required: ['reason'], properties: { reason: { type: 'string' } } }),
        responses: {
          '200': { description: 'the revoked waiver', ...json(waiver) },
          '404': error('no such waiver'),
          '409': error('revoked already'),
          ...standardErrors,
        },
      },
    },
  }
}
