import type { ParcelFeature } from '../api/parcels.ts'
import { categoryColor, categoryName } from '../domain/categories.ts'
import { formatArea } from '../format/area.ts'
import { problemName, statusName } from '../format/names.ts'
import { onLanguageChange, t, type MessageKey } from '../i18n/index.ts'
import { h } from './dom.ts'

export interface ParcelPanel {
  show(parcel: ParcelFeature): void
  hide(): void
  dispose(): void
}

export interface ParcelPanelOptions {
  /** The name of a town or village code, or the code itself when unknown. */
  placeName(code: string): string
  onClose(): void
}

function row(label: MessageKey, ...value: (Node | string)[]): HTMLElement[] {
  return [h('dt', {}, t(label)), h('dd', { 'data-field': label }, ...value)]
}

function problemsText(problems: string[]): string {
  return problems.length > 0 ? problems.map(problemName).join('、') : t('parcel.none')
}

function details(parcel: ParcelFeature, placeName: (code: string) => string): HTMLElement {
  const p = parcel.properties
  const place = (code: string | null): string => (code ? placeName(code) : '—')
  const category = h(
    'span',
    {},
    h('span', { class: 'swatch fill', style: `background:${categoryColor(p.category)}` }),
    categoryName(p.category),
  )
  return h(
    'dl',
    {},
    ...row('parcel.code', p.code),
    ...row('parcel.name', p.name ?? '—'),
    ...row('parcel.category', category),
    ...row('parcel.subtype', p.subtype ?? '—'),
    ...row('parcel.status', statusName(p.status)),
    ...row('parcel.problems', problemsText(p.problems ?? [])),
    ...row('parcel.area', formatArea(p.area_mu, p.area_m2)),
    ...row('parcel.declaredArea', formatArea(p.declared_area_mu)),
    ...row('parcel.town', place(p.town)),
    ...row('parcel.village', place(p.village)),
  )
}

/** The facts of the clicked parcel, beside the map. */
export function mountParcelPanel(root: HTMLElement, options: ParcelPanelOptions): ParcelPanel {
  const panel = h('aside', { class: 'parcel-panel', 'aria-live': 'polite', hidden: true })
  root.append(panel)
  let shown: ParcelFeature | null = null

  const render = (): void => {
    if (!shown) return
    const close = h(
      'button',
      { type: 'button', class: 'close', 'aria-label': t('parcel.close') },
      '×',
    )
    close.addEventListener('click', options.onClose)
    const title = shown.properties.name || shown.properties.code
    panel.replaceChildren(
      h('div', { class: 'panel-head' }, h('h2', {}, title), close),
      details(shown, options.placeName),
    )
  }
  const unsubscribe = onLanguageChange(render)

  return {
    show(parcel) {
      shown = parcel
      render()
      panel.hidden = false
    },
    hide() {
      shown = null
      panel.hidden = true
    },
    dispose() {
      unsubscribe()
      panel.remove()
    },
  }
}
