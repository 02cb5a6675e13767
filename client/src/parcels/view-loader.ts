import type { Bbox, ParcelCollection } from '../api/parcels.ts'

/**
 * Fetches the parcels of a view. The one place that decides where parcels come
 * from; vector tiles will replace it.
 */
export type ParcelQuery = (bbox: Bbox, signal: AbortSignal) => Promise<ParcelCollection>

export interface ViewLoaderHandlers {
  onStart(): void
  onLoaded(collection: ParcelCollection): void
  onError(error: unknown): void
}

/**
 * Loads the parcels of the view after it has stopped moving for `delayMs`;
 * a newer view cancels the request of an older one, so answers never arrive
 * out of order.
 */
export class ViewLoader {
  private timer: ReturnType<typeof setTimeout> | undefined
  private inFlight: AbortController | undefined

  constructor(
    private readonly query: ParcelQuery,
    private readonly handlers: ViewLoaderHandlers,
    private readonly delayMs = 250,
  ) {}

  request(bbox: Bbox): void {
    // The view has moved: an answer for the old one is of no use any more.
    this.inFlight?.abort()
    clearTimeout(this.timer)
    this.timer = setTimeout(() => void this.load(bbox), this.delayMs)
  }

  dispose(): void {
    clearTimeout(this.timer)
    this.inFlight?.abort()
  }

  private async load(bbox: Bbox): Promise<void> {
    const controller = new AbortController()
    this.inFlight = controller
    this.handlers.onStart()

    try {
      const collection = await this.query(bbox, controller.signal)
      if (!controller.signal.aborted) this.handlers.onLoaded(collection)
    } catch (error) {
      if (!controller.signal.aborted) this.handlers.onError(error)
    }
  }
}
