// The OpenAPI entries of the contract routes.
import { CONTRACT_PROBLEMS } from '../domain/workflow.ts'
import { PAYMENT_TIMINGS } from './arrears.ts'

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` })
const json = (schema: object) => ({ content: { 'application/json': { schema } } })
const error = (description: string) => ({ description, ...json(ref('Error')) })
const id = (name: string, what: string) => ({ name, in: 'path', required: true, schema: { type: 'integer' }, description: `${what} id` })
const ifMatch = { name: 'If-Match', in: 'header', required: true, schema: { type: 'string' }, description: "the contract's ETag, e.g. \"2\"" }
const asOf = { name: 'as_of', in: 'query', schema: { type: 'string', format: 'date' }, description: 'count to this day (inclusive); default today, China Standard Time' }
const date = { type: 'string', format: 'date' }
const money = (description: string) => ({ type: 'number', description: `${description}, 元 with 2 decimals` })

const owed = {
  as_of: date,
  due_yuan: money('fallen due by as_of'),
  paid_yuan: money('paid by as_of'),
  arrears_yuan: money('due − paid, not below 0 (欠款)'),
  credit_yuan: money('paid − due, not below 0 (预交)'),
  overdue: { type: 'boolean', description: 'arrears_yuan > 0' },
  overdue_since: { ...date, nullable: true, description: 'the due day of the oldest instalment not covered (payments count in order of falling due)' },
}

const terms = {
  number: { type: 'string', nullable: true, description: '合同编号' },
  contractor: { type: 'string', description: '承包方 / 承租方' },
  start_on: date,
  end_on: { ...date, nullable: true, description: 'null: no end agreed' },
  terminated_on: { ...date, nullable: true, description: 'ended early (解除); nothing falls due after it' },
  annual_fee_yuan: money('the annual fee (年承包费、租金)'),
  payment_timing: {
    type: 'string', enum: PAYMENT_TIMINGS,
    description: "each contract year's fee falls due on its first day (in_advance, the default) or its last (in_arrears); a year cut short owes the fee pro rata by days",
  },
  problems: { type: 'array', items: { type: 'string', enum: CONTRACT_PROBLEMS }, description: '合同签订不规范: oral contract, irregular procedure, grossly unfair price, illegal change of use, overdue' },
  note: { type: 'string', nullable: true },
}

const payment = {
  type: 'object',
  properties: {
    id: { type: 'integer' }, paid_on: date, amount_yuan: money('the amount'), receipt_number: { type: 'string', nullable: true },
    note: { type: 'string', nullable: true }, recorded_by: { type: 'string' }, recorded_at: { type: 'string', format: 'date-time' },
  },
}

const contract = {
  type: 'object',
  properties: {
    id: { type: 'integer' }, parcel_id: { type: 'integer' }, parcel_code: { type: 'string' }, parcel_name: { type: 'string' },
    town: { type: 'string' }, village: { type: 'string', nullable: true },
    ...terms,
    problem_names: { type: 'array', items: { type: 'string' } },
    version: { type: 'integer' }, created_by: { type: 'string' }, created_at: { type: 'string', format: 'date-time' },
    updated_by: { type: 'string' }, updated_at: { type: 'string', format: 'date-time' },
    payments: { type: 'array', items: payment },
    ...owed,
  },
}

const contractBody = { type: 'object', required: ['contractor', 'start_on', 'annual_fee_yuan'], properties: terms }

export function contractPaths(standardErrors: object) {
  const one = (summary: string, status: string, extra: object = {}) => ({
    summary,
    responses: { [status]: { description: 'the contract, with what it owes today', ...json(contract) }, '404': error('no such contract'), ...extra, ...standardErrors },
  })
  return {
    '/api/parcels/{id}/contracts': {
      get: {
        summary: "A parcel's live contracts with their payments and what each owes",
        parameters: [id('id', 'parcel'), asOf],
        responses: { '200': { description: 'contracts', ...json({ type: 'array', items: contract }) }, '404': error('no such parcel'), ...standardErrors },
      },
      post: {
        ...one('Register a contract on a parcel (its town’s editor or approver, admin); ETag is its version', '201', { '410': error('the parcel is deleted'), '422': error('invalid field') }),
        parameters: [id('id', 'parcel')],
        requestBody: json(contractBody),
      },
    },
    '/api/contracts/{id}': {
      get: { ...one('One contract; ETag is its version', '200', { '410': error('deleted') }), parameters: [id('id', 'contract'), asOf] },
      patch: {
        ...one('Change a contract (If-Match); the fields given change, the rest stay', '200', {
          '412': error('stale If-Match'), '428': error('If-Match missing'), '410': error('deleted'), '422': error('invalid field'),
        }),
        parameters: [id('id', 'contract'), ifMatch],
        requestBody: json({ type: 'object', properties: terms }),
      },
      delete: {
        summary: 'Delete a contract (soft, If-Match); its versions stay',
        parameters: [id('id', 'contract'), ifMatch],
        responses: { '204': { description: 'deleted' }, '404': error('no such contract'), '412': error('stale If-Match'), '428': error('If-Match missing'), ...standardErrors },
      },
    },
    '/api/contracts/{id}/history': {
      get: {
        summary: 'Every version of a contract: who, when, before and after',
        parameters: [id('id', 'contract')],
        responses: { '200': { description: 'versions, oldest first' }, '404': error('no such contract'), ...standardErrors },
      },
    },
    '/api/contracts/{id}/payments': {
      post: {
        ...one('Record a payment (缴费) on a contract', '201', { '410': error('the contract is deleted'), '422': error('invalid field') }),
        parameters: [id('id', 'contract')],
        requestBody: json({
          type: 'object',
          required: ['paid_on', 'amount_yuan'],
          properties: { paid_on: { ...date, description: 'not in the future' }, amount_yuan: money('above 0'), receipt_number: { type: 'string' }, note: { type: 'string' } },
        }),
      },
    },
    '/api/contracts/{id}/payments/{payment_id}': {
      delete: {
        ...one('Strike out a payment entered by mistake (kept, marked deleted)', '200'),
        parameters: [id('id', 'contract'), id('payment_id', 'payment')],
      },
    },
    '/api/villages/{code}/arrears': {
      get: {
        summary: "Arrears (欠款) of a village: every live contract of its live parcels with what fell due, what was paid and what is owed on as_of, most owed first, with totals",
        parameters: [{ name: 'code', in: 'path', required: true, schema: { type: 'string', pattern: '^\\d{12}$' } }, asOf],
        responses: {
          '200': {
            description: 'the list',
            ...json({
              type: 'object',
              properties: {
                village: { type: 'string' }, village_name: { type: 'string' }, town: { type: 'string' }, town_name: { type: 'string' }, as_of: date,
                totals: {
                  type: 'object',
                  properties: { contracts: { type: 'integer' }, in_arrears: { type: 'integer' }, due_yuan: money('sum'), paid_yuan: money('sum'), arrears_yuan: money('sum') },
                },
                contracts: {
                  type: 'array',
                  items: {
                    type: 'object',
                    properties: {
                      contract_id: { type: 'integer' }, parcel_id: { type: 'integer' }, parcel_code: { type: 'string' }, parcel_name: { type: 'string' },
                      ...terms, ...owed,
                    },
                  },
                },
              },
            }),
          },
          '404': error('no such village'),
          ...standardErrors,
        },
      },
    },
  }
}
