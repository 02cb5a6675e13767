// Every route × every role × the town roles' own town and another, each answer
// as the table says. A refused request must change nothing: every table but
// the bookkeeping ones (sessions, sign-in attempts, the audit log) is compared
// before and after it. A route the app registers and the table lacks fails
// the test by name, and so does a row for a route that is gone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../../server/src/app.ts'
import { readConfig } from '../../server/src/config.ts'
import type { Db } from '../../server/src/db/db.ts'
import { startTestApp, type Reply, type TestApp } from '../helpers/app.ts'
import { backends } from '../helpers/backends.ts'
import { Fixtures, given, OTHER_TOWN, OWN_TOWN, ROLES, type Given, type Role, type Scope } from '../helpers/permissions.ts'
import { fingerprintQuery } from '../helpers/fingerprint.ts'
import { listRoutes } from '../helpers/routes.ts'

type Expected = number | { own: number; other: number }

/** Allowed in the town roles' own town only; another town's answer is `other`. */
const own = (status: number, other = 403): Expected => ({ own: status, other })

interface Row {
  method: string
  path: string
  given: Given
  expect: Record<Role, Expected>
}

function route(key: string, given: Given, statuses: [Expected, Expected, Expected, Expected, Expected, Expected]): Row {
  const [method, path] = key.split(' ') as [string, string]
  return { method, path, given, expect: Object.fromEntries(ROLES.map((role, i) => [role, statuses[i]!])) as Record<Role, Expected> }
}

const g = given

