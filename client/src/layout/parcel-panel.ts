import type { ParcelFeature } from '../api/parcels.ts'
import { onLanguageChange, t } from '../i18n/index.ts'
import { h } from '../panels/dom.ts'

/** A part of the parcel panel: the properties, 四至, findings, history, workflow… */
export interface ParcelSection {
  id: string
  /** The section's heading in the current language; null for a section without one. */
  title(): string | null
  /**
   * Fills `body` for the shown parcel; called again when another parcel is
   * shown, the parcel is reloaded or the language changes. What it returns is
   * called before the next render (abort a fetch, remove map overlays).
   */
  render(parcel: ParcelFeature, body: HTMLElement): (() => void) | void
  /** Lower comes first; the properties use 10. */
  order?: number
}

interface Entry {
  section: ParcelSection
  element: HTMLElement
  heading: HTMLElement
  body: HTMLElement
  cleanup: (() => void) | null
}

export interface ParcelPanelOptions {
  onClose(): void
}

/**
 * The right-hand panel of the selected parcel: a head with its name and a
 * close button, then the sections in order. Escape closes it.
 */
export class ParcelPanel {
  readonly element: HTMLElement
  private readonly title: HTMLElement
  private readonly closeButton: HTMLButtonElement
  private readonly sectionsElement: HTMLElement
  private readonly entries: Entry[] = []
  private shown: ParcelFeature | null = null
  private readonly unsubscribe: () => void

  constructor(private readonly options: ParcelPanelOptions) {
    this.title = h('h2', { id: 'parcel-panel-title', tabindex: '-1' })
    this.closeButton = h('button', { type: 'button', class: 'close' }, '×')
    this.closeButton.addEventListener('click', () => options.onClose())
    this.sectionsElement = h('div', { class: 'sections' })
    this.element = h(
      'aside',
      { class: 'parcel-panel', 'aria-labelledby': 'parcel-panel-title', hidden: true },
      h('div', { class: 'panel-head' }, this.title, this.closeButton),
      this.sectionsElement,
    )
    this.element.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') options.onClose()
    })
    this.unsubscribe = onLanguageChange(() => this.render())
  }

  get parcel(): ParcelFeature | null {
    return this.shown
  }

  addSection(section: ParcelSection): () => void {
    const heading = h('h3')
    const body = h('div', { class: 'section-body' })
    const element = h('section', { class: 'parcel-section', 'data-section': section.id }, heading, body)
    const entry: Entry = { section, element, heading, body, cleanup: null }
    const order = (e: Entry) => e.section.order ?? 100
    const index = this.entries.findIndex((e) => order(e) > order(entry))
    const at = index === -1 ? this.entries.length : index
    this.entries.splice(at, 0, entry)
    this.sectionsElement.insertBefore(element, this.sectionsElement.children[at] ?? null)
    if (this.shown) this.renderEntry(entry, this.shown)

    return () => {
      const i = this.entries.indexOf(entry)
      if (i === -1) return
      this.entries.splice(i, 1)
      entry.cleanup?.()
      element.remove()
    }
  }

  show(parcel: ParcelFeature): void {
    const first = this.element.hidden
    this.shown = parcel
    this.render()
    this.element.hidden = false
    if (first) this.title.focus({ preventScroll: true })
  }

  hide(): void {
    this.shown = null
    for (const entry of this.entries) {
      entry.cleanup?.()
      entry.cleanup = null
      entry.body.replaceChildren()
    }
    this.element.hidden = true
  }

  dispose(): void {
    this.hide()
    this.unsubscribe()
    this.element.remove()
  }

  private render(): void {
    this.closeButton.setAttribute('aria-label', t('parcel.close'))
    this.closeButton.title = t('parcel.close')
    const parcel = this.shown
    if (!parcel) return
    this.title.textContent = parcel.properties.name || parcel.properties.code
    for (const entry of this.entries) this.renderEntry(entry, parcel)
  }

  private renderEntry(entry: Entry, parcel: ParcelFeature): void {
    entry.cleanup?.()
    entry.body.replaceChildren()
    const title = entry.section.title()
    entry.heading.textContent = title ?? ''
    entry.heading.hidden = title === null
    entry.cleanup = entry.section.render(parcel, entry.body) ?? null
  }
}
