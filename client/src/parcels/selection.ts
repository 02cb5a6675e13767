import { getParcel, type ParcelFeature } from '../api/parcels.ts'

export interface SelectOptions {
  /** Show the parcel on the map (from the table, a search, a finding). */
  fly?: boolean
}

type Listener = (parcel: ParcelFeature | null, options: SelectOptions) => void

/**
 * The selected parcel, read whole from GET /api/parcels/:id (the tiles carry
 * only what the map draws). A newer selection cancels the read of an older one.
 */
export class Selection {
  private parcel: ParcelFeature | null = null
  private inFlight: AbortController | null = null
  private readonly listeners = new Set<Listener>()
  private readonly errorListeners = new Set<(error: unknown) => void>()

  get current(): ParcelFeature | null {
    return this.parcel
  }

  get id(): number | null {
    return this.parcel?.properties.id ?? null
  }

  async select(id: number | null, options: SelectOptions = {}): Promise<void> {
    this.inFlight?.abort()
    this.inFlight = null
    if (id === null) {
      this.set(null, options)
      return
    }
    const controller = new AbortController()
    this.inFlight = controller
    try {
      const parcel = await getParcel(id, controller.signal)
      if (!controller.signal.aborted) this.set(parcel, options)
    } catch (error) {
      if (controller.signal.aborted) return
      this.set(null, {})
      for (const listener of this.errorListeners) listener(error)
    }
  }

  /** Reads the selected parcel again, after an edit. */
  async reload(): Promise<void> {
    if (this.parcel) await this.select(this.parcel.properties.id)
  }

  onChange(listener: Listener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  onError(listener: (error: unknown) => void): () => void {
    this.errorListeners.add(listener)
    return () => this.errorListeners.delete(listener)
  }

  private set(parcel: ParcelFeature | null, options: SelectOptions): void {
    this.parcel = parcel
    for (const listener of this.listeners) listener(parcel, options)
  }
}
