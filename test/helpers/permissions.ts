// What each route of the permission table acts on (its "given"): the
// resources a request needs, made for the town the case looks at, and the
// request itself. Fixtures that a request may use up (a parcel it deletes, a
// step it confirms) are made anew for every case; the ones only read are made
// once per town.
import { PNG } from 'pngjs'
import { tileAt } from '../../server/src/tiles/grid.ts'
import type { Client, TestApp } from './app.ts'
import { TEST_USERS } from './fixtures.ts'
import { HUANXIU, square } from './workflow.ts'

/**
 * Two towns made for this test, each with one village (the outlines of 环秀街道
 * and its smallest village): the town roles' own town and another. Only the
 * test's own parcels lie in them, so their ledgers and notices stay small.
 */
export const OWN_TOWN = '370215901'
export const OTHER_TOWN = '370215902'
const TEST_TOWNS = [
  { code: OWN_TOWN, name: '权限测试甲街道', village: '370215901001' },
  { code: OTHER_TOWN, name: '权限测试乙街道', village: '370215902001' },
]

export const ROLES = ['admin', 'analyst', 'town_editor', 'town_approver', 'viewer', 'anonymous'] as const
export type Role = (typeof ROLES)[number]
/** own / other: the resource lies in the town roles' town or in another; none: the route has no town. */
export type Scope = 'own' | 'other' | 'none'

/** One request: path parameters, query, body and headers; `client` replaces the role's own client. */
export interface Call {
  params?: Record<string, string | number>
  query?: string
  body?: unknown
  headers?: Record<string, string>
  client?: Client
}

export interface CaseContext {
  fx: Fixtures
  role: Role
  town: string
  client: Client
}

export interface Given {
  /** true: the resource lies in a town, and the route is asked about the own town and another */
  scoped: boolean
  make(c: CaseContext): Promise<Call>
}

const ifMatch = (version: number) => ({ 'if-match': `"${version}"` })

/** A 4 × 4 grey PNG: a survey photo the attachment route accepts. */
function png(): Uint8Array {
  const image = new PNG({ width: 4, height: 4 })
  image.data.fill(0x80)
  return new Uint8Array(PNG.sync.write(image))
}

function attachmentForm(): FormData {
  const form = new FormData()
  form.append('kind', 'survey_photo')
  form.append('file', new Blob([png() as BlobPart]), '现场照片.png')
  return form
}

/** The slippy-map tile (z, x, y) holding a lon/lat point. */

interface Place {
  village: string
  /** a point inside the village, EPSG:4490 */
  lon: number
  lat: number
}

/**
 * The users and resources of the permission test, on one test app. Every
 * fixture is made by an admin or by the town's editor, never by the role
 * under test, so a refusal is the role's and not the fixture's.
 */
export class Fixtures {
  readonly clients = {} as Record<Role, Client>
  /** the editor of each town, who proposes the workflow steps there */
  readonly editors: Record<string, Client> = {}
  private serial = 0
  private readonly shared = new Map<string, Promise<any>>()
  private readonly places = new Map<string, Place>()

  private constructor(readonly app: TestApp) {}

  static async open(app: TestApp): Promise<Fixtures> {
    const fx = new Fixtures(app)
    for (const town of TEST_TOWNS) fx.places.set(town.code, await makeTown(app, town))
    const admin = await app.as('admin')
    const user = async (username: string, role: string, town: string) => {
      const password = `${username}-password-1`
      const created = await admin.post('/api/users', { username, password, role, town })
      if (created.status !== 201) throw new Error(`user ${username}: ${JSON.stringify(created.body)}`)
      const client = app.anonymous()
      await client.signIn(username, password)
      return client
    }
    fx.clients.admin = admin
    fx.clients.analyst = await app.as('analyst')
    fx.clients.viewer = await app.as('viewer')
    fx.clients.town_editor = await user(TOWN_USERS.town_editor, 'town_editor', OWN_TOWN)
    fx.clients.town_approver = await user(TOWN_USERS.town_approver, 'town_approver', OWN_TOWN)
    fx.clients.anonymous = app.anonymous()
    fx.editors[OWN_TOWN] = fx.clients.town_editor
    fx.editors[OTHER_TOWN] = await user('perm_editor_other', 'town_editor', OTHER_TOWN)
    // the first saved parcel prepares the planning layers for the re-check (~20 s embedded): here, not in a test
    await fx.parcel(OWN_TOWN)
    return fx
  }

