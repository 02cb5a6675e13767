import type { ParcelFeature } from '../api/parcels.ts'
import { categoryColor, categoryName } from '../domain/categories.ts'
import { formatArea } from '../format/area.ts'
import { areaDifference, formatDifference } from '../format/area-difference.ts'
import { problemName, statusName } from '../format/names.ts'
import { t, type MessageKey } from '../i18n/index.ts'
import type { ParcelSection } from '../layout/parcel-panel.ts'
import type { Places } from '../places/places.ts'
import { h } from './dom.ts'

function row(label: MessageKey, ...value: (Node | string)[]): HTMLElement[] {
  return [h('dt', {}, t(label)), h('dd', { 'data-field': label }, ...value)]
}

function problemsText(problems: string[]): string {
  return problems.length > 0 ? problems.map(problemName).join('、') : t('parcel.none')
}

function difference(declaredMu: number | null, measuredM2: number): string {
  const d = areaDifference(declaredMu, measuredM2)
  return d ? formatDifference(d) : '—'
}

function details(parcel: ParcelFeature, places: Places): HTMLElement {
  const p = parcel.properties
  const category = h(
    'span',
    {},
    h('span', { class: 'swatch fill', style: `background:${categoryColor(p.category)}` }),
    categoryName(p.category),
  )
  const problems = h('span', { class: p.problems?.length ? 'has-problems' : '' }, problemsText(p.problems ?? []))
  const updated = p.updated_at ? new Date(p.updated_at).toLocaleString('zh-CN', { hour12: false }) : '—'
  return h(
    'dl',
    { class: 'facts' },
    ...row('parcel.code', p.code),
    ...row('parcel.name', p.name ?? '—'),
    ...row('parcel.category', category),
    ...row('parcel.subtype', p.subtype ?? '—'),
    ...row('parcel.status', statusName(p.status)),
    ...row('parcel.problems', problems),
    ...row('parcel.area', formatArea(p.area_mu, p.area_m2)),
    ...row('parcel.declaredArea', formatArea(p.declared_area_mu)),
    ...row('parcel.areaDifference', difference(p.declared_area_mu, p.area_m2)),
    ...row('parcel.ownership', p.ownership ?? '—'),
    ...row('parcel.location', p.location ?? '—'),
    ...row('parcel.town', places.name(p.town)),
    ...row('parcel.village', places.name(p.village)),
    ...row('parcel.updated', `${updated}${p.updated_by ? ` · ${p.updated_by}` : ''}`),
    ...row('parcel.version', String(p.version)),
  )
}

/** The parcel's own facts: the first section of the parcel panel. */
export function propertiesSection(places: Places): ParcelSection {
  return {
    id: 'properties',
    order: 10,
    title: () => null,
    render(parcel, body) {
      body.append(details(parcel, places))
    },
  }
}
