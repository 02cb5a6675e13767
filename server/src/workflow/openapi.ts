// The OpenAPI entries of the workflow routes, built from the lists the
// routes validate against.
import {
  CONTACT_WAYS, OBJECTION_OUTCOMES, RECOVERY_METHODS, REUSE_MODES, STATUSES, TENDER_PROCEDURES,
} from '../domain/workflow.ts'
import { TRANSITION_STATES } from './transitions.ts'

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` })
const json = (schema: object) => ({ content: { 'application/json': { schema } } })
const error = (description: string) => ({ description, ...json(ref('Error')) })
const id = (what: string) => ({ name: 'id', in: 'path', required: true, schema: { type: 'integer' }, description: `${what} id` })
const ifMatch = { name: 'If-Match', in: 'header', required: true, schema: { type: 'string' }, description: "the parcel's ETag, e.g. \"7\"" }
const query = (name: string, schema: object, description: string) => ({ name, in: 'query', schema, description })
const date = { type: 'string', format: 'date' }
const text = (description: string) => ({ type: 'string', description })

const transition = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    parcel_id: { type: 'integer' }, parcel_code: { type: 'string' }, town: { type: 'string' }, village: { type: 'string', nullable: true },
    from: { type: 'string', enum: STATUSES }, to: { type: 'string', enum: STATUSES },
    state: { type: 'string', enum: TRANSITION_STATES },
    document: text('会议决议 or other decision, its title'), document_number: text('批准文号 of the decision'),
    document_date: { ...date, description: 'the day of the decision' },
    method: { type: 'string', enum: RECOVERY_METHODS, nullable: true, description: '清收方式' },
    procedure: { type: 'string', enum: TENDER_PROCEDURES, nullable: true, description: 'how a 重新发包 is held' },
    reuse_mode: { type: 'string', enum: REUSE_MODES, nullable: true, description: '盘活方式' },
    reuse_use: text('the use: 民宿, 仓储 …'),
    method_name: text('清收方式 in Chinese'), procedure_name: text('招标, 拍卖 or 公开协商'), reuse_mode_name: text('盘活方式 in Chinese'),
    notice_id: { type: 'integer', nullable: true, description: 'the notice (公示) a step to publicized posts the parcel in' },
    note: { type: 'string', nullable: true },
    parcel_version: { type: 'integer', description: 'the parcel version the proposal was made on' },
    proposed_by: { type: 'string' }, proposed_at: { type: 'string', format: 'date-time' },
    decided_by: { type: 'string', nullable: true, description: 'who confirmed, rejected or withdrew it' },
    decided_at: { type: 'string', format: 'date-time', nullable: true },
    approval_number: { type: 'string', nullable: true, description: '批准文号 given on confirmation' },
    decision_note: { type: 'string', nullable: true },
    confirmed_version: { type: 'integer', nullable: true, description: 'the parcel version the confirmation wrote' },
  },
}

const proposal = {
  type: 'object',
  required: ['to'],
  description:
    'What each step needs: registered → publicized a decision (document or document_number) and a live notice of the ' +
    "parcel's village that lists it (notice_id, or the latest); publicized → recovering a decision and method " +
    '(procedure for re_tender), after the notice ended and with every objection answered; recovering → recovered a ' +
    'decision (method optional); recovered → reused a decision and reuse_mode; publicized → registered a note.',
  properties: {
    to: { type: 'string', enum: STATUSES },
    document: text('会议决议 (title), up to 300 characters'),
    document_number: text('批准文号, up to 100 characters'),
    document_date: { ...date, description: 'default today (China Standard Time); not in the future' },
    method: { type: 'string', enum: RECOVERY_METHODS },
    procedure: { type: 'string', enum: TENDER_PROCEDURES },
    reuse_mode: { type: 'string', enum: REUSE_MODES },
    reuse_use: { type: 'string' },
    notice_id: { type: 'integer' },
    note: { type: 'string' },
  },
}

const blocker = { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } } }

const workflow = {
  type: 'object',
  properties: {
    parcel_id: { type: 'integer' }, parcel_code: { type: 'string' }, status: { type: 'string', enum: STATUSES }, version: { type: 'integer' },
    notice: {
      type: 'object', nullable: true,
      properties: { id: { type: 'integer' }, posted_on: date, ends_on: date, next_day: date, working_days: { type: 'integer' }, ended: { type: 'boolean' } },
    },
    objections: { type: 'object', properties: { total: { type: 'integer' }, unanswered: { type: 'integer' } } },
    pending: { allOf: [transition], nullable: true },
    next: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          to: { type: 'string', enum: STATUSES }, name: { type: 'string' }, needs: { type: 'array', items: { type: 'string' } },
          allowed: { type: 'boolean' }, blockers: { type: 'array', items: blocker },
        },
      },
    },
    transitions: { type: 'array', items: transition },
  },
}

const objection = {
  type: 'object',
  properties: {
    id: { type: 'integer' }, parcel_id: { type: 'integer' }, notice_id: { type: 'integer', nullable: true },
    received_on: date, channel: { type: 'string', enum: CONTACT_WAYS }, objector: { type: 'string', nullable: true },
    content: { type: 'string' }, recorded_by: { type: 'string' }, recorded_at: { type: 'string', format: 'date-time' },
    during_notice: { type: 'boolean', description: 'received while the notice ran' },
    answered: { type: 'boolean' }, answer: { type: 'string', nullable: true },
    answer_method: { type: 'string', enum: CONTACT_WAYS, nullable: true }, answered_on: { ...date, nullable: true },
    outcome: { type: 'string', enum: OBJECTION_OUTCOMES, nullable: true, description: 'upheld (属实) or dismissed (不属实)' },
    answered_by: { type: 'string', nullable: true }, answered_at: { type: 'string', format: 'date-time', nullable: true },
  },
}

export function workflowPaths(standardErrors: object) {
  const decided = (summary: string, body: object, extra: object = {}) => ({
    post: {
      summary,
      parameters: [id('workflow step')],
      requestBody: json(body),
      responses: {
        '200': { description: 'the step', ...json(transition) },
        '404': error('no such step'),
        '409': error('the step is not open any more'),
        '422': error('invalid field'),
        ...extra,
        ...standardErrors,
      },
    },
  })
  return {
    '/api/parcels/{id}/transitions': {
      get: {
        summary: "A parcel's workflow: its steps, the open one, its notice and objections, and each next step with what blocks it",
        parameters: [id('parcel')],
        responses: { '200': { description: 'the workflow', ...json(workflow) }, '404': error('no such parcel'), ...standardErrors },
      },
      post: {
        summary: 'Propose the next step (town editor, town approver, admin); the status changes only when another person confirms it',
        parameters: [id('parcel')],
        requestBody: json(proposal),
        responses: {
          '201': { description: 'the proposed step', ...json(transition) },
          '409': error('step_not_allowed, transition_pending, notice_required, notice_period_running or objections_unanswered (details.blockers lists all)'),
          '410': error('the parcel is deleted'),
          '422': error('invalid or missing field'),
          ...standardErrors,
        },
      },
    },
    '/api/transitions': {
      get: {
        summary: 'Workflow steps in the caller’s scope, by default the open ones (what an approver has to decide)',
        parameters: [
          query('state', { type: 'string', enum: TRANSITION_STATES, default: 'proposed' }, 'the state'),
          query('town', { type: 'string' }, 'town code'),
          query('village', { type: 'string' }, 'village code'),
          query('limit', { type: 'integer', minimum: 1, maximum: 10000, default: 1000 }, 'at most this many'),
        ],
        responses: { '200': { description: 'steps, oldest first', ...json({ type: 'array', items: transition }) }, ...standardErrors },
      },
    },
    '/api/transitions/{id}': {
      get: {
        summary: 'One workflow step',
        parameters: [id('workflow step')],
        responses: { '200': { description: 'the step', ...json(transition) }, '404': error('no such step'), ...standardErrors },
      },
    },
    '/api/transitions/{id}/confirm': {
      post: {
        summary: "Confirm a step someone else proposed (admin, or the town approver of the parcel's town): the parcel takes the new status as a new version; ETag gives it",
        parameters: [id('workflow step'), ifMatch],
        requestBody: json({ type: 'object', properties: { approval_number: text('批准文号'), note: { type: 'string' } } }),
        responses: {
          '200': { description: 'the confirmed step', ...json(transition) },
          '404': error('no such step'),
          '409': error('not open, stale (the parcel moved on), or blocked: notice_period_running, objections_unanswered, notice_required'),
          '412': error("stale If-Match: the parcel's version changed"),
          '428': error('If-Match missing'),
          ...standardErrors,
        },
      },
    },
    '/api/transitions/{id}/reject': decided(
      'Reject a step someone else proposed, saying why (admin, town approver)',
      { type: 'object', required: ['note'], properties: { note: { type: 'string' } } },
    ),
    '/api/transitions/{id}/withdraw': decided(
      'Withdraw one’s own open proposal',
      { type: 'object', properties: { note: { type: 'string' } } },
    ),
    '/api/parcels/{id}/objections': {
      get: {
        summary: "A parcel's objections (异议) with their answers",
        parameters: [id('parcel')],
        responses: { '200': { description: 'objections, oldest first', ...json({ type: 'array', items: objection }) }, '404': error('no such parcel'), ...standardErrors },
      },
      post: {
        summary: 'Record an objection received about a parcel, tied to the notice it is posted in',
        parameters: [id('parcel')],
        requestBody: json({
          type: 'object',
          required: ['channel', 'content'],
          properties: {
            received_on: { ...date, description: 'default today; not in the future' },
            channel: { type: 'string', enum: CONTACT_WAYS },
            objector: text('who objected, as given; may be left out'),
            content: { type: 'string' },
          },
        }),
        responses: { '201': { description: 'the objection', ...json(objection) }, '422': error('invalid field'), ...standardErrors },
      },
    },
    '/api/objections/{id}/answer': {
      post: {
        summary: 'Answer an objection, once: what, how, on which day, and whether it was upheld',
        parameters: [id('objection')],
        requestBody: json({
          type: 'object',
          required: ['answer', 'answer_method', 'outcome'],
          properties: {
            answer: { type: 'string' },
            answer_method: { type: 'string', enum: CONTACT_WAYS },
            answered_on: { ...date, description: 'default today; not before received_on' },
            outcome: { type: 'string', enum: OBJECTION_OUTCOMES },
          },
        }),
        responses: { '200': { description: 'the answered objection', ...json(objection) }, '404': error('no such objection'), '409': error('answered already'), '422': error('invalid field'), ...standardErrors },
      },
    },
  }
}
