import { STATUSES } from '../../../server/src/domain/workflow.ts'
import { RIVER_COLOR } from '../../../server/src/domain/zone-classes.ts'
import { categoryList } from '../domain/categories.ts'
import { statusName } from '../format/names.ts'
import { zoneClassName } from '../format/zones.ts'
import { onLanguageChange, t, type MessageKey } from '../i18n/index.ts'
import type { LayerState, ReferenceKey } from '../layers/layer-state.ts'
import { drawHatch, drawProblem, drawStatus } from '../map/icons.ts'
import { zoneStyle } from '../map/planning.ts'
import { h } from './dom.ts'

function swatch(kind: string, style = ''): HTMLElement {
  return h('span', { class: `swatch ${kind}`, style, 'aria-hidden': 'true' })
}

/** A symbol the map draws, as the same picture. */
function picture(canvas: HTMLCanvasElement): HTMLElement {
  const image = h('img', { class: 'swatch icon', alt: '', src: canvas.toDataURL() })
  return image
}

function zoneSwatch(zoneClass: string): HTMLElement {
  const style = zoneStyle(zoneClass)
  const ground = style.hatch
    ? `background:url(${drawHatch(style.stroke, style.fill).toDataURL()}) 0 0 / 8px 8px`
    : `background:${style.fill ?? 'transparent'}`
  const border = `border:${style.dash ? '1.5px dashed' : '1.5px solid'} ${style.stroke}`
  return swatch('fill zone', `${ground};${border}`)
}

const REFERENCE_ROWS: [ReferenceKey, MessageKey, () => HTMLElement][] = [
  ['district', 'legend.district', () => swatch('line district')],
  ['towns', 'legend.town', () => swatch('line town')],
  ['villages', 'legend.village', () => swatch('line village')],
  ['roads', 'legend.roads', () => swatch('line road')],
  ['rivers', 'legend.rivers', () => swatch('line', `border-top:2px solid ${RIVER_COLOR}`)],
  ['sea', 'legend.sea', () => swatch('fill', 'background:#cfe3f3')],
]

function group(title: string, columns: 1 | 2, ...rows: HTMLElement[]): HTMLElement[] {
  return rows.length === 0 ? [] : [h('h3', {}, title), h('ul', { class: columns === 2 ? 'two-columns' : '' }, ...rows)]
}

/**
 * What each colour and mark on the map means: categories, the progress ring
 * of the status, problems, the reference layers shown and the zone classes of
 * the planning layers shown. It can be folded away.
 */
export function mountLegend(root: HTMLElement, layers: LayerState): () => void {
  const panel = h('aside', { class: 'legend', 'aria-labelledby': 'legend-title' })
  const toggle = h('button', { type: 'button', class: 'legend-toggle', 'aria-expanded': 'true' })
  const body = h('div', { class: 'legend-body', id: 'legend-body' })
  toggle.setAttribute('aria-controls', 'legend-body')
  // folded at first where it would cover much of a narrow map (a tablet)
  let open = root.clientWidth >= 700
  toggle.addEventListener('click', () => {
    open = !open
    render()
  })

  const render = (): void => {
    toggle.setAttribute('aria-expanded', String(open))
    toggle.textContent = open ? '–' : '+'
    toggle.title = t(open ? 'legend.collapse' : 'legend.expand')
    body.hidden = !open
    const categories = categoryList().map((category) =>
      h('li', { 'data-category': category.code }, swatch('fill', `background:${category.color}`), category.name),
    )
    const statuses = STATUSES.map((status) =>
      h('li', { 'data-status': status }, picture(drawStatus(status, 28)), statusName(status)),
    )
    const reference = REFERENCE_ROWS.filter(([key]) => layers.referenceVisible(key)).map(([, label, mark]) =>
      h('li', {}, mark(), t(label)),
    )
    const zoneClasses = [
      ...new Set(layers.layers.filter((l) => layers.setting(l).visible).flatMap((l) => l.classes)),
    ]
    const zones = zoneClasses.map((c) => h('li', { 'data-zone-class': c }, zoneSwatch(c), zoneClassName(c)))
    body.replaceChildren(
      ...group(t('legend.categories'), 1, ...categories),
      ...group(t('legend.status'), 2, ...statuses),
      h(
        'ul',
        { class: 'marks' },
        h('li', { class: 'legend-problems' }, swatch('fill problem'), picture(drawProblem(28)), t('legend.problemMark')),
        h('li', { class: 'note' }, swatch('dot'), t('legend.smallParcels')),
      ),
      ...group(t('legend.reference'), 2, ...reference),
      ...group(t('legend.planning'), 2, ...zones),
    )
  }
  panel.append(h('div', { class: 'legend-head' }, h('h2', { id: 'legend-title' }, t('legend.title')), toggle), body)
  const retitle = () => (panel.querySelector('h2')!.textContent = t('legend.title'))
  render()
  root.append(panel)

  const unsubscribe = [onLanguageChange(() => (retitle(), render())), layers.onChange(render)]
  return () => {
    for (const undo of unsubscribe) undo()
    panel.remove()
  }
}
