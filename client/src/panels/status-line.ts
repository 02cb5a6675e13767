import { onLanguageChange, t, type MessageKey } from '../i18n/index.ts'
import { h } from './dom.ts'

type Params = Record<string, string | number>

export interface StatusLine {
  show(key: MessageKey, params?: Params, isError?: boolean): void
  clear(): void
  dispose(): void
}

/** One line over the map: loading, how many parcels are shown, or what failed. */
export function mountStatusLine(root: HTMLElement): StatusLine {
  const line = h('div', { class: 'map-status', role: 'status', hidden: true })
  root.append(line)
  let last: { key: MessageKey; params: Params; isError: boolean } | null = null

  const render = (): void => {
    line.hidden = !last
    line.textContent = last ? t(last.key, last.params) : ''
    line.classList.toggle('error', last?.isError ?? false)
  }
  const unsubscribe = onLanguageChange(render)

  return {
    show(key, params = {}, isError = false) {
      last = { key, params, isError }
      render()
    },
    clear() {
      last = null
      render()
    },
    dispose() {
      unsubscribe()
      line.remove()
    },
  }
}