// One row per route. Columns: admin, analyst, town_editor, town_approver, viewer, anonymous.
// When the given lies in a town, the town roles are asked about their own town
// and another; the district roles and anonymous, who have no town, about the
// other one. A plain status holds for both towns; own(s) is s in the town
// roles' own town and 403 in the other.
//                                                                               admin     analyst   editor     approver   viewer anon
const TABLE: Row[] = [
  route('GET /api/health', g.nothing,                                            [200,      200,      200,       200,       200,   200]),
  route('GET /api/openapi.json', g.nothing,                                      [200,      200,      200,       200,       200,   200]),
  route('POST /api/session', g.ownCredentials,                                   [201,      201,      201,       201,       201,   201]),
  route('GET /api/session', g.nothing,                                           [200,      200,      200,       200,       200,   200]),
  route('DELETE /api/session', g.ownSession,                                     [204,      204,      204,       204,       204,   204]),
  route('POST /api/tokens', g.newToken,                                          [201,      201,      201,       201,       201,   401]),
  route('GET /api/tokens', g.nothing,                                            [200,      200,      200,       200,       200,   401]),
  route('DELETE /api/tokens/{id}', g.ownToken,                                   [204,      204,      204,       204,       204,   401]),
  route('POST /api/users', g.newUser,                                            [201,      403,      403,       403,       403,   401]),
  route('GET /api/users', g.nothing,                                             [200,      403,      403,       403,       403,   401]),
  route('GET /api/audit', g.nothing,                                             [200,      403,      403,       403,       403,   401]),

  route('GET /api/towns', g.nothing,                                             [200,      200,      200,       200,       200,   401]),
  route('GET /api/villages', g.nothing,                                          [200,      200,      200,       200,       200,   401]),
  route('GET /api/district', g.nothing,                                          [200,      200,      200,       200,       200,   401]),
  route('GET /api/map-settings', g.nothing,                                      [200,      200,      200,       200,       200,   401]),

  route('GET /api/parcels/{id}/four-sides', g.parcel,                            [200,      200,      own(200),  own(200),  200,   401]),
  route('GET /api/parcels/{id}/report.pdf', g.parcel,                            [200,      200,      own(200),  own(200),  200,   401]),
  route('GET /api/villages/{code}/dossiers.zip', g.village,                      [200,      200,      own(200),  own(200),  200,   401]),
  route('GET /api/villages/{code}/ledger.xlsx', g.village,                       [200,      200,      own(200),  own(200),  200,   401]),
  route('GET /api/villages/{code}/ledger.pdf', g.village,                        [200,      200,      own(200),  own(200),  200,   401]),
  route('GET /api/towns/{code}/ledger.xlsx', g.town,                             [200,      200,      own(200),  own(200),  200,   401]),
  route('GET /api/towns/{code}/ledger.pdf', g.town,                              [200,      200,      own(200),  own(200),  200,   401]),
  route('GET /api/statistics', g.townFilter,                                     [200,      200,      own(200),  own(200),  200,   401]),
  route('POST /api/villages/{code}/notices', g.newNotice,                        [201,      403,      own(201),  own(201),  403,   401]),
  route('GET /api/villages/{code}/notices', g.village,                           [200,      200,      own(200),  own(200),  200,   401]),
  route('GET /api/notices/{id}', g.notice,                                       [200,      200,      own(200),  own(200),  200,   401]),
  route('GET /api/notices/{id}/notice.pdf', g.notice,                            [200,      200,      own(200),  own(200),  200,   401]),
  route('DELETE /api/notices/{id}', g.noticeWithdrawal,                          [204,      403,      own(204),  own(204),  403,   401]),
  route('GET /api/public/notices/{token}', g.publicNotice,                       [200,      200,      200,       200,       200,   200]),
  route('GET /public/notices/{token}', g.publicNotice,                           [200,      200,      200,       200,       200,   200]),
  route('GET /api/calendar', g.nothing,                                          [200,      200,      200,       200,       200,   401]),
  route('PUT /api/calendar/{day}', g.newCalendarDay,                             [200,      403,      403,       403,       403,   401]),
  route('DELETE /api/calendar/{day}', g.calendarDay,                             [204,      403,      403,       403,       403,   401]),

  route('GET /api/parcels', g.townFilter,                                        [200,      200,      200,       200,       200,   401]),
  route('GET /api/parcels/{id}', g.parcel,                                       [200,      200,      own(200),  own(200),  200,   401]),
  route('POST /api/parcels', g.newParcel,                                        [201,      403,      own(201),  own(201),  403,   401]),
  route('PATCH /api/parcels/{id}', g.parcelEdit,                                 [200,      403,      own(200),  own(200),  403,   401]),
  route('DELETE /api/parcels/{id}', g.parcelDelete,                              [204,      403,      own(204),  own(204),  403,   401]),
  route('POST /api/parcels/{id}/restore', g.deletedParcel,                       [200,      403,      own(200),  own(200),  403,   401]),
  route('GET /api/parcels/{id}/history', g.parcel,                               [200,      200,      own(200),  own(200),  200,   401]),
  route('GET /api/parcels/{id}/history/diff', g.versionDiff,                     [200,      200,      own(200),  own(200),  200,   401]),
  route('POST /api/parcels/{id}/history/{version}/restore', g.versionRestore,    [200,      403,      own(200),  own(200),  403,   401]),

  route('GET /api/layers', g.nothing,                                            [200,      200,      200,       200,       200,   401]),
  route('POST /api/layers', g.newLayer,                                          [201,      201,      403,       403,       403,   401]),
  route('GET /api/layers/{id}/zones', g.seaLayer,                                [200,      200,      200,       200,       200,   401]),

  route('GET /api/checks/rules', g.nothing,                                      [200,      200,      200,       200,       200,   401]),
  route('POST /api/checks/rules', g.newRule,                                     [201,      403,      403,       403,       403,   401]),
  route('PATCH /api/checks/rules/{id}', g.rule,                                  [200,      403,      403,       403,       403,   401]),
  route('DELETE /api/checks/rules/{id}', g.rule,                                 [204,      403,      403,       403,       403,   401]),
  route('GET /api/checks/settings', g.nothing,                                   [200,      200,      200,       200,       200,   401]),
  route('PATCH /api/checks/settings', g.settings,                                [200,      403,      403,       403,       403,   401]),
  route('POST /api/checks', g.checkParcel,                                       [201,      201,      own(201),  own(201),  403,   401]),
  route('POST /api/checks/preview', g.outline,                                   [200,      200,      200,       200,       200,   401]),
  route('GET /api/checks', g.nothing,                                            [200,      200,      200,       200,       200,   401]),
  route('GET /api/checks/{run_id}', g.townRun,                                   [200,      200,      own(200),  own(200),  200,   401]),
  route('GET /api/checks/{run_id}/summary', g.townRun,                           [200,      200,      own(200),  own(200),  200,   401]),
  route('GET /api/parcels/{id}/findings', g.parcel,                              [200,      200,      own(200),  own(200),  200,   401]),

  route('POST /api/imports', g.importFile,                                       [201,      403,      own(201, 422), own(201, 422), 403, 401]),
  route('GET /api/imports', g.nothing,                                           [200,      200,      200,       200,       403,   401]),
  // a town role sees the imports it made itself: the approver did not make the editor's
  route('GET /api/imports/{id}', g.townImport,                                   [200,      200,      own(200, 404), 404,    403,   401]),
  route('GET /api/exports/parcels.geojson', g.townFilter,                        [200,      200,      200,       200,       200,   401]),
  route('GET /api/exports/parcels.csv', g.townFilter,                            [200,      200,      200,       200,       200,   401]),
  route('GET /api/exports/parcels.xlsx', g.townFilter,                           [200,      200,      200,       200,       200,   401]),
  route('GET /api/exports/parcels.zip', g.townFilter,                            [200,      200,      200,       200,       200,   401]),

  route('GET /api/parcels/{id}/transitions', g.parcel,                           [200,      200,      own(200),  own(200),  200,   401]),
  route('POST /api/parcels/{id}/transitions', g.publicizedParcel,                [201,      403,      own(201),  own(201),  403,   401]),
  route('GET /api/transitions', g.townFilter,                                    [200,      200,      own(200),  own(200),  200,   401]),
  route('GET /api/transitions/{id}', g.step,                                     [200,      200,      own(200),  own(200),  200,   401]),
  route('POST /api/transitions/{id}/confirm', g.stepToConfirm,                   [200,      403,      403,       own(200),  403,   401]),
  route('POST /api/transitions/{id}/reject', g.stepToReject,                     [200,      403,      403,       own(200),  403,   401]),
  // only the proposer takes a step back: here the town's editor
  route('POST /api/transitions/{id}/withdraw', g.stepToWithdraw,                 [403,      403,      own(200),  403,       403,   401]),
  route('GET /api/parcels/{id}/objections', g.parcel,                            [200,      200,      own(200),  own(200),  200,   401]),
  route('POST /api/parcels/{id}/objections', g.newObjection,                     [201,      403,      own(201),  own(201),  403,   401]),
  route('POST /api/objections/{id}/answer', g.objectionToAnswer,                 [200,      403,      own(200),  own(200),  403,   401]),

  route('GET /api/parcels/{id}/contracts', g.parcel,                             [200,      200,      own(200),  own(200),  200,   401]),
  route('POST /api/parcels/{id}/contracts', g.newContract,                       [201,      403,      own(201),  own(201),  403,   401]),
  route('GET /api/contracts/{id}', g.contract,                                   [200,      200,      own(200),  own(200),  200,   401]),
  route('PATCH /api/contracts/{id}', g.contractEdit,                             [200,      403,      own(200),  own(200),  403,   401]),
  route('DELETE /api/contracts/{id}', g.contractDelete,                          [204,      403,      own(204),  own(204),  403,   401]),
  route('GET /api/contracts/{id}/history', g.contract,                           [200,      200,      own(200),  own(200),  200,   401]),
  route('POST /api/contracts/{id}/payments', g.newPayment,                       [201,      403,      own(201),  own(201),  403,   401]),
  route('DELETE /api/contracts/{id}/payments/{payment_id}', g.payment,           [200,      403,      own(200),  own(200),  403,   401]),
  route('GET /api/villages/{code}/arrears', g.village,                           [200,      200,      own(200),  own(200),  200,   401]),

  route('POST /api/findings/{id}/waiver', g.findingToWaive,                      [201,      201,      403,       own(201),  403,   401]),
  route('GET /api/waivers', g.townFilter,                                        [200,      200,      own(200),  own(200),  200,   401]),
  route('POST /api/waivers/{id}/revoke', g.waiverToRevoke,                       [200,      200,      403,       own(200),  403,   401]),

  route('POST /api/parcels/{id}/attachments', g.newAttachment,                   [201,      403,      own(201),  own(201),  403,   401]),
  route('GET /api/parcels/{id}/attachments', g.parcel,                           [200,      200,      own(200),  own(200),  200,   401]),
  route('GET /api/attachments/{id}', g.attachment,                               [200,      200,      own(200),  own(200),  200,   401]),
  route('GET /api/attachments/{id}/content', g.attachment,                       [200,      200,      own(200),  own(200),  200,   401]),
  route('DELETE /api/attachments/{id}', g.attachmentDelete,                      [204,      403,      own(204),  own(204),  403,   401]),

  route('GET /ogc', g.nothing,                                                   [200,      200,      200,       200,       200,   200]),
  route('GET /ogc/conformance', g.nothing,                                       [200,      200,      200,       200,       200,   200]),
  route('GET /ogc/api', g.nothing,                                               [200,      200,      200,       200,       200,   200]),
  route('GET /ogc/collections', g.nothing,                                       [200,      200,      200,       200,       200,   401]),
  route('GET /ogc/collections/{collectionId}', g.parcelsCollection,              [200,      200,      200,       200,       200,   401]),
  route('GET /ogc/collections/{collectionId}/items', g.parcelsCollection,        [200,      200,      200,       200,       200,   401]),
  route('GET /ogc/collections/{collectionId}/items/{featureId}', g.parcelItem,   [200,      200,      own(200),  own(200),  200,   401]),
  route('POST /ogc/collections/{collectionId}/items', g.newItem,                 [201,      403,      own(201),  own(201),  403,   401]),
  route('PUT /ogc/collections/{collectionId}/items/{featureId}', g.itemReplace,  [200,      403,      own(200),  own(200),  403,   401]),
  route('PATCH /ogc/collections/{collectionId}/items/{featureId}', g.itemEdit,   [200,      403,      own(200),  own(200),  403,   401]),
  route('DELETE /ogc/collections/{collectionId}/items/{featureId}', g.itemDelete, [204,     403,      own(204),  own(204),  403,   401]),
  route('GET /tiles/{layer}/tilejson.json', g.parcelTiles,                       [200,      200,      200,       200,       200,   401]),
  route('GET /tiles/{layer}/{z}/{x}/{y}.mvt', g.parcelTile,                      [200,      200,      200,       200,       200,   401]),
]

