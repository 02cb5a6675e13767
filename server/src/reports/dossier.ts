// A dossier from a parcel id to PDF bytes, and the village ZIP of them.
import type { Response } from 'express'
import type { Queryable } from '../db/db.ts'
import { abandon, ExportAborted, logExport, ResponseSink, sendAttachment, type ExportSummary } from '../export/respond.ts'
import { zipMembers, type Member } from '../export/shapefile-stream.ts'
import type { ParcelRow } from '../parcels/feature.ts'
import { selectParcel } from '../parcels/store.ts'
import { readDossier } from './dossier-data.ts'
import { dossierPdf, DOSSIER_MAP_FRAME } from './dossier-pdf.ts'
import { pdfBytes } from './pdf.ts'

export async function dossierBytes(db: Queryable, parcel: ParcelRow, today: string): Promise<Buffer> {
  const data = await readDossier(db, parcel, DOSSIER_MAP_FRAME)
  return pdfBytes(dossierPdf(data, today))
}

/**
 * Streams a ZIP of the dossiers of the given parcels: each PDF is made when
 * the zip reaches it and written out before the next is started, so memory
 * holds one dossier at a time. PDFs are compressed already: stored as they are.
 */
export async function sendDossierZip(
  res: Response,
  db: Queryable,
  parcels: readonly { id: number; code: string }[],
  fileName: string,
  today: string,
  summary: ExportSummary,
): Promise<void> {
  sendAttachment(res, 'application/zip', fileName)
  const sink = new ResponseSink(res)
  const members: Member[] = parcels.map(({ id, code }) => ({
    name: `${code}.pdf`,
    stored: true,
    read: async function* () {
      if (sink.aborted) throw new ExportAborted()
      // read at its turn, so the dossier shows the parcel as it is when written
      const parcel = await selectParcel(db, id)
      if (!parcel) return
      yield await dossierBytes(db, parcel, today)
      summary.rows++
    },
  }))
  try {
    await zipMembers(members, (chunk) => sink.write(chunk), new Date())
    res.end()
    logExport(summary)
  } catch (error) {
    abandon(res, error, summary)
  }
}
