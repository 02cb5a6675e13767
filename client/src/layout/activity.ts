import { onLanguageChange, t, type MessageKey } from '../i18n/index.ts'
import { h } from '../panels/dom.ts'

export interface Task {
  /** 0–1 when the share done is known; the bar runs indeterminately otherwise. */
  progress(fraction: number): void
  done(): void
}

/**
 * The sign of life over the map: a thin bar at its top edge and a line of
 * text naming what is under way (tiles, statistics, a check run). Several
 * tasks may run at once; the bar shows while any does.
 */
export class Activity {
  readonly element: HTMLElement
  private readonly bar: HTMLElement
  private readonly text: HTMLElement
  private readonly tasks = new Map<number, { key: MessageKey; fraction: number | null }>()
  private next = 0
  private readonly unsubscribe: () => void

  constructor() {
    this.bar = h('div', { class: 'activity-bar' })
    this.text = h('span', { class: 'activity-text' })
    this.element = h(
      'div',
      { class: 'activity', role: 'status', 'aria-live': 'polite', hidden: true },
      h('div', { class: 'activity-track' }, this.bar),
      this.text,
    )
    this.unsubscribe = onLanguageChange(() => this.render())
  }

  /** Starts a task named by a message key (e.g. 'activity.tiles'). */
  start(key: MessageKey): Task {
    const id = this.next++
    this.tasks.set(id, { key, fraction: null })
    this.render()
    return {
      progress: (fraction) => {
        const task = this.tasks.get(id)
        if (!task) return
        task.fraction = Math.max(0, Math.min(1, fraction))
        this.render()
      },
      done: () => {
        this.tasks.delete(id)
        this.render()
      },
    }
  }

  /** Runs `work` as a task and ends it however it ends. */
  async track<T>(key: MessageKey, work: Promise<T>): Promise<T> {
    const task = this.start(key)
    try {
      return await work
    } finally {
      task.done()
    }
  }

  get busy(): boolean {
    return this.tasks.size > 0
  }

  dispose(): void {
    this.unsubscribe()
    this.element.remove()
  }

  private render(): void {
    const tasks = [...this.tasks.values()]
    this.element.hidden = tasks.length === 0
    this.text.textContent = [...new Set(tasks.map((task) => t(task.key)))].join(' · ')
    const known = tasks.length === 1 ? tasks[0]!.fraction : null
    this.bar.classList.toggle('indeterminate', known === null)
    this.bar.style.width = known === null ? '' : `${Math.round(known * 100)}%`
  }
}