  get admin(): Client {
    return this.clients.admin
  }

  /** A number no other fixture of this test app has. */
  next(): number {
    return ++this.serial
  }

  /** Makes a fixture once per key and hands out the same one after. */
  once<T>(key: string, make: () => Promise<T>): Promise<T> {
    if (!this.shared.has(key)) this.shared.set(key, make())
    return this.shared.get(key)!
  }

  place(town: string): Place {
    return this.places.get(town)!
  }

  /** A small square in the town's fixture village, each on its own spot of a grid (EPSG:4490). */
  spot(town: string): { village: string; geometry: ReturnType<typeof square> } {
    const n = this.next()
    const { village, lon, lat } = this.place(town)
    return { village, geometry: square(lon + (n % 20) * 0.00012, lat + Math.floor(n / 20) * 0.00012, 0.0001) }
  }

  /** The properties and outline of a new parcel in the town. */
  feature(town: string, properties: Record<string, unknown> = {}) {
    const { village, geometry } = this.spot(town)
    const code = `T-PERM-${this.next()}`
    return {
      type: 'Feature',
      properties: { code, name: code, town, village, category: 'collective_construction', ...properties },
      geometry,
    }
  }

  private async expect(reply: { status: number; body: any }, status: number, what: string): Promise<any> {
    if (reply.status !== status) throw new Error(`fixture ${what}: ${reply.status} ${JSON.stringify(reply.body)}`)
    return reply.body
  }

  /** A new parcel, made by the admin; its properties as the API answers them. */
  async newParcel(town: string, properties: Record<string, unknown> = {}): Promise<any> {
    const body = await this.expect(await this.admin.post('/api/parcels', this.feature(town, properties)), 201, 'parcel')
    return body.properties
  }

  parcel(town: string): Promise<any> {
    return this.once(`parcel ${town}`, () => this.newParcel(town))
  }

  /** A parcel with two versions (the name changed), for the diff and the restore of version 1. */
  async twoVersions(town: string): Promise<any> {
    const parcel = await this.newParcel(town)
    const changed = await this.admin.patch(`/api/parcels/${parcel.id}`, { properties: { name: '改名' } }, ifMatch(parcel.version))
    return (await this.expect(changed, 200, 'parcel edit')).properties
  }

  async deletedParcel(town: string): Promise<any> {
    const parcel = await this.newParcel(town)
    await this.expect(await this.admin.delete(`/api/parcels/${parcel.id}`, ifMatch(parcel.version)), 204, 'parcel delete')
    return { ...parcel, version: parcel.version + 1 }
  }

  /** A step publicized → registered, proposed by the town's editor (so neither admin nor approver proposed it). */
  async proposedStep(town: string): Promise<{ step: any; parcel: any }> {
    const parcel = await this.newParcel(town, { status: 'publicized' })
    const proposed = await this.editors[town]!.post(`/api/parcels/${parcel.id}/transitions`, { to: 'registered', note: '异议成立，更正台账' })
    return { step: await this.expect(proposed, 201, 'workflow step'), parcel }
  }

  async contract(town: string, parcelId?: number): Promise<any> {
    const id = parcelId ?? (await this.parcel(town)).id
    const body = { contractor: '王某', start_on: '2020-01-01', annual_fee_yuan: 1000 }
    return this.expect(await this.admin.post(`/api/parcels/${id}/contracts`, body), 201, 'contract')
  }

  async payment(town: string): Promise<{ contract: any; payment: any }> {
    const contract = await this.contract(town)
    const paid = await this.admin.post(`/api/contracts/${contract.id}/payments`, { paid_on: '2021-01-05', amount_yuan: 500 })
    const body = await this.expect(paid, 201, 'payment')
    return { contract, payment: body.payments.at(-1) }
  }