const key = (method: string, path: string) => `${method.toUpperCase()} ${path}`

describe('the permission table', () => {
  const app = createApp({ config: readConfig({}), db: {} as Db, postgis: 'none' })
  const registered = new Set(listRoutes(app).map((r) => key(r.method, r.path)))
  const listed = TABLE.map((row) => key(row.method, row.path))

  it('has a row for every route the app registers', () => {
    const missing = [...registered].filter((route) => !listed.includes(route))
    expect(missing, 'routes without a row in the permission table').toEqual([])
  })

  it('has no row for a route the app does not have, and no route twice', () => {
    expect(listed.filter((route) => !registered.has(route)), 'rows for routes the app does not register').toEqual([])
    expect(listed.filter((route, i) => listed.indexOf(route) !== i), 'routes listed twice').toEqual([])
  })
})

function scopesOf(row: Row, role: Role): Scope[] {
  if (!row.given.scoped) return ['none']
  return role === 'town_editor' || role === 'town_approver' ? ['own', 'other'] : ['other']
}

function expectedFor(expected: Expected, scope: Scope): number {
  if (typeof expected === 'number') return expected
  if (scope === 'none') throw new Error('own(…) in a row whose given has no town')
  return expected[scope]
}

function fillPath(path: string, params: Record<string, string | number> = {}): string {
  return path.replace(/\{(\w+)\}/g, (_, name: string) => {
    if (params[name] === undefined) throw new Error(`the given sets no ${name} for ${path}`)
    return encodeURIComponent(String(params[name]))
  })
}

