import { onLanguageChange } from '../i18n/index.ts'
import { h } from '../panels/dom.ts'

/** A tab of the sidebar (图层, 筛选, 表格, 统计, and those other modules add). */
export interface SidebarTab {
  id: string
  /** The tab's name in the current language; asked again after a language change. */
  label(): string
  /**
   * Fills the tab's panel when it is first opened; returns what to undo when
   * the workspace closes.
   */
  mount(panel: HTMLElement): (() => void) | void
  /** Lower comes first; the built-in tabs use 10, 20, 30 and 40. */
  order?: number
}

export interface TabHandle {
  select(): void
  /** A short note beside the tab's name (a count, a running mark); null removes it. */
  setBadge(text: string | null): void
  remove(): void
}

interface Entry {
  tab: SidebarTab
  button: HTMLButtonElement
  badge: HTMLSpanElement
  panel: HTMLElement
  unmount: (() => void) | null
  mounted: boolean
}

/**
 * The tabs on the left of the map, in the ARIA tab pattern: arrow keys, Home
 * and End move between tabs, Enter or a click opens one.
 */
export class Sidebar {
  readonly element: HTMLElement
  private readonly tabList: HTMLElement
  private readonly panels: HTMLElement
  private readonly entries: Entry[] = []
  private selectedId: string | null = null
  private readonly listeners = new Set<(id: string) => void>()
  private readonly unsubscribe: () => void

  constructor(label: () => string) {
    this.tabList = h('div', { class: 'tabs', role: 'tablist' })
    this.panels = h('div', { class: 'tab-panels' })
    this.element = h('nav', { class: 'sidebar' }, this.tabList, this.panels)
    this.tabList.addEventListener('keydown', (event) => this.onKey(event))
    const relabel = (): void => {
      this.tabList.setAttribute('aria-label', label())
      for (const entry of this.entries) entry.button.firstChild!.textContent = entry.tab.label()
    }
    relabel()
    this.unsubscribe = onLanguageChange(relabel)
  }

  get selected(): string | null {
    return this.selectedId
  }

  addTab(tab: SidebarTab): TabHandle {
    const badge = h('span', { class: 'badge', hidden: true })
    const button = h(
      'button',
      {
        type: 'button',
        role: 'tab',
        id: `tab-${tab.id}`,
        'aria-controls': `panel-${tab.id}`,
        'aria-selected': 'false',
        tabindex: '-1',
        'data-tab': tab.id,
      },
      tab.label(),
      badge,
    )
    const panel = h('section', {
      class: 'tab-panel',
      role: 'tabpanel',
      id: `panel-${tab.id}`,
      'aria-labelledby': `tab-${tab.id}`,
      hidden: true,
    })
    const entry: Entry = { tab, button, badge, panel, unmount: null, mounted: false }
    button.addEventListener('click', () => this.select(tab.id))

    const order = (e: Entry) => e.tab.order ?? 100
    const index = this.entries.findIndex((e) => order(e) > order(entry))
    const at = index === -1 ? this.entries.length : index
    this.entries.splice(at, 0, entry)
    this.tabList.insertBefore(button, this.tabList.children[at] ?? null)
    this.panels.append(panel)
    if (this.selectedId === null) this.select(tab.id)
    else this.syncTabStops()

    return {
      select: () => this.select(tab.id),
      setBadge: (text) => {
        badge.hidden = text === null
        badge.textContent = text ?? ''
      },
      remove: () => this.removeEntry(entry),
    }
  }

  /** Opens a tab, mounting its content the first time. Unknown ids are ignored. */
  select(id: string): void {
    const entry = this.entries.find((e) => e.tab.id === id)
    if (!entry) return
    this.selectedId = id
    for (const e of this.entries) {
      const on = e === entry
      e.button.setAttribute('aria-selected', String(on))
      e.panel.hidden = !on
    }
    this.syncTabStops()
    this.element.dataset.tab = id
    if (!entry.mounted) {
      entry.mounted = true
      entry.unmount = entry.tab.mount(entry.panel) ?? null
    }
    for (const listener of this.listeners) listener(id)
  }

  onSelect(listener: (id: string) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  dispose(): void {
    this.unsubscribe()
    for (const entry of [...this.entries]) this.removeEntry(entry)
    this.element.remove()
  }

  private removeEntry(entry: Entry): void {
    const index = this.entries.indexOf(entry)
    if (index === -1) return
    this.entries.splice(index, 1)
    entry.unmount?.()
    entry.button.remove()
    entry.panel.remove()
    if (this.selectedId === entry.tab.id) {
      this.selectedId = null
      const first = this.entries[0]
      if (first) this.select(first.tab.id)
    }
  }

  /** Only the selected tab is in the page's tab order; arrows move within the list. */
  private syncTabStops(): void {
    for (const e of this.entries) {
      e.button.tabIndex = e.tab.id === this.selectedId ? 0 : -1
    }
  }

  private onKey(event: KeyboardEvent): void {
    const current = this.entries.findIndex((e) => e.button === document.activeElement)
    if (current === -1) return
    const last = this.entries.length - 1
    const moves: Record<string, number> = {
      ArrowRight: current === last ? 0 : current + 1,
      ArrowDown: current === last ? 0 : current + 1,
      ArrowLeft: current === 0 ? last : current - 1,
      ArrowUp: current === 0 ? last : current - 1,
      Home: 0,
      End: last,
    }
    const next = moves[event.key]
    if (next === undefined) return
    event.preventDefault()
    const entry = this.entries[next]!
    entry.button.focus()
    this.select(entry.tab.id)
  }
}
