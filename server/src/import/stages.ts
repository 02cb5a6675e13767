// Wall-clock time per stage of an import (unzip, parse, reprojection,
// staging, validity, upsert, commit …), for the import's log line and the
// import benchmark. The stages of one import share a store carried by
// AsyncLocalStorage, so the readers and the SQL steps need no extra argument;
// outside an import, `stage` simply runs its work.
import { AsyncLocalStorage } from 'node:async_hooks'

/** Milliseconds per stage, in the order the stages first ran. */
export type StageTimes = Map<string, number>

const current = new AsyncLocalStorage<StageTimes>()

/** Runs `work` with `times` collecting the stages it goes through. */
export function timeStages<T>(times: StageTimes, work: () => Promise<T>): Promise<T> {
  return current.run(times, work)
}

/** Runs `work` as the named stage; its time adds to any earlier run of the same stage. */
export function stage<T>(name: string, work: () => T): T {
  const times = current.getStore()
  if (!times) return work()
  const started = performance.now()
  const add = () => times.set(name, (times.get(name) ?? 0) + performance.now() - started)
  const result = work()
  if (result instanceof Promise) return result.finally(add) as T
  add()
  return result
}

/** Adds a stage measured by the caller (e.g. a commit, which ends outside the work). */
export function addStage(name: string, ms: number): void {
  const times = current.getStore()
  if (times) times.set(name, (times.get(name) ?? 0) + ms)
}

/** The times rounded to whole milliseconds, for a log line. */
export function stageSummary(times: StageTimes): Record<string, number> {
  return Object.fromEntries([...times].map(([name, ms]) => [name, Math.round(ms)]))
}
