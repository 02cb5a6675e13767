// What a JSON value must be for a jsonb column: PostgreSQL's text cannot hold
// U+0000 ("unsupported Unicode escape sequence") and its JSON input refuses
// a lone UTF-16 surrogate escape ("invalid input syntax for type json");
// JSON.stringify and the JSON parser of PostgreSQL both recurse, so nesting
// is bounded too. Checked without recursion, so any input can be looked at.

/** Deeper than any ledger's attributes go; far below what JSON.stringify (~4,000) and PostgreSQL reach. */
export const MAX_JSON_DEPTH = 32

const NUL = /\u0000/
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/

/** Why text cannot be stored as it is (U+0000, a lone surrogate), or null. */
export function textProblem(text: string): string | null {
  if (NUL.test(text)) return 'it contains the character U+0000'
  if (LONE_SURROGATE.test(text)) return 'it is not valid Unicode (a lone UTF-16 surrogate)'
  return null
}

/** Why a JSON value cannot go into jsonb as it is, or null: nesting deeper than `maxDepth`, or text as above. */
export function jsonbProblem(value: unknown, maxDepth = MAX_JSON_DEPTH): string | null {
  const stack: [unknown, number][] = [[value, 0]]
  while (stack.length > 0) {
    const [item, depth] = stack.pop()!
    if (typeof item === 'string') {
      const problem = textProblem(item)
      if (problem) return `a text value: ${problem}`
      continue
    }
    if (typeof item !== 'object' || item === null) continue
    if (depth >= maxDepth) return `it is nested deeper than ${maxDepth} levels`
    if (Array.isArray(item)) {
      for (const member of item) stack.push([member, depth + 1])
      continue
    }
    for (const [key, member] of Object.entries(item)) {
      const problem = textProblem(key)
      if (problem) return `a key: ${problem}`
      stack.push([member, depth + 1])
    }
  }
  return null
}

/** How deep arrays and objects nest in a value (0 for a scalar), counted up to `stopAt`. */
export function nestingDepth(value: unknown, stopAt = Infinity): number {
  let deepest = 0
  const stack: [unknown, number][] = [[value, 0]]
  while (stack.length > 0) {
    const [item, depth] = stack.pop()!
    if (typeof item !== 'object' || item === null) continue
    deepest = Math.max(deepest, depth + 1)
    if (deepest >= stopAt) return deepest
    for (const member of Array.isArray(item) ? item : Object.values(item)) stack.push([member, depth + 1])
  }
  return deepest
}

/**
 * JSON text for a jsonb parameter holding what a file or a client sent (an
 * import's report): JSON.stringify writes U+0000 and lone surrogates as
 * \u escapes, which jsonb refuses; they become U+FFFD.
 */
export function jsonbText(value: unknown): string {
  return JSON.stringify(value).replace(/(?<!\\)((?:\\\\)*)\\u(?:0000|d[89a-f][0-9a-f]{2})/gi, '$1\\ufffd')
}
