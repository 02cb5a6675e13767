import { STATUSES } from '../../../server/src/domain/workflow.ts'
import { statisticsFor, type Statistics, type Tally } from '../api/statistics.ts'
import { categoryColor, categoryName } from '../domain/categories.ts'
import { formatNumber } from '../format/area.ts'
import { barShares } from '../format/bars.ts'
import { problemName, statusName } from '../format/names.ts'
import type { FilterKey, ParcelFilter } from '../filters/filter.ts'
import { onLanguageChange, t, type MessageKey } from '../i18n/index.ts'
import type { Workspace, WorkspaceExtension } from '../workspace-api.ts'
import { h } from './dom.ts'

type Measure = 'parcels' | 'area_mu'

interface Chart {
  title: MessageKey
  rows(stats: Statistics): Tally[]
  /** The filter a bar sets; none for bars that cannot be filtered on ("no problem"). */
  key: FilterKey
  name(tally: Tally, ws: Workspace): string
  color(tally: Tally): string
}

// Status bars darken as parcels move on through the work.
const STATUS_SHADES = ['#9fb3c8', '#7593b3', '#4f759c', '#2f5a85', '#1f3a5f']

const CHARTS: Chart[] = [
  {
    title: 'dashboard.byCategory',
    rows: (s) => s.by_category,
    key: 'category',
    name: (tally) => categoryName(tally.code),
    color: (tally) => categoryColor(tally.code),
  },
  {
    title: 'dashboard.byStatus',
    rows: (s) => s.by_status,
    key: 'status',
    name: (tally) => statusName(tally.code),
    color: (tally) => STATUS_SHADES[(STATUSES as readonly string[]).indexOf(tally.code)] ?? '#9e9e9e',
  },
  {
    title: 'dashboard.byProblem',
    rows: (s) => s.by_problem,
    key: 'problem',
    name: (tally) => (tally.code === 'none' ? t('filter.none') : problemName(tally.code)),
    color: (tally) => (tally.code === 'none' ? '#b8c2cc' : '#d7191c'),
  },
  {
    title: 'dashboard.byTown',
    rows: (s) => s.by_town,
    key: 'town',
    name: (tally, ws) => ws.places.name(tally.code),
    color: () => '#4a6f99',
  },
]

function valueText(tally: Tally, measure: Measure): string {
  return measure === 'parcels' ? tally.parcels.toLocaleString('en-US') : formatNumber(tally.area_mu)
}

function chart(spec: Chart, stats: Statistics, measure: Measure, filter: ParcelFilter, ws: Workspace): HTMLElement {
  const rows = spec.rows(stats)
  const { shares } = barShares(rows.map((r) => r[measure]))
  const bars = rows.map((tally, i) => {
    const name = spec.name(tally, ws)
    const active = filter[spec.key] === tally.code
    const clickable = tally.code !== 'none'
    const label = t('dashboard.barLabel', {
      name,
      count: tally.parcels.toLocaleString('en-US'),
      mu: formatNumber(tally.area_mu),
    })
    const bar = h(
      clickable ? 'button' : 'div',
      {
        class: `bar-row${active ? ' active' : ''}`,
        'data-key': spec.key,
        'data-code': tally.code,
        title: label,
        'aria-label': label,
        ...(clickable ? { type: 'button', 'aria-pressed': String(active) } : {}),
      },
      h('span', { class: 'bar-label' }, name),
      h(
        'span',
        { class: 'bar-track' },
        h('span', { class: 'bar-fill', style: `width:${(shares[i]! * 100).toFixed(1)}%;background:${spec.color(tally)}` }),
      ),
      h('span', { class: 'bar-value' }, valueText(tally, measure)),
    )
    if (clickable) {
      bar.addEventListener('click', () => {
        ws.filter.set({ [spec.key]: active ? '' : tally.code })
        if (spec.key === 'town' && !active) {
          const box = ws.places.get(tally.code)?.bbox
          if (box) ws.map.fitBbox(box, { maxZoom: 14 })
        }
      })
    }
    return bar
  })
  return h('section', { class: 'chart', 'data-chart': spec.key }, h('h3', {}, t(spec.title)), ...bars)
}

/**
 * The 统计 tab: counts and 亩 of the parcels matching the filter, by
 * category, status, problem and town, from GET /api/statistics. A bar sets
 * (or, clicked again, clears) that filter, which the map follows.
 */
export const dashboardTab: WorkspaceExtension = (ws) => {
  let panel: HTMLElement | null = null
  let measure: Measure = 'parcels'
  let stats: Statistics | null = null
  let failure: string | null = null
  let asked = ''

  const load = (): void => {
    const filter = ws.filter.get()
    const key = JSON.stringify(filter)
    asked = key
    panel?.setAttribute('aria-busy', 'true')
    ws.activity
      .track('activity.statistics', statisticsFor(filter))
      .then((answer) => {
        if (asked !== key) return
        stats = answer
        failure = null
        render()
      })
      .catch((error: unknown) => {
        if (asked !== key) return
        failure = t('dashboard.failed', { message: error instanceof Error ? error.message : String(error) })
        render()
      })
  }

  const render = (): void => {
    if (!panel) return
    panel.removeAttribute('aria-busy')
    const switcher = h('div', { class: 'segmented', role: 'group', 'aria-label': t('dashboard.measure') })
    for (const [value, key] of [['parcels', 'dashboard.count'], ['area_mu', 'dashboard.area']] as const) {
      const button = h('button', { type: 'button', 'aria-pressed': String(measure === value) }, t(key))
      button.addEventListener('click', () => {
        measure = value
        render()
      })
      switcher.append(button)
    }
    const filter = ws.filter.get()
    const total = stats
      ? t('dashboard.total', {
          count: stats.total.parcels.toLocaleString('en-US'),
          mu: formatNumber(stats.total.area_mu),
          m2: formatNumber(stats.total.area_m2),
        })
      : '…'
    panel.replaceChildren(
      h('div', { class: 'dashboard-head' }, h('p', { class: 'total' }, total), switcher),
      h('p', { class: 'note' }, t('dashboard.clickHint')),
      ...(failure ? [h('p', { class: 'error', role: 'alert' }, failure)] : []),
      ...(stats ? CHARTS.map((spec) => chart(spec, stats!, measure, filter, ws)) : []),
    )
  }

  const tab = ws.sidebar.addTab({
    id: 'dashboard',
    order: 40,
    label: () => t('tab.dashboard'),
    mount(element) {
      panel = element
      render()
      load()
      return onLanguageChange(render)
    },
  })
  const unsubscribe = ws.filter.onChange(() => {
    if (panel) load()
  })
  return () => {
    unsubscribe()
    tab.remove()
  }
}
