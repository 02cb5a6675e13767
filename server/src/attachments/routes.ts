// Attachments of parcels: upload (multipart), list, download, soft delete.
import { Router, type Response } from 'express'
import { requireAction } from '../auth/middleware.ts'
import { AppError } from '../errors/app-error.ts'
import type { AppContext } from '../http/context.ts'
import { pathId } from '../http/params.ts'
import { readUpload } from '../http/upload.ts'
import { readParcel } from '../parcels/store.ts'
import { attachmentContent, deleteAttachment, parcelAttachments, readAttachment, attachmentJson, storeAttachment } from './store.ts'

/**
 * A download the browser takes for what it is (no sniffing), named in UTF-8
 * (RFC 6266). Images open sandboxed; a PDF is left to the browser's own
 * viewer, which a sandbox would block.
 */
function sendContent(res: Response, fileName: string, type: string, bytes: Buffer, sha256: string, inline: boolean): void {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_')
  res.status(200)
  res.setHeader('Content-Type', type)
  res.setHeader('Content-Length', String(bytes.length))
  res.setHeader('Content-Disposition', `${inline ? 'inline' : 'attachment'}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`)
  res.setHeader('X-Content-Type-Options', 'nosniff')
  if (type !== 'application/pdf') res.setHeader('Content-Security-Policy', "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'")
  res.setHeader('Cache-Control', 'private, no-cache')
  res.setHeader('ETag', `"${sha256}"`)
  res.end(bytes)
}

export function attachmentRoutes(ctx: AppContext): Router {
  const router = Router()
  const { db } = ctx
  const maxBytes = ctx.config.attachmentMaxBytes

  router.post('/api/parcels/:id/attachments', async (req, res) => {
    const user = requireAction(req, 'parcel.write')
    const parcelId = pathId(req, 'id', 'parcel')
    // the scope first, so a file for another town's parcel is not even read
    await readParcel(db, user, parcelId)
    const upload = await readUpload(req, {
      maxBytes,
      tooLarge: (file, size) => new AppError('attachment_too_large', { file, size, limit: maxBytes, limit_mb: (maxBytes / 1024 / 1024).toFixed(1) }),
    })
    const attachment = await storeAttachment(db, user, parcelId, upload)
    res.status(201).setHeader('Location', `/api/attachments/${attachment.id}`).json(attachment)
  })

  router.get('/api/parcels/:id/attachments', async (req, res) => {
    const user = requireAction(req, 'parcel.read')
    res.json(await parcelAttachments(db, user, pathId(req, 'id', 'parcel')))
  })

  router.get('/api/attachments/:id', async (req, res) => {
    const user = requireAction(req, 'parcel.read')
    res.json(attachmentJson(await readAttachment(db, user, pathId(req, 'id', 'attachment'))))
  })

  router.get('/api/attachments/:id/content', async (req, res) => {
    const user = requireAction(req, 'parcel.read')
    const { row, bytes } = await attachmentContent(db, user, pathId(req, 'id', 'attachment'))
    if (req.headers['if-none-match'] === `"${row.sha256}"`) {
      res.status(304).setHeader('ETag', `"${row.sha256}"`).end()
      return
    }
    sendContent(res, row.file_name, row.media_type, bytes, row.sha256, req.query.inline === '1')
  })

  router.delete('/api/attachments/:id', async (req, res) => {
    const user = requireAction(req, 'parcel.write')
    await deleteAttachment(db, user, pathId(req, 'id', 'attachment'))
    res.status(204).end()
  })

  return router
}
