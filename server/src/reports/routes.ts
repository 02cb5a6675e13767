// Reports: the parcel dossier, village and town ledgers, the public notice
// with its public read-only page, the village ZIP of dossiers, statistics,
// and the working-day calendar the notice counts on.
import { Router, type Request } from 'express'
import { requireAction, requireUser } from '../auth/middleware.ts'
import { townScope, type User } from '../auth/roles.ts'
import type { Queryable } from '../db/db.ts'
import { AppError, quote } from '../errors/app-error.ts'
import { chinaDate, sendAttachment, type ExportSummary } from '../export/respond.ts'
import type { AppContext } from '../http/context.ts'
import { parcelFilters } from '../parcels/list.ts'
import { readParcel } from '../parcels/store.ts'
import { deleteCalendarDay, readCalendar, setCalendarDay } from './calendar.ts'
import { dossierBytes, sendDossierZip } from './dossier.ts'
import { FOUR_SIDES_REACH_M, fourSides, neighbourText, SIDES } from './four-sides.ts'
import { ledgerPdf, sendLedgerXlsx, type LedgerPlace } from './ledger.ts'
import { createNotice, noticeHtml, noticeJson, noticePdf, publicNoticeJson, readNotice, villageNotices, withdrawNotice, type Notice } from './notice.ts'
import { statistics } from './statistics.ts'
import { chinaToday, parseDate } from './working-days.ts'

/** A village ZIP is made one dossier at a time; this bounds one download (~2 s a dossier at worst). */
export const MAX_ZIP_DOSSIERS = 2000

function summary(format: string, user: User | null): ExportSummary {
  return { format, user: user?.username ?? 'public', rows: 0, started: Date.now() }
}

function parcelId(req: Request): number {
  const id = String(req.params.id)
  if (!/^\d{1,9}$/.test(id)) throw new AppError('invalid_parameter', { field: 'id', value: quote(id), reason: 'a parcel id' })
  return Number(id)
}

/** A village the user may read: 404 when unknown, 403 outside a town editor's town. */
export async function villageInScope(db: Queryable, user: User, code: string): Promise<LedgerPlace> {
  if (!/^\d{12}$/.test(code)) throw new AppError('invalid_parameter', { field: 'code', value: quote(code), reason: 'a 12-digit village code' })
  const { rows } = await db.query<{ code: string; name: string; town: string; town_name: string }>(
    'SELECT v.code, v.name, v.town, t.name AS town_name FROM villages v JOIN towns t ON t.code = v.town WHERE v.code = $1',
    [code],
  )
  const village = rows[0]
  if (!village) throw new AppError('not_found', { what: `village ${code}` })
  assertTown(user, village.town)
  return { level: 'village', code: village.code, name: village.name, town: village.town, townName: village.town_name }
}

async function townInScope(db: Queryable, user: User, code: string): Promise<LedgerPlace> {
  if (!/^\d{9}$/.test(code)) throw new AppError('invalid_parameter', { field: 'code', value: quote(code), reason: 'a 9-digit town code' })
  const { rows } = await db.query<{ code: string; name: string }>('SELECT code, name FROM towns WHERE code = $1', [code])
  const town = rows[0]
  if (!town) throw new AppError('not_found', { what: `town ${code}` })
  assertTown(user, town.code)
  return { level: 'town', code: town.code, name: town.name, town: town.code, townName: town.name }
}

function assertTown(user: User, town: string): void {
  const scope = townScope(user)
  if (scope !== null && scope !== town) throw new AppError('town_out_of_scope', { town, own_town: scope })
}

function dateField(value: unknown, field: string): string {
  if (typeof value !== 'string' || !parseDate(value)) {
    throw new AppError('invalid_report_request', { field, value: quote(value), reason: 'a date YYYY-MM-DD' })
  }
  return value
}

/** The address the QR code opens: JIYUAN_PUBLIC_URL when set (behind a proxy), else this request's host. */
function publicUrl(ctx: AppContext, req: Request, notice: Notice): string {
  const base = ctx.config.publicUrl?.replace(/\/+$/, '') || `${req.protocol}://${req.get('host')}`
  return `${base}/public/notices/${notice.token}`
}

