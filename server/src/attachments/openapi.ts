// The OpenAPI entries of the attachment routes.
import { ATTACHMENT_KINDS } from '../domain/workflow.ts'
import { MEDIA_TYPES } from './media.ts'

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` })
const json = (schema: object) => ({ content: { 'application/json': { schema } } })
const error = (description: string) => ({ description, ...json(ref('Error')) })
const id = (what: string) => ({ name: 'id', in: 'path', required: true, schema: { type: 'integer' }, description: `${what} id` })

const attachment = {
  type: 'object',
  properties: {
    id: { type: 'integer' }, parcel_id: { type: 'integer' }, contract_id: { type: 'integer', nullable: true },
    kind: { type: 'string', enum: ATTACHMENT_KINDS }, kind_name: { type: 'string' },
    file_name: { type: 'string' },
    media_type: { type: 'string', enum: MEDIA_TYPES.map((m) => m.type), description: 'from the first bytes of the file' },
    size_bytes: { type: 'integer' }, sha256: { type: 'string' }, note: { type: 'string', nullable: true },
    created_by: { type: 'string' }, created_at: { type: 'string', format: 'date-time' },
    content_url: { type: 'string', description: 'where to download it' },
  },
}

export function attachmentPaths(standardErrors: object, maxBytes: number) {
  return {
    '/api/parcels/{id}/attachments': {
      get: {
        summary: "A parcel's attachments (photos, minutes, contracts), without their bytes",
        parameters: [id('parcel')],
        responses: { '200': { description: 'attachments, oldest first', ...json({ type: 'array', items: attachment }) }, '404': error('no such parcel'), ...standardErrors },
      },
      post: {
        summary: `Attach a photo or scan to a parcel: JPEG, PNG or PDF by its first bytes and its name, at most ${maxBytes} bytes (JIYUAN_ATTACHMENT_MAX_BYTES); kept in the database`,
        parameters: [id('parcel')],
        requestBody: {
          content: {
            'multipart/form-data': {
              schema: {
                type: 'object',
                required: ['file', 'kind'],
                properties: {
                  file: { type: 'string', format: 'binary' },
                  kind: { type: 'string', enum: ATTACHMENT_KINDS },
                  note: { type: 'string', maxLength: 500 },
                  contract_id: { type: 'string', description: 'the contract a scanned contract belongs to' },
                },
              },
            },
          },
        },
        responses: {
          '201': { description: 'the attachment', ...json(attachment) },
          '410': error('the parcel is deleted'),
          '413': error('attachment_too_large'),
          '415': error('not JPEG, PNG or PDF, or the name does not match the content'),
          '422': error('invalid field or empty file'),
          ...standardErrors,
        },
      },
    },
    '/api/attachments/{id}': {
      get: {
        summary: "One attachment's description",
        parameters: [id('attachment')],
        responses: { '200': { description: 'the attachment', ...json(attachment) }, '404': error('no such attachment'), ...standardErrors },
      },
      delete: {
        summary: 'Delete an attachment (soft: the bytes stay in the database)',
        parameters: [id('attachment')],
        responses: { '204': { description: 'deleted' }, '404': error('no such attachment'), '410': error('deleted already'), ...standardErrors },
      },
    },
    '/api/attachments/{id}/content': {
      get: {
        summary: 'Download the file (inline=1 to open it in the browser); ETag is its SHA-256',
        parameters: [id('attachment'), { name: 'inline', in: 'query', schema: { type: 'string', enum: ['1'] } }],
        responses: {
          '200': { description: 'the bytes as uploaded', content: Object.fromEntries(MEDIA_TYPES.map((m) => [m.type, { schema: { type: 'string', format: 'binary' } }])) },
          '304': { description: 'If-None-Match matched' },
          '404': error('no such attachment'),
          '410': error('deleted'),
          ...standardErrors,
        },
      },
    },
  }
}
