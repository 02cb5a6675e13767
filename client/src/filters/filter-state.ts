import { cleanFilter, patchFilter, sameFilter, type ParcelFilter } from './filter.ts'

/** The one filter of the workspace, which the map, the table, the dashboard and the exports follow. */
export class FilterState {
  private current: ParcelFilter
  private readonly listeners = new Set<(filter: ParcelFilter) => void>()

  constructor(initial: ParcelFilter = {}) {
    this.current = cleanFilter(initial)
  }

  get(): ParcelFilter {
    return { ...this.current }
  }

  /** Changes some keys; undefined or '' removes one. Listeners hear only real changes. */
  set(patch: ParcelFilter): void {
    this.replace(patchFilter(this.current, patch))
  }

  replace(filter: ParcelFilter): void {
    const next = cleanFilter(filter)
    if (sameFilter(next, this.current)) return
    this.current = next
    for (const listener of this.listeners) listener(this.get())
  }

  onChange(listener: (filter: ParcelFilter) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }
}
