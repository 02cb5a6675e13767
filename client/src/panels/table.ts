import { listParcels, type ParcelCollection, type ParcelFeature } from '../api/parcels.ts'
import { categoryColor, categoryName } from '../domain/categories.ts'
import { formatNumber } from '../format/area.ts'
import { problemName, statusName } from '../format/names.ts'
import { onLanguageChange, t, type MessageKey } from '../i18n/index.ts'
import type { Workspace, WorkspaceExtension } from '../workspace-api.ts'
import { h } from './dom.ts'

/** Rows a page shows: what fits a laptop screen without scrolling far. */
export const PAGE_SIZE = 50

const COLUMNS: MessageKey[] = ['table.code', 'table.name', 'table.category', 'table.status', 'table.area']

function row(parcel: ParcelFeature, selected: boolean, ws: Workspace): HTMLTableRowElement {
  const p = parcel.properties
  const problems = p.problems ?? []
  // the colour alone, as on the map; the name on hover and for screen readers
  const category = h(
    'td',
    { class: 'category', title: categoryName(p.category), 'data-category': p.category },
    h('span', { class: 'swatch fill', style: `background:${categoryColor(p.category)}` }),
    h('span', { class: 'visually-hidden' }, categoryName(p.category)),
  )
  const tr = h(
    'tr',
    {
      tabindex: '0',
      'data-parcel-id': String(p.id),
      'aria-selected': String(selected),
      class: problems.length > 0 ? 'has-problems' : '',
      title: problems.map(problemName).join('、'),
    },
    h('td', { class: 'code' }, p.code, problems.length > 0 ? h('span', { class: 'problem-mark', 'aria-label': t('table.problems') }, '⚠') : null),
    h('td', {}, p.name ?? '—'),
    category,
    h('td', {}, statusName(p.status)),
    h('td', { class: 'number' }, formatNumber(p.area_mu)),
  )
  const choose = () => void ws.selection.select(p.id, { fly: true })
  tr.addEventListener('click', choose)
  tr.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault()
      choose()
    }
  })
  return tr
}

/**
 * The 表格 tab: the parcels matching the filter, a page at a time, from GET
 * /api/parcels. A click or Enter on a row selects the parcel and shows it on
 * the map.
 */
export const tableTab: WorkspaceExtension = (ws) => {
  let panel: HTMLElement | null = null
  let offset = 0
  let page: ParcelCollection | null = null
  let failure: string | null = null
  let inFlight: AbortController | null = null

  const load = (): void => {
    inFlight?.abort()
    const controller = new AbortController()
    inFlight = controller
    panel?.setAttribute('aria-busy', 'true')
    const work = listParcels(ws.filter.get(), { limit: PAGE_SIZE, offset }, controller.signal)
    ws.activity
      .track('activity.table', work)
      .then((answer) => {
        page = answer
        failure = null
      })
      .catch((error: unknown) => {
        if (controller.signal.aborted) return
        failure = t('table.failed', { message: error instanceof Error ? error.message : String(error) })
      })
      .finally(() => {
        if (controller.signal.aborted) return
        panel?.removeAttribute('aria-busy')
        render()
      })
  }

  const render = (): void => {
    if (!panel) return
    const total = page?.numberMatched ?? 0
    const features = page?.features ?? []
    const previous = h('button', { type: 'button', class: 'secondary' }, t('table.previous'))
    const next = h('button', { type: 'button', class: 'secondary' }, t('table.next'))
    previous.disabled = offset === 0
    next.disabled = offset + PAGE_SIZE >= total
    previous.addEventListener('click', () => {
      offset = Math.max(0, offset - PAGE_SIZE)
      load()
    })
    next.addEventListener('click', () => {
      offset += PAGE_SIZE
      load()
    })
    const table = h(
      'table',
      { class: 'parcel-table' },
      h('caption', { class: 'visually-hidden' }, t('table.caption')),
      h('thead', {}, h('tr', {}, ...COLUMNS.map((key) => h('th', { scope: 'col' }, t(key))))),
      h('tbody', {}, ...features.map((f) => row(f, f.properties.id === ws.selection.id, ws))),
    )
    const range = total === 0 ? '' : t('table.page', {
      from: (offset + 1).toLocaleString('en-US'),
      to: Math.min(offset + PAGE_SIZE, total).toLocaleString('en-US'),
      total: total.toLocaleString('en-US'),
    })
    panel.replaceChildren(
      ...(failure ? [h('p', { class: 'error', role: 'alert' }, failure)] : []),
      features.length > 0 ? h('div', { class: 'table-scroll' }, table) : h('p', { class: 'muted' }, page ? t('table.empty') : '…'),
      h('div', { class: 'pager' }, previous, h('span', { class: 'range' }, range), next),
    )
  }

  const tab = ws.sidebar.addTab({
    id: 'table',
    order: 30,
    label: () => t('tab.table'),
    mount(element) {
      panel = element
      load()
      return onLanguageChange(render)
    },
  })
  const unsubscribe = [
    ws.filter.onChange(() => {
      offset = 0
      if (panel) load()
    }),
    ws.selection.onChange((parcel) => {
      for (const tr of panel?.querySelectorAll('tr[data-parcel-id]') ?? []) {
        tr.setAttribute('aria-selected', String(tr.getAttribute('data-parcel-id') === String(parcel?.properties.id)))
      }
      // the selected parcel was edited (a new version read back): its row shows the old one
      const listed = page?.features.find((f) => f.properties.id === parcel?.properties.id)
      if (panel && parcel && listed && listed.properties.version !== parcel.properties.version) load()
    }),
  ]
  return () => {
    inFlight?.abort()
    for (const undo of unsubscribe) undo()
    tab.remove()
  }
}
