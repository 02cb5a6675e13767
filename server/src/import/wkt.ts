// A parser for the WKT of coordinate reference systems (OGC 01-009 "WKT1",
// its ESRI flavour, and the bracket syntax of ISO 19162 "WKT2"): the text is
// read into a tree of KEYWORD[...] nodes, so a CRS can be recognised by its
// parameters rather than by its exact spelling.

export interface WktNode {
  keyword: string
  /** strings, numbers and bare words (e.g. EAST) */
  values: (string | number)[]
  children: WktNode[]
}

/** The tree of a WKT text, or null when it is not WKT (an HTML page, say). */
export function parseWkt(text: string): WktNode | null {
  const tokens = tokenize(text.trim())
  if (!tokens) return null
  const state = { at: 0 }
  const node = readNode(tokens, state)
  return node && state.at === tokens.length ? node : null
}

type Token = { kind: 'word' | 'string' | 'number' | 'open' | 'close' | 'comma'; text: string }

function tokenize(text: string): Token[] | null {
  const tokens: Token[] = []
  const pattern =
    /\s*(?:(\[|\()|(\]|\))|(,)|"((?:[^"]|"")*)"|([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)(?![\w.])|([A-Za-z_][\w.]*))\s*/y
  let at = 0
  while (at < text.length) {
    pattern.lastIndex = at
    const m = pattern.exec(text)
    if (!m || m[0].length === 0) return null
    at = pattern.lastIndex
    if (m[1]) tokens.push({ kind: 'open', text: m[1] })
    else if (m[2]) tokens.push({ kind: 'close', text: m[2] })
    else if (m[3]) tokens.push({ kind: 'comma', text: ',' })
    else if (m[4] !== undefined) tokens.push({ kind: 'string', text: m[4].replace(/""/g, '"') })
    else if (m[5]) tokens.push({ kind: 'number', text: m[5] })
    else tokens.push({ kind: 'word', text: m[6] as string })
  }
  return tokens
}

function readNode(tokens: readonly Token[], state: { at: number }): WktNode | null {
  const keyword = tokens[state.at]
  if (keyword?.kind !== 'word' || tokens[state.at + 1]?.kind !== 'open') return null
  state.at += 2
  const node: WktNode = { keyword: keyword.text.toUpperCase(), values: [], children: [] }
  for (;;) {
    const token = tokens[state.at]
    if (!token) return null
    if (token.kind === 'word' && tokens[state.at + 1]?.kind === 'open') {
      const child = readNode(tokens, state)
      if (!child) return null
      node.children.push(child)
    } else if (token.kind === 'string' || token.kind === 'word') {
      node.values.push(token.text)
      state.at++
    } else if (token.kind === 'number') {
      node.values.push(Number(token.text))
      state.at++
    } else if (token.kind === 'close') {
      state.at++
      return node
    } else if (token.kind === 'comma') {
      state.at++
    } else {
      return null
    }
  }
}

export function child(node: WktNode | undefined, ...keywords: string[]): WktNode | undefined {
  return node?.children.find((c) => keywords.includes(c.keyword))
}

export function childrenOf(node: WktNode | undefined, keyword: string): WktNode[] {
  return node?.children.filter((c) => c.keyword === keyword) ?? []
}

/** The EPSG code an AUTHORITY["EPSG","n"] (WKT1) or ID["EPSG",n] (WKT2) gives the node. */
export function epsgOf(node: WktNode | undefined): number | null {
  const id = child(node, 'AUTHORITY', 'ID')
  if (!id || String(id.values[0]).toUpperCase() !== 'EPSG') return null
  const code = Number(id.values[1])
  return Number.isInteger(code) ? code : null
}