  async objection(town: string): Promise<any> {
    const parcel = await this.parcel(town)
    const body = { channel: 'phone', content: '地块边界有误' }
    return this.expect(await this.admin.post(`/api/parcels/${parcel.id}/objections`, body), 201, 'objection')
  }

  async notice(town: string): Promise<any> {
    const body = { objections_to: '街道办事处 0532-0000000' }
    return this.expect(await this.admin.post(`/api/villages/${this.place(town).village}/notices`, body), 201, 'notice')
  }

  /** An area finding: a square of ~0.15 亩 declared as 10 亩, found by the re-check after saving. */
  async finding(town: string): Promise<any> {
    const parcel = await this.newParcel(town, { declared_area_mu: 10 })
    const { rows } = await this.app.db.query<{ id: number }>(
      `SELECT id FROM check_findings WHERE parcel_id = $1 AND code = 'area_mismatch' ORDER BY id DESC LIMIT 1`,
      [parcel.id],
    )
    if (!rows[0]) throw new Error(`fixture finding: no area finding on parcel ${parcel.id}`)
    return { id: rows[0].id, parcel }
  }

  async waiver(town: string): Promise<any> {
    const { id } = await this.finding(town)
    const body = { approval_number: '即自然资豁〔2025〕1号', approver: '区自然资源局', approved_on: '2025-05-20', reason: '历史遗留' }
    return this.expect(await this.admin.post(`/api/findings/${id}/waiver`, body), 201, 'waiver')
  }

  async attachment(town: string): Promise<any> {
    const parcel = await this.parcel(town)
    const reply = await this.admin.request('POST', `/api/parcels/${parcel.id}/attachments`, attachmentForm())
    return this.expect(reply, 201, 'attachment')
  }

