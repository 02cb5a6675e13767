// Writing an export to the response as it is produced: headers for a
// download, writes that wait when the client reads slowly (backpressure),
// and an end that tells a broken download from a finished one.
import type { Request, Response } from 'express'
import type { Writable } from 'node:stream'
import type { User } from '../auth/roles.ts'
import { log } from '../log.ts'

// Staff work in China Standard Time (UTC+8, no daylight saving): a file
// exported at 07:00 there is named for that day, not the day before in UTC.
const CHINA_OFFSET_MS = 8 * 3600 * 1000

/** YYYYMMDD in China Standard Time. */
export function chinaDate(now = new Date()): string {
  return new Date(now.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 10).replace(/-/g, '')
}

/** parcels[-<town or village code>]-YYYYMMDD.<ext>: ASCII, so every browser keeps it. */
export function exportFileName(req: Request, user: User, ext: string, now = new Date()): string {
  const place = [req.query.village, req.query.town, user.town].find(
    (v): v is string => typeof v === 'string' && /^\d{9,12}$/.test(v),
  )
  return `parcels-${place ? place + '-' : ''}${chinaDate(now)}.${ext}`
}

export function sendAttachment(res: Response, contentType: string, fileName: string): void {
  res.status(200)
  res.setHeader('Content-Type', contentType)
  res.setHeader('Content-Disposition', `attachment; filename="${fileName}"`)
  res.setHeader('Cache-Control', 'no-store')
}

/** Thrown when the client went away: the export stops and cleans up. */
export class ExportAborted extends Error {
  constructor() {
    super('the client closed the connection before the export was complete')
  }
}

/** Resolves when the stream wants more data, or has closed. */
export function drained(stream: Writable): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      stream.off('drain', done)
      stream.off('close', done)
      resolve()
    }
    stream.on('drain', done)
    stream.on('close', done)
  })
}

/** Writes to the response, waiting while the client's buffer is full. */
export class ResponseSink {
  private closed = false
  /** Resolves when the connection closes, at the end or when the client goes away. */
  private readonly gone: Promise<void>

  constructor(private readonly res: Response) {
    this.gone = new Promise((resolve) =>
      res.once('close', () => {
        this.closed = true
        resolve()
      }),
    )
  }

  get aborted(): boolean {
    return this.closed && !this.res.writableFinished
  }

  async write(chunk: string | Uint8Array): Promise<void> {
    if (this.aborted) throw new ExportAborted()
    if (this.res.write(chunk)) return
    await drained(this.res)
    if (this.aborted) throw new ExportAborted()
  }

  /** Waits until the response has room again, e.g. between pages of a stream written by a library. */
  async settle(): Promise<void> {
    if (this.aborted) throw new ExportAborted()
    if (this.res.writableNeedDrain) await drained(this.res)
    if (this.aborted) throw new ExportAborted()
  }

  /** Waits for `ready`, or until the client has gone (then throws). */
  async until(ready: Promise<unknown>): Promise<void> {
    await Promise.race([ready, this.gone])
    if (this.aborted) throw new ExportAborted()
  }
}

/** A text format: what comes before the rows, each page of rows, what comes after. */
export interface TextFormat<R> {
  contentType: string
  head: string
  page(rows: R[], first: boolean): string
  tail: string
}

export interface ExportSummary {
  format: string
  user: string
  rows: number
  started: number
}

/**
 * Streams the pages through the format. The first page is read before
 * the headers go out, so a failing query still gets a JSON error.
 */
export async function sendPages<R>(
  res: Response,
  pages: AsyncGenerator<R[]>,
  format: TextFormat<R>,
  fileName: string,
  summary: ExportSummary,
): Promise<void> {
  let next = await pages.next()
  sendAttachment(res, format.contentType, fileName)
  const sink = new ResponseSink(res)
  try {
    await sink.write(format.head)
    for (let first = true; !next.done; next = await pages.next(), first = false) {
      await sink.write(format.page(next.value, first))
      summary.rows += next.value.length
    }
    await sink.write(format.tail)
    res.end()
    logExport(summary)
  } catch (error) {
    abandon(res, error, summary)
  } finally {
    await pages.return(undefined)
  }
}

/**
 * Ends a download that cannot complete. The headers are out, so there is
 * no error body: the connection is cut without the final chunk, and the
 * client sees a failed download rather than a file that looks whole.
 */
export function abandon(res: Response, error: unknown, summary: ExportSummary): void {
  const fields = {
    format: summary.format,
    user: summary.user,
    rows: summary.rows,
    ms: Date.now() - summary.started,
  }
  if (error instanceof ExportAborted) log.info('export aborted by the client', fields)
  else
    log.error('export failed while streaming', {
      ...fields,
      error: (error as Error)?.message ?? String(error),
    })
  res.destroy()
}

export function logExport(summary: ExportSummary): void {
  log.info('export', {
    format: summary.format,
    user: summary.user,
    rows: summary.rows,
    ms: Date.now() - summary.started,
  })
}
