/**
 * What the map still has to draw. Each task begins with a token; only the
 * token of its latest beginning can finish it, so a stale load never marks
 * the map ready.
 */
export class Readiness {
  private readonly latest = new Map<string, number>()
  private readonly pending = new Set<string>()
  private tokens = 0

  constructor(private readonly onChange: (state: 'loading' | 'ready' | 'error') => void) {}

  begin(task: string): number {
    const token = ++this.tokens
    this.latest.set(task, token)
    this.pending.add(task)
    this.onChange('loading')
    return token
  }

  /** The token of the task's latest beginning. */
  current(task: string): number | undefined {
    return this.latest.get(task)
  }

  finish(task: string, token: number): void {
    if (this.latest.get(task) !== token) return
    this.pending.delete(task)
    if (this.pending.size === 0) this.onChange('ready')
  }

  fail(): void {
    this.onChange('error')
  }
}