async function noticeForStaff(ctx: AppContext, req: Request): Promise<Notice> {
  const user = requireAction(req, 'parcel.read')
  const id = String(req.params.id)
  const notice = /^\d{1,9}$/.test(id) ? await readNotice(ctx.db, { id: Number(id) }) : undefined
  if (!notice) throw new AppError('not_found', { what: `notice ${quote(id)}` })
  assertTown(user, notice.town)
  return notice
}

async function noticeForPublic(ctx: AppContext, req: Request): Promise<Notice> {
  const token = String(req.params.token)
  const notice = /^[A-Za-z0-9_-]{32}$/.test(token) ? await readNotice(ctx.db, { token }) : undefined
  if (!notice) throw new AppError('not_found', { what: 'notice' })
  return notice
}

export function reportRoutes(ctx: AppContext): Router {
  const router = Router()
  const { db } = ctx

  router.get('/api/parcels/:id/report.pdf', async (req, res) => {
    const user = requireAction(req, 'parcel.read')
    const parcel = await readParcel(db, user, parcelId(req))
    const started = Date.now()
    const bytes = await dossierBytes(db, parcel, chinaToday())
    sendAttachment(res, 'application/pdf', `dossier-${parcel.code}-${chinaDate()}.pdf`)
    res.setHeader('Server-Timing', `dossier;dur=${Date.now() - started}`)
    res.end(bytes)
  })

  // 四至 as the dossier and the ledger word it, with the facts behind each side.
  router.get('/api/parcels/:id/four-sides', async (req, res) => {
    const user = requireAction(req, 'parcel.read')
    const parcel = await readParcel(db, user, parcelId(req))
    const sides = (await fourSides(db, [parcel.id])).get(parcel.id)!
    res.json({
      parcel_id: parcel.id,
      reach_m: FOUR_SIDES_REACH_M,
      sides: Object.fromEntries(SIDES.map((side) => [side, { ...sides[side], text: neighbourText(sides[side]) }])),
    })
  })

  router.get('/api/villages/:code/dossiers.zip', async (req, res) => {
    const user = requireAction(req, 'parcel.read')
    const village = await villageInScope(db, user, String(req.params.code))
    const { rows } = await db.query<{ id: number; code: string }>(
      'SELECT id, code FROM parcels WHERE village = $1 AND deleted_at IS NULL ORDER BY code LIMIT $2',
      [village.code, MAX_ZIP_DOSSIERS + 1],
    )
    if (rows.length > MAX_ZIP_DOSSIERS) {
      throw new AppError('too_many_dossiers', { village: village.code, limit: MAX_ZIP_DOSSIERS })
    }
    await sendDossierZip(res, db, rows, `dossiers-${village.code}-${chinaDate()}.zip`, chinaToday(), summary('dossiers.zip', user))
  })

  for (const level of ['villages', 'towns'] as const) {
    const place = (req: Request, user: User) =>
      level === 'villages' ? villageInScope(db, user, String(req.params.code)) : townInScope(db, user, String(req.params.code))

    router.get(`/api/${level}/:code/ledger.xlsx`, async (req, res) => {
      const user = requireAction(req, 'parcel.read')
      const where = await place(req, user)
      await sendLedgerXlsx(res, db, where, `ledger-${where.code}-${chinaDate()}.xlsx`, summary('ledger.xlsx', user))
    })

    router.get(`/api/${level}/:code/ledger.pdf`, async (req, res) => {
      const user = requireAction(req, 'parcel.read')
      const where = await place(req, user)
      const { doc, fill } = await ledgerPdf(db, where, chinaToday(), summary('ledger.pdf', user))
      sendAttachment(res, 'application/pdf', `ledger-${where.code}-${chinaDate()}.pdf`)
      doc.pipe(res)
      await fill()
      doc.end()
    })
  }

  router.get('/api/statistics', async (req, res) => {
    const user = requireAction(req, 'parcel.read')
    const scope = townScope(user)
    const { town: townParam, village: villageParam, ...filter } = parcelFilters(req)
    let town = townParam ?? null
    const village = villageParam ?? null
    if (town !== null) await townInScope(db, user, town)
    if (village !== null) town = (await villageInScope(db, user, village)).town
    res.json(await statistics(db, town ?? scope, village, filter))
  })

  router.post('/api/villages/:code/notices', async (req, res) => {
    const user = requireAction(req, 'parcel.write')
    const village = await villageInScope(db, user, String(req.params.code))
    const body = (req.body ?? {}) as { posted_on?: unknown; objections_to?: unknown }
    const postedOn = body.posted_on === undefined ? chinaToday() : dateField(body.posted_on, 'posted_on')
    const objections = body.objections_to
    if (typeof objections !== 'string' || objections.trim().length < 2 || objections.length > 500) {
      throw new AppError('invalid_report_request', { field: 'objections_to', value: quote(objections), reason: 'where objections go: office, telephone or address, 2 to 500 characters' })
    }
    const notice = await createNotice(db, village, postedOn, objections.trim(), user.id)
    res.status(201).json(noticeJson(notice, publicUrl(ctx, req, notice)))
  })

  router.get('/api/villages/:code/notices', async (req, res) => {
    const user = requireAction(req, 'parcel.read')
    const village = await villageInScope(db, user, String(req.params.code))
    res.json(await villageNotices(db, village.code))
  })

  router.get('/api/notices/:id', async (req, res) => {
    const notice = await noticeForStaff(ctx, req)
    res.json(noticeJson(notice, publicUrl(ctx, req, notice)))
  })

  router.get('/api/notices/:id/notice.pdf', async (req, res) => {
    const notice = await noticeForStaff(ctx, req)
    const doc = noticePdf(notice, publicUrl(ctx, req, notice))
    sendAttachment(res, 'application/pdf', `notice-${notice.village}-${notice.posted_on}.pdf`)
    doc.pipe(res)
    doc.end()
  })

  // Taking a notice down (posted by mistake, or replaced): its public page answers 404 from then on.
  router.delete('/api/notices/:id', async (req, res) => {
    const user = requireAction(req, 'parcel.write')
    const notice = await noticeForStaff(ctx, req)
    assertTown(user, notice.town)
    await withdrawNotice(db, notice.id)
    res.status(204).end()
  })

  // The public page and its data: no sign-in, only what the notice shows.
  router.get('/api/public/notices/:token', async (req, res) => {
    res.setHeader('Cache-Control', 'no-cache')
    res.json(publicNoticeJson(await noticeForPublic(ctx, req)))
  })

  router.get('/public/notices/:token', async (req, res) => {
    const notice = await noticeForPublic(ctx, req)
    res.setHeader('Cache-Control', 'no-cache')
    res.setHeader('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; img-src data:")
    res.type('html').send(noticeHtml(notice))
  })

  router.get('/api/calendar', async (req, res) => {
    requireUser(req)
    const year = new Date().getUTCFullYear()
    const from = req.query.from === undefined ? `${year}-01-01` : dateField(req.query.from, 'from')
    const to = req.query.to === undefined ? `${year + 1}-12-31` : dateField(req.query.to, 'to')
    res.json(await readCalendar(db, from, to))
  })

  router.put('/api/calendar/:day', async (req, res) => {
    const user = requireAdmin(req)
    const day = dateField(req.params.day, 'day')
    const body = (req.body ?? {}) as { kind?: unknown; name?: unknown }
    if (body.kind !== 'holiday' && body.kind !== 'workday') {
      throw new AppError('invalid_report_request', { field: 'kind', value: quote(body.kind), reason: 'holiday or workday' })
    }
    const name = typeof body.name === 'string' ? body.name.slice(0, 100) : ''
    await setCalendarDay(db, { day, kind: body.kind, name }, user.id)
    res.json({ day, kind: body.kind, name })
  })

  router.delete('/api/calendar/:day', async (req, res) => {
    requireAdmin(req)
    const day = dateField(req.params.day, 'day')
    if (!(await deleteCalendarDay(db, day))) throw new AppError('not_found', { what: `calendar day ${day}` })
    res.status(204).end()
  })

  return router
}

/** The calendar is a district-wide setting: the district administrator's. */
function requireAdmin(req: Request): User {
  const user = requireUser(req)
  if (user.role !== 'admin') throw new AppError('forbidden', { role: user.role, action: 'calendar.manage' })
  return user
}