function describeReply(reply: Reply): string {
  const code = reply.body?.error?.code
  return `${reply.status}${code ? ` ${code}` : ''}`
}

describe.each(backends())('permissions on the %s database', (backend) => {
  let app: TestApp
  let fx: Fixtures
  let fingerprintSql: string

  beforeAll(async () => {
    app = await startTestApp(backend)
    fx = await Fixtures.open(app)
    fingerprintSql = await fingerprintQuery(app.db)
  })
  afterAll(async () => app?.close())

  const fingerprint = async () => {
    const { rows } = await app.db.query<{ name: string; n: number; xmins: string }>(fingerprintSql)
    return new Map(rows.map((row) => [row.name, `${row.n}/${row.xmins}`]))
  }

  /** Asks one role in one scope; returns what differs from the table, or null. */
  async function ask(row: Row, role: Role, scope: Scope): Promise<string | null> {
    const town = scope === 'other' ? OTHER_TOWN : OWN_TOWN
    const call = await row.given.make({ fx, role, town, client: fx.clients[role] })
    const client = call.client ?? fx.clients[role]
    const url = fillPath(row.path, call.params) + (call.query ? `?${call.query}` : '')
    const before = await fingerprint()
    const reply = await client.request(row.method, url, call.body, call.headers)
    const expected = expectedFor(row.expect[role], scope)
    const where = `${role}${scope === 'none' ? '' : ` (${scope} town)`}`
    if (reply.status !== expected) return `${where}: expected ${expected}, got ${describeReply(reply)}`
    if (reply.status >= 400) {
      const after = await fingerprint()
      const changed = [...after].filter(([name, value]) => before.get(name) !== value).map(([name]) => name)
      if (changed.length > 0) return `${where}: refused with ${reply.status} but changed ${changed.join(', ')}`
    } else if (scope === 'other' && (role === 'town_editor' || role === 'town_approver')) {
      const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body ?? '')
      if (text.includes(`"${OTHER_TOWN}"`)) return `${where}: answered ${reply.status} with data of town ${OTHER_TOWN}`
    }
    return null
  }

  for (const row of TABLE) {
    it(`answers ${row.method} ${row.path} for each role and town as the table says`, async () => {
      const wrong: string[] = []
      for (const role of ROLES) {
        for (const scope of scopesOf(row, role)) {
          const difference = await ask(row, role, scope)
          if (difference) wrong.push(difference)
        }
      }
      expect(wrong).toEqual([])
    })
  }
})
