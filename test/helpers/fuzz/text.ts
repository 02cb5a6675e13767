// Request bodies that are not JSON, or hardly: a valid body cut short, with
// a character changed, with JavaScript-only literals, in another encoding,
// with a byte-order mark, bare garbage; and the content types they come with.
import type { Random } from './random.ts'

const encoder = new TextEncoder()

const TOKENS = ['{', '}', '[', ']', ',', ':', '"', '\\', ' ', '\n', '0', '-', '.', 'e', 'u', '\u0000', '\x7f']

const LITERALS = [
  'NaN', 'Infinity', '-Infinity', 'undefined', "'single'", '0x1F', '01', '.5', '+1', '1.', '1e', '--1', 'tru', 'nul',
  '/* c */', '// c\n', '"\\x41"', '"\\u12"', '"\\ud800"', '"\t"', '"\u0000"',
]

export interface Body {
  bytes: Uint8Array
  contentType: string | null
}

/** A broken version of `text`, a valid JSON body. */
export function brokenJson(text: string, r: Random): Uint8Array {
  switch (r.int(12)) {
    case 0:
      return encoder.encode(text.slice(0, r.int(text.length)))
    case 1: {
      const at = r.int(text.length)
      return encoder.encode(text.slice(0, at) + r.pick(TOKENS) + text.slice(at + r.int(2)))
    }
    case 2: {
      const at = r.int(text.length)
      return encoder.encode(text.slice(0, at) + r.pick(LITERALS) + text.slice(at))
    }
    case 3:
      return encoder.encode(text.replace(/[\d.]+/, r.pick(LITERALS)))
    case 4:
      return encoder.encode(text.replace(/}$/, ',}').replace(/]/, ',]'))
    case 5:
      return encoder.encode(`\ufeff${text}`)
    case 6: // UTF-16, with or without its BOM
      return new Uint8Array(Buffer.from((r.chance(0.5) ? '\ufeff' : '') + text, 'utf16le'))
    case 7: {
      // bytes that are not UTF-8: a lone continuation byte, an overlong NUL, a surrogate, a cut sequence
      const bytes = encoder.encode(text)
      const at = r.int(bytes.length)
      const bad = r.pick([[0x80], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xe5, 0x9c], [0xff], [0xf8, 0x88, 0x80, 0x80, 0x80]])
      return new Uint8Array([...bytes.subarray(0, at), ...bad, ...bytes.subarray(at)])
    }
    case 8:
      return r.bytes(r.int(300))
    case 9:
      return encoder.encode(r.pick(['', ' ', 'null', '1', '"x"', '[]', 'true', '{"type":"Feature"}', text + text, `[${text}]`]))
    case 10: // a key given twice: the last one counts
      return encoder.encode(text.replace(/}$/, `,"${r.pick(['type', 'properties', 'geometry'])}":${r.pick(['"Polygon"', 'null', '1', '[]'])}}`))
    default: {
      const depth = r.pick([100, 10_000, 200_000])
      return encoder.encode('['.repeat(depth) + (r.chance(0.5) ? ']'.repeat(depth) : ''))
    }
  }
}

/** The content type a case claims: mostly JSON, sometimes another or none. */
export function contentType(r: Random): string | null {
  return r.weighted([
    [20, 'application/json'],
    [3, 'application/geo+json'],
    [1, 'application/json; charset=utf-16'],
    [1, 'application/json; charset=latin1'],
    [1, 'text/plain'],
    [1, 'application/x-www-form-urlencoded'],
    [1, 'multipart/form-data; boundary=x'],
    [1, 'application/merge-patch+json'],
    [1, null],
  ] as const)
}
