import { categoryList } from '../domain/categories.ts'
import { onLanguageChange, t } from '../i18n/index.ts'
import { h } from './dom.ts'

function swatch(kind: string, style: string): HTMLElement {
  return h('span', { class: `swatch ${kind}`, style, 'aria-hidden': 'true' })
}

/** The three land categories in their map colors, and the line symbols. */
export function mountLegend(root: HTMLElement): () => void {
  const panel = h('aside', { class: 'legend', 'aria-labelledby': 'legend-title' })
  const render = (): void => {
    const rows = categoryList().map((category) =>
      h(
        'li',
        { 'data-category': category.code },
        swatch('fill', `background:${category.color}`),
        category.name,
      ),
    )
    panel.replaceChildren(
      h('h2', { id: 'legend-title' }, t('legend.title')),
      h(
        'ul',
        {},
        ...rows,
        h('li', { class: 'problems' }, swatch('fill problem', ''), t('legend.problems')),
        h('li', {}, swatch('line town', ''), t('legend.town')),
        h('li', {}, swatch('line village', ''), t('legend.village')),
      ),
    )
  }
  render()
  root.append(panel)

  const unsubscribe = onLanguageChange(render)
  return () => {
    unsubscribe()
    panel.remove()
  }
}