  /** A run of the area check over a whole town, waited for. */
  async townRun(town: string): Promise<number> {
    const started = await this.expect(await this.admin.post('/api/checks', { town, kinds: ['area'] }), 201, 'check run')
    for (let i = 0; i < 600; i++) {
      const run = await this.admin.get(`/api/checks/${started.run_id}/summary`)
      if (run.body.status === 'done') return started.run_id
      if (run.body.status === 'failed') throw new Error(`fixture check run failed: ${JSON.stringify(run.body)}`)
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    throw new Error('fixture check run did not finish in 60 s')
  }

  /** An import of one new parcel by the town's editor (town roles see their own imports). */
  async townImport(town: string): Promise<number> {
    const file = JSON.stringify({ type: 'FeatureCollection', features: [this.feature(town)] })
    const reply = await this.editors[town]!.upload('parcels.geojson', file)
    return (await this.expect(reply, 201, 'import')).import_id
  }

  /** A token of the user the client is signed in as. */
  async token(client: Client): Promise<number> {
    return (await this.expect(await client.post('/api/tokens', { name: `perm-${this.next()}` }), 201, 'token')).id
  }

  async rule(): Promise<any> {
    const body = { ...RULE, intended_use: `perm-${this.next()}` }
    return this.expect(await this.admin.post('/api/checks/rules', body), 201, 'check rule')
  }

  /** A day of 2031 no other fixture took, as YYYY-MM-DD. */
  day(): string {
    return new Date(Date.UTC(2031, 0, 1) + this.next() * 86_400_000).toISOString().slice(0, 10)
  }

  /** A client of its own, signed in as the role's user (anonymous: not signed in). */
  async freshClient(role: Role): Promise<Client> {
    const client = this.app.anonymous()
    if (role !== 'anonymous') client.cookie = (await this.signInAs(role)).cookie
    return client
  }

  private async signInAs(role: Role): Promise<Client> {
    const client = this.app.anonymous()
    const { username, password } = credentials(role)
    await client.signIn(username, password)
    return client
  }
}

/** Copies the outline of 环秀街道 and of its smallest village into a test town with one village. */
async function makeTown(app: TestApp, town: (typeof TEST_TOWNS)[number]): Promise<Place> {
  await app.db.query(`INSERT INTO towns (code, name, kind, geom) SELECT $1, $2, 'street', geom FROM towns WHERE code = $3`, [town.code, town.name, HUANXIU])
  await app.db.query(
    `INSERT INTO villages (code, name, town, kind, geom)
     SELECT $1, $2, $3, kind, geom FROM villages v
     WHERE v.town = $4 ORDER BY (SELECT count(*) FROM parcels p WHERE p.village = v.code), v.code LIMIT 1`,
    [town.village, `${town.name}测试村`, town.code, HUANXIU],
  )
  const { rows } = await app.db.query<{ lon: number; lat: number }>(
    'SELECT ST_X(pt) AS lon, ST_Y(pt) AS lat FROM villages, LATERAL ST_PointOnSurface(geom) AS pt WHERE code = $1',
    [town.village],
  )
  return { village: town.village, lon: rows[0]!.lon, lat: rows[0]!.lat }
}

const TOWN_USERS = { town_editor: 'perm_editor_own', town_approver: 'perm_approver_own' } as const

const RULE = { kind: 'overlap', zone_class: 'sea_area', category: 'intensive_use', severity: 'info', basis_zh: '测试规则', basis_en: 'test rule' }

/** The username and password of the role's user; anonymous signs in as the viewer. */
export function credentials(role: Role): { username: string; password: string } {
  switch (role) {
    case 'admin':
    case 'analyst':
    case 'viewer':
      return TEST_USERS[role]
    case 'town_editor':
    case 'town_approver':
      return { username: TOWN_USERS[role], password: `${TOWN_USERS[role]}-password-1` }
    default:
      return TEST_USERS.viewer
  }
}

const inTown = (make: (c: CaseContext) => Promise<Call>): Given => ({ scoped: true, make })
const anywhere = (make: (c: CaseContext) => Promise<Call>): Given => ({ scoped: false, make })
const none = anywhere(async () => ({}))

/** The givens the permission table names, each a resource and a request on it. */
export const given = {
  nothing: none,

  // Sessions, tokens, users
  ownCredentials: anywhere(async ({ fx, role, client }) => {
    // a client of its own with the role's cookie: a new session must not replace the role's
    const own = fx.app.anonymous()
    own.cookie = client.cookie
    return { body: credentials(role), client: own }
  }),
  ownSession: anywhere(async ({ fx, role }) => ({ client: await fx.freshClient(role) })),
  newToken: anywhere(async ({ fx }) => ({ body: { name: `perm-${fx.next()}` } })),
  ownToken: anywhere(async ({ fx, role, client }) => ({
    params: { id: await fx.token(role === 'anonymous' ? fx.clients.viewer : client) },
  })),
  newUser: anywhere(async ({ fx }) => ({
    body: { username: `perm_user_${fx.next()}`, password: 'user-password-1', role: 'viewer' },
  })),

  // Places and planning layers
  townFilter: inTown(async ({ town }) => ({ query: `town=${town}` })),
  newLayer: anywhere(async ({ fx }) => ({ body: { name: `测试图层 ${fx.next()}`, kind: 'test' } })),
  seaLayer: anywhere(async () => ({ params: { id: 5 } })),

  // Parcels
  parcel: inTown(async ({ fx, town }) => ({ params: { id: (await fx.parcel(town)).id } })),
  /** an outline over the town's parcel, checked without saving */
  outline: inTown(async ({ fx, town }) => {
    const parcel = await fx.parcel(town)
    const { rows } = await fx.app.db.query<{ geometry: string }>('SELECT ST_AsGeoJSON(geom) AS geometry FROM parcels WHERE id = $1', [parcel.id])
    return { body: { geometry: JSON.parse(rows[0]!.geometry), category: 'collective_construction' } }
  }),
  newParcel: inTown(async ({ fx, town }) => ({ body: fx.feature(town) })),
  parcelEdit: inTown(async ({ fx, town }) => {
    const parcel = await fx.newParcel(town)
    return { params: { id: parcel.id }, body: { properties: { name: '新名称' } }, headers: ifMatch(parcel.version) }
  }),
  parcelDelete: inTown(async ({ fx, town }) => {
    const parcel = await fx.newParcel(town)
    return { params: { id: parcel.id }, headers: ifMatch(parcel.version) }
  }),
  deletedParcel: inTown(async ({ fx, town }) => {
    const parcel = await fx.deletedParcel(town)
    return { params: { id: parcel.id }, headers: ifMatch(parcel.version) }
  }),
  versionDiff: inTown(async ({ fx, town }) => {
    const parcel = await fx.once(`two versions ${town}`, () => fx.twoVersions(town))
    return { params: { id: parcel.id }, query: 'from=1&to=2' }
  }),
  versionRestore: inTown(async ({ fx, town }) => {
    const parcel = await fx.twoVersions(town)
    return { params: { id: parcel.id, version: 1 }, headers: ifMatch(parcel.version) }
  }),

  // Checks
  newRule: anywhere(async ({ fx }) => ({ body: { ...RULE, intended_use: `perm-${fx.next()}` } })),
  rule: anywhere(async ({ fx }) => ({ params: { id: (await fx.rule()).id }, body: { severity: 'warning' } })),
  settings: anywhere(async () => ({ body: { area_tolerance: 0.01 } })),
  checkParcel: inTown(async ({ fx, town }) => ({ body: { parcel_ids: [(await fx.parcel(town)).id], kinds: ['area'] } })),
  townRun: inTown(async ({ fx, town }) => ({ params: { run_id: await fx.once(`run ${town}`, () => fx.townRun(town)) } })),

  // Imports and exports
  importFile: inTown(async ({ fx, town }) => {
    const form = new FormData()
    form.append('file', new Blob([JSON.stringify({ type: 'FeatureCollection', features: [fx.feature(town)] })]), 'parcels.geojson')
    return { body: form }
  }),
  townImport: inTown(async ({ fx, town }) => ({ params: { id: await fx.once(`import ${town}`, () => fx.townImport(town)) } })),

  // Reports and notices
  village: inTown(async ({ fx, town }) => ({ params: { code: fx.place(town).village } })),
    town: inTown(async ({ town }) => ({ params: { code: town } })),
  newNotice: inTown(async ({ fx, town }) => ({
    params: { code: fx.place(town).village },
    body: { objections_to: '街道办事处 0532-0000000' },
  })),
  notice: inTown(async ({ fx, town }) => ({ params: { id: (await fx.once(`notice ${town}`, () => fx.notice(town))).id } })),
  noticeWithdrawal: inTown(async ({ fx, town }) => ({ params: { id: (await fx.notice(town)).id } })),
  publicNotice: anywhere(async ({ fx }) => {
    const notice = await fx.once(`notice ${OWN_TOWN}`, () => fx.notice(OWN_TOWN))
    return { params: { token: String(notice.public_url).split('/').pop()! } }
  }),
  newCalendarDay: anywhere(async ({ fx }) => ({ params: { day: fx.day() }, body: { kind: 'holiday', name: '测试假日' } })),
  calendarDay: anywhere(async ({ fx }) => {
    const day = fx.day()
    const set = await fx.admin.request('PUT', `/api/calendar/${day}`, { kind: 'holiday', name: '测试假日' })
    if (set.status !== 200) throw new Error(`fixture calendar day: ${JSON.stringify(set.body)}`)
    return { params: { day } }
  }),

  // The workflow
  publicizedParcel: inTown(async ({ fx, town }) => {
    const parcel = await fx.newParcel(town, { status: 'publicized' })
    return { params: { id: parcel.id }, body: { to: 'registered', note: '异议成立，更正台账' } }
  }),
  step: inTown(async ({ fx, town }) => ({ params: { id: (await fx.once(`step ${town}`, () => fx.proposedStep(town))).step.id } })),
  stepToConfirm: inTown(async ({ fx, town }) => {
    const { step, parcel } = await fx.proposedStep(town)
    return { params: { id: step.id }, body: {}, headers: ifMatch(parcel.version) }
  }),
  stepToReject: inTown(async ({ fx, town }) => ({ params: { id: (await fx.proposedStep(town)).step.id }, body: { note: '材料不全' } })),
  stepToWithdraw: inTown(async ({ fx, town }) => ({ params: { id: (await fx.proposedStep(town)).step.id }, body: {} })),
  newObjection: inTown(async ({ fx, town }) => ({
    params: { id: (await fx.parcel(town)).id },
    body: { channel: 'phone', content: '地块边界有误' },
  })),
  objectionToAnswer: inTown(async ({ fx, town }) => ({
    params: { id: (await fx.objection(town)).id },
    body: { answer: '经核实边界无误', answer_method: 'phone', outcome: 'dismissed' },
  })),

  // Contracts
  newContract: inTown(async ({ fx, town }) => ({
    params: { id: (await fx.parcel(town)).id },
    body: { contractor: '李某', start_on: '2021-01-01', annual_fee_yuan: 800 },
  })),
  contract: inTown(async ({ fx, town }) => ({ params: { id: (await fx.once(`contract ${town}`, () => fx.contract(town))).id } })),
  contractEdit: inTown(async ({ fx, town }) => {
    const contract = await fx.contract(town)
    return { params: { id: contract.id }, body: { annual_fee_yuan: 900 }, headers: ifMatch(contract.version) }
  }),
  contractDelete: inTown(async ({ fx, town }) => {
    const contract = await fx.contract(town)
    return { params: { id: contract.id }, headers: ifMatch(contract.version) }
  }),
  newPayment: inTown(async ({ fx, town }) => ({
    params: { id: (await fx.once(`contract ${town}`, () => fx.contract(town))).id },
    body: { paid_on: '2022-01-05', amount_yuan: 100 },
  })),
  payment: inTown(async ({ fx, town }) => {
    const { contract, payment } = await fx.payment(town)
    return { params: { id: contract.id, payment_id: payment.id } }
  }),

  // Waivers
  findingToWaive: inTown(async ({ fx, town }) => ({
    params: { id: (await fx.finding(town)).id },
    body: { approval_number: '即自然资豁〔2025〕2号', approver: '区自然资源局', approved_on: '2025-05-20', reason: '历史遗留' },
  })),
  waiverToRevoke: inTown(async ({ fx, town }) => ({ params: { id: (await fx.waiver(town)).id }, body: { reason: '已整改' } })),

  // Attachments
  newAttachment: inTown(async ({ fx, town }) => ({ params: { id: (await fx.parcel(town)).id }, body: attachmentForm() })),
  attachment: inTown(async ({ fx, town }) => ({ params: { id: (await fx.once(`attachment ${town}`, () => fx.attachment(town))).id } })),
  attachmentDelete: inTown(async ({ fx, town }) => ({ params: { id: (await fx.attachment(town)).id } })),

  // OGC API – Features and tiles
  parcelsCollection: anywhere(async () => ({ params: { collectionId: 'parcels' } })),
  parcelItem: inTown(async ({ fx, town }) => ({ params: { collectionId: 'parcels', featureId: (await fx.parcel(town)).id } })),
  newItem: inTown(async ({ fx, town }) => ({ params: { collectionId: 'parcels' }, body: fx.feature(town) })),
  itemReplace: inTown(async ({ fx, town }) => {
    const parcel = await fx.newParcel(town)
    const { type, properties, geometry } = fx.feature(town)
    return {
      params: { collectionId: 'parcels', featureId: parcel.id },
      body: { type, geometry, properties: { ...properties, code: parcel.code } },
      headers: ifMatch(parcel.version),
    }
  }),
  itemEdit: inTown(async ({ fx, town }) => {
    const parcel = await fx.newParcel(town)
    return { params: { collectionId: 'parcels', featureId: parcel.id }, body: { properties: { name: '新名称' } }, headers: ifMatch(parcel.version) }
  }),
  itemDelete: inTown(async ({ fx, town }) => {
    const parcel = await fx.newParcel(town)
    return { params: { collectionId: 'parcels', featureId: parcel.id }, headers: ifMatch(parcel.version) }
  }),
  parcelTiles: anywhere(async () => ({ params: { layer: 'parcels' } })),
  parcelTile: inTown(async ({ fx, town }) => {
    const { lon, lat } = fx.place(town)
    return { params: { layer: 'parcels', ...tileAt(lon, lat, 15) } }
  }),
} satisfies Record<string, Given>
