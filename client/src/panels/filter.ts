import { CATEGORIES } from '../../../server/src/domain/categories.ts'
import { PROBLEMS, STATUSES } from '../../../server/src/domain/workflow.ts'
import { statisticsFor } from '../api/statistics.ts'
import { categoryName } from '../domain/categories.ts'
import { formatNumber } from '../format/area.ts'
import { problemName, statusName } from '../format/names.ts'
import { isEmptyFilter, type FilterKey, type ParcelFilter } from '../filters/filter.ts'
import { getLanguage, onLanguageChange, t, type MessageKey } from '../i18n/index.ts'
import type { Workspace, WorkspaceExtension } from '../workspace-api.ts'
import { h } from './dom.ts'

type Option = [value: string, label: string]

function select(
  key: FilterKey,
  label: MessageKey,
  options: Option[],
  value: string | undefined,
  onChange: (value: string) => void,
  locked = false,
): HTMLElement {
  const element = h('select', { name: key, 'data-filter': key })
  if (!locked) element.append(h('option', { value: '' }, t('filter.all')))
  for (const [optionValue, optionLabel] of options) element.append(h('option', { value: optionValue }, optionLabel))
  element.value = value ?? ''
  element.disabled = locked
  element.addEventListener('change', () => onChange(element.value))
  return h('label', { class: 'field' }, h('span', {}, t(label)), element)
}

/** The subtypes of the chosen category, or of all three, by their Chinese name as stored. */
function subtypeOptions(category: string | undefined): Option[] {
  const categories = CATEGORIES.filter((c) => !category || c.code === category)
  return categories.flatMap((c) =>
    c.subtypes.map((s): Option => [s.zh, getLanguage() === 'en' ? s.en : s.zh]),
  )
}

function form(ws: Workspace, filter: ParcelFilter): HTMLElement {
  const set = (patch: ParcelFilter) => ws.filter.set(patch)
  const townLocked = ws.user.town !== null
  const towns: Option[] = ws.places.towns
    .filter((town) => !townLocked || town.code === ws.user.town)
    .map((town) => [town.code, town.name])
  const villages: Option[] = ws.places.villagesOf(filter.town ?? ws.user.town ?? undefined).map((v) => [v.code, v.name])

  const search = h('input', {
    type: 'search',
    name: 'q',
    placeholder: t('filter.search'),
    'aria-label': t('filter.search'),
    maxlength: '100',
  })
  search.value = filter.q ?? ''
  const searchForm = h(
    'form',
    { class: 'search', role: 'search' },
    search,
    h('button', { type: 'submit' }, t('filter.searchButton')),
  )
  searchForm.addEventListener('submit', (event) => {
    event.preventDefault()
    set({ q: search.value })
  })

  return h(
    'div',
    { class: 'filter-form' },
    searchForm,
    select('town', 'filter.town', towns, filter.town ?? ws.user.town ?? undefined, (town) => {
      // a village of another town would match nothing
      const village = filter.village && ws.places.get(filter.village)?.town === town ? filter.village : ''
      set({ town, village })
      const box = town ? ws.places.get(town)?.bbox : ws.places.districtBbox()
      if (box) ws.map.fitBbox(box, { maxZoom: 14 })
    }, townLocked),
    select('village', 'filter.village', villages, filter.village, (village) => {
      set({ village })
      const box = village ? ws.places.get(village)?.bbox : null
      if (box) ws.map.fitBbox(box, { maxZoom: 15 })
    }),
    select(
      'category',
      'filter.category',
      CATEGORIES.map((c) => [c.code, categoryName(c.code)]),
      filter.category,
      (category) => {
        const keep = filter.subtype && subtypeOptions(category || undefined).some(([v]) => v === filter.subtype)
        set({ category, subtype: keep ? filter.subtype : '' })
      },
    ),
    select('subtype', 'filter.subtype', subtypeOptions(filter.category), filter.subtype, (subtype) => set({ subtype })),
    select('status', 'filter.status', STATUSES.map((s) => [s, statusName(s)]), filter.status, (status) => set({ status })),
    select('problem', 'filter.problem', PROBLEMS.map((p) => [p, problemName(p)]), filter.problem, (problem) =>
      set({ problem }),
    ),
  )
}

/**
 * The 筛选 tab: town, village, category, subtype, status, problem and a
 * search by code or name. The map, the table and the dashboard follow; the
 * count and area of the matching parcels show below.
 */
export const filterTab: WorkspaceExtension = (ws) => {
  let panel: HTMLElement | null = null
  const summary = h('p', { class: 'filter-summary', 'aria-live': 'polite' })
  const clear = h('button', { type: 'button', class: 'secondary clear-filter' })
  clear.addEventListener('click', () => ws.filter.replace({}))

  const countMatching = (): void => {
    const filter = ws.filter.get()
    summary.textContent = '…'
    ws.activity
      .track('activity.statistics', statisticsFor(filter))
      .then((stats) => {
        if (JSON.stringify(filter) !== JSON.stringify(ws.filter.get())) return
        summary.textContent = t('filter.matched', {
          count: stats.total.parcels.toLocaleString('en-US'),
          mu: formatNumber(stats.total.area_mu),
        })
      })
      .catch((error: unknown) => {
        summary.textContent = error instanceof Error ? error.message : String(error)
      })
  }
  const render = (): void => {
    if (!panel) return
    const filter = ws.filter.get()
    clear.textContent = t('filter.clear')
    clear.disabled = isEmptyFilter(filter)
    const focusedName = document.activeElement?.getAttribute('name')
    panel.replaceChildren(form(ws, filter), h('div', { class: 'filter-foot' }, summary, clear))
    if (focusedName) panel.querySelector<HTMLElement>(`[name="${focusedName}"]`)?.focus()
    countMatching()
  }
  const tab = ws.sidebar.addTab({
    id: 'filter',
    order: 20,
    label: () => t('tab.filter'),
    mount(element) {
      panel = element
      render()
      return onLanguageChange(render)
    },
  })
  const unsubscribe = ws.filter.onChange(() => {
    render()
    tab.setBadge(isEmptyFilter(ws.filter.get()) ? null : '●')
  })
  tab.setBadge(isEmptyFilter(ws.filter.get()) ? null : '●')
  return () => {
    unsubscribe()
    tab.remove()
  }
}
