// Odd values the fuzz cases put where a parcel's properties and coordinates
// go: wrong types, numbers at the edges of float64, strings with NUL, lone
// surrogates, bidi controls and SQL, deep nesting. `raw(text)` stands for
// JSON text that JSON.stringify cannot write: number tokens such as 1e999 and
// nesting deeper than its recursion reaches; json() puts it into the text.
import type { Random } from './random.ts'

const RAW = /"@@raw\(([A-Za-z0-9+/=]*)\)@@"/g

/** JSON text written into the output as it is. */
export function raw(text: string): string {
  return `@@raw(${Buffer.from(text).toString('base64')})@@`
}

/** JSON text of a value, with raw(…) text in place. */
export function json(value: unknown): string {
  return JSON.stringify(value).replace(RAW, (_, base64: string) => Buffer.from(base64, 'base64').toString())
}

const RAW_NUMBERS = [
  '1e999', '-1e999', '1e-999', '-0', '-0.0', '0e0', '1E+308', '2e308', '4.9e-324', '2.5e-324',
  '123456789012345678901234567890', '9007199254740993', '0.30000000000000004', '-1e-7',
]

const STRINGS = [
  '', ' ', '\u0000', 'a\u0000b', '\ud800', 'x\udfffy', '\ud83d', '\u202eRTL', '\ufeffBOM', '\u200b', '💥', '𠀀𠀁',
  'e\u0301', '\n\r\t', '\u001b[31m', '\u0085', '\u2028\u2029', "'; DROP TABLE parcels; --", "' OR '1'='1", '%', '_',
  '\\', '"', '$1', '${x}', '{name}', '{field}{value}', '<script>alert(1)</script>', '../../etc/passwd', 'NaN',
  'Infinity', '1e999', '-0', '0x10', '370215001', '370215001001', '370215999', 'registered', 'reused',
  'idle_industrial', '__proto__', 'constructor', 'toString', 'null', 'true', '[]', '{}', '环秀街道', '田横镇',
]

/** A string: one of the odd ones, or a long run of one character. */
export function oddString(r: Random): string {
  if (r.chance(0.8)) return r.pick(STRINGS)
  const length = r.pick([99, 100, 101, 200, 201, 255, 256, 1000, 2001, 10_001, 70_000, 300_000])
  return r.pick(['a', '地', '\u0000', '𠀀', ' ']).repeat(length)
}

/** Nested arrays or objects `depth` levels deep, around `leaf` (JSON text), as raw text. */
export function nested(depth: number, kind: 'array' | 'object', leaf = '1'): string {
  return kind === 'array' ? raw('['.repeat(depth) + leaf + ']'.repeat(depth)) : raw('{"a":'.repeat(depth) + leaf + '}'.repeat(depth))
}

/** A value of any JSON type, odd more often than not. */
export function oddValue(r: Random): unknown {
  switch (r.int(9)) {
    case 0:
    case 1:
      return oddString(r)
    case 2:
      return raw(r.pick(RAW_NUMBERS))
    case 3:
      return r.pick([0, -1, 1, 0.5, 1e308, -1e308, 5e-324, 2 ** 53, 2 ** 31, -(2 ** 31), 1e21, 360, 180.0000001, 90.5])
    case 4:
      return r.pick([null, true, false])
    case 5:
      return r.pick([[], {}, [null], [[]], [[[]]], [1, 2], { type: 'Polygon' }, { '': '' }, ['registered']])
    case 6:
      return nested(r.pick([10, 100, 1000, 5000, 20_000]), r.pick(['array', 'object'] as const))
    case 7:
      return Array.from({ length: r.pick([100, 10_000]) }, (_, i) => i)
    default:
      return Object.fromEntries(Array.from({ length: r.pick([3, 1000, 20_000]) }, (_, i) => [i % 7 === 3 ? `k${i}\u0000` : `k${i}`, i]))
  }
}
