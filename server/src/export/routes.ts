// GET /api/exports/parcels.{geojson,zip,xlsx,csv}: the parcels that
// GET /api/parcels would list with the same filters and the same town
// scope, all of them (limit and offset do not apply), streamed. Only live
// parcels: a deleted one in a file would come back to life on re-import.
import { Router, type Request } from 'express'
import { requireAction } from '../auth/middleware.ts'
import type { User } from '../auth/roles.ts'
import { AppError } from '../errors/app-error.ts'
import type { AppContext } from '../http/context.ts'
import { parcelQuery } from '../parcels/list.ts'
import type { ParcelRow } from '../parcels/feature.ts'
import { CSV_FORMAT, CSV_SELECT } from './csv.ts'
import type { DbfEncoding } from './dbf.ts'
import { GEOJSON_FORMAT, GEOJSON_FROM, GEOJSON_SELECT } from './geojson.ts'
import type { ExportSrid } from './readme.ts'
import { exportFileName, sendPages, type ExportSummary } from './respond.ts'
import { readPages, type ExportRow } from './rows.ts'
import { sendShapefile } from './shapefile-stream.ts'
import { sendXlsx } from './xlsx.ts'

function summary(format: string, user: User): ExportSummary {
  return { format, user: user.username, rows: 0, started: Date.now() }
}

/** The filters of GET /api/parcels, refusing include_deleted. */
function exportQuery(req: Request, user: User) {
  if (req.query.include_deleted !== undefined) {
    throw new AppError('invalid_parameter', {
      field: 'include_deleted',
      value: String(req.query.include_deleted),
      reason: 'exports hold live parcels only',
    })
  }
  return parcelQuery(req, user)
}

/** ?srid=4490 (default, degrees) or 4549 (Gauss-Krüger CM 120°E, metres). */
function exportSrid(req: Request): ExportSrid {
  const value = req.query.srid ?? '4490'
  if (value === '4490' || value === '4549') return Number(value) as ExportSrid
  throw new AppError('invalid_parameter', {
    field: 'srid',
    value: String(value),
    reason: '4490 or 4549',
  })
}

/** ?encoding=gbk (default, what Chinese desktop GIS expects) or utf-8. */
function dbfEncoding(req: Request): DbfEncoding {
  const value = String(req.query.encoding ?? 'gbk')
  if (/^(gbk|cp936|936)$/i.test(value)) return 'GBK'
  if (/^utf-?8$/i.test(value)) return 'UTF-8'
  throw new AppError('invalid_parameter', { field: 'encoding', value, reason: 'gbk or utf-8' })
}

/** The query string as given, for README.txt. */
function filtersText(req: Request): string {
  return new URLSearchParams(req.url.split('?')[1] ?? '').toString()
}

export function exportRoutes(ctx: AppContext): Router {
  const router = Router()
  const { db } = ctx

  router.get('/api/exports/parcels.geojson', async (req, res) => {
    const user = requireAction(req, 'parcel.read')
    const { where } = exportQuery(req, user)
    const pages = readPages<ParcelRow>(db, where, GEOJSON_SELECT, GEOJSON_FROM)
    await sendPages(
      res,
      pages,
      GEOJSON_FORMAT,
      exportFileName(req, user, 'geojson'),
      summary('geojson', user),
    )
  })

  router.get('/api/exports/parcels.csv', async (req, res) => {
    const user = requireAction(req, 'parcel.read')
    const { where } = exportQuery(req, user)
    const pages = readPages<ExportRow<string>>(db, where, CSV_SELECT)
    await sendPages(res, pages, CSV_FORMAT, exportFileName(req, user, 'csv'), summary('csv', user))
  })

  router.get('/api/exports/parcels.xlsx', async (req, res) => {
    const user = requireAction(req, 'parcel.read')
    const { where } = exportQuery(req, user)
    await sendXlsx(res, db, where, exportFileName(req, user, 'xlsx'), summary('xlsx', user))
  })

  router.get('/api/exports/parcels.zip', async (req, res) => {
    const user = requireAction(req, 'parcel.read')
    const { where } = exportQuery(req, user)
    const options = {
      srid: exportSrid(req),
      encoding: dbfEncoding(req),
      baseName: exportFileName(req, user, 'zip').replace(/\.zip$/, ''),
      filters: filtersText(req),
      exportedAt: new Date(),
    }
    await sendShapefile(res, db, where, options, summary('shapefile', user))
  })

  return router
}
