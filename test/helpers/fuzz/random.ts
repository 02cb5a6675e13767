// The seeded random source of the fuzz cases: the sample generator's
// mulberry32 stream (scripts/samples/prng.ts), the same on every machine, so
// a failing case is found again from its seed and index.
import { Rng } from '../../../scripts/samples/prng.ts'

export class Random {
  private readonly stream: Rng

  constructor(seed: number) {
    this.stream = new Rng(seed)
  }

  /** A number in [0, 1). */
  next(): number {
    return this.stream.next()
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n)
  }

  /** An integer in [min, max]. */
  between(min: number, max: number): number {
    return min + this.int(max - min + 1)
  }

  chance(p: number): boolean {
    return this.next() < p
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!
  }

  /** Picks by weight: [[weight, value], …]. */
  weighted<T>(choices: readonly (readonly [number, T])[]): T {
    let roll = this.next() * choices.reduce((sum, [w]) => sum + w, 0)
    for (const [weight, value] of choices) {
      roll -= weight
      if (roll < 0) return value
    }
    return choices[choices.length - 1]![1]
  }

  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n)
    for (let i = 0; i < n; i++) out[i] = this.int(256)
    return out
  }
}

/** The random source of case `index` of a family: independent of every other case. */
export function caseRandom(seed: number, family: string, index: number): Random {
  let h = seed ^ 0x9e3779b9
  for (const char of `${family}#${index}`) h = Math.imul(h ^ char.charCodeAt(0), 0x01000193)
  return new Random(h)
}
