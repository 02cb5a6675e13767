// A parser for the geometry WKT of OGC Simple Features (ISO 19125-1): the
// text a CSV carries in its WKT column, turned into GeoJSON geometry. The
// seven types, EMPTY, and Z/M/ZM coordinates (kept as x y only, as every
// import is 2-D); an EWKT "SRID=n;" prefix is read too.
import type { Geometry, Position } from 'geojson'

export interface WktGeometry {
  geometry: Geometry
  /** the EPSG code of an EWKT prefix, when there was one */
  srid?: number
}

/** Says what is wrong and where: "expected a number at character 31". */
export class WktError extends Error {}

type Token = string | number

const TOKEN = /\s*(?:([A-Za-z]+)|([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)|([(),]))\s*/y

function tokenize(text: string): Token[] {
  const tokens: Token[] = []
  let at = 0
  while (at < text.length) {
    TOKEN.lastIndex = at
    const m = TOKEN.exec(text)
    if (!m || m[0].length === 0)
      throw new WktError(
        `unexpected ${JSON.stringify(text.slice(at, at + 10))} at character ${at + 1}`,
      )
    at = TOKEN.lastIndex
    if (m[1]) tokens.push(m[1].toUpperCase())
    else if (m[2]) tokens.push(Number(m[2]))
    else if (m[3]) tokens.push(m[3])
  }
  return tokens
}

class Reader {
  at = 0
  constructor(readonly tokens: Token[]) {}

  peek(): Token | undefined {
    return this.tokens[this.at]
  }

  take(expected?: string): Token {
    const token = this.tokens[this.at]
    if (token === undefined)
      throw new WktError(`the text ends where ${expected ? `"${expected}"` : 'more'} was expected`)
    if (expected !== undefined && token !== expected) {
      throw new WktError(`expected "${expected}" but found "${token}" (token ${this.at + 1})`)
    }
    this.at++
    return token
  }

  /** EMPTY, or ( item, item, … ) */
  list<T>(item: () => T): T[] {
    if (this.peek() === 'EMPTY') {
      this.at++
      return []
    }
    this.take('(')
    const items = [item()]
    while (this.peek() === ',') {
      this.at++
      items.push(item())
    }
    this.take(')')
    return items
  }

  position(): Position {
    const numbers: number[] = []
    while (typeof this.peek() === 'number') numbers.push(this.take() as number)
    if (numbers.length < 2 || numbers.length > 4) {
      throw new WktError(`a position has ${numbers.length} numbers (token ${this.at + 1})`)
    }
    return [numbers[0]!, numbers[1]!]
  }

  /** A point in a MULTIPOINT may be written with or without its own parentheses. */
  multiPoint(): Position {
    if (this.peek() !== '(') return this.position()
    this.take('(')
    const position = this.position()
    this.take(')')
    return position
  }

  geometry(): Geometry {
    const type = this.take()
    // Z, M or ZM after the type name: the extra ordinates are dropped
    if (this.peek() === 'Z' || this.peek() === 'M' || this.peek() === 'ZM') this.at++
    const ring = () => this.list(() => this.position())
    switch (type) {
      case 'POINT': {
        const points = this.list(() => this.position())
        return { type: 'Point', coordinates: points[0] ?? [] }
      }
      case 'LINESTRING':
        return { type: 'LineString', coordinates: ring() }
      case 'POLYGON':
        return { type: 'Polygon', coordinates: this.list(ring) }
      case 'MULTIPOINT':
        return { type: 'MultiPoint', coordinates: this.list(() => this.multiPoint()) }
      case 'MULTILINESTRING':
        return { type: 'MultiLineString', coordinates: this.list(ring) }
      case 'MULTIPOLYGON':
        return { type: 'MultiPolygon', coordinates: this.list(() => this.list(ring)) }
      case 'GEOMETRYCOLLECTION':
        return { type: 'GeometryCollection', geometries: this.list(() => this.geometry()) }
      default:
        throw new WktError(`"${type}" is not a WKT geometry type`)
    }
  }
}

/** The geometry of a WKT or EWKT text; throws WktError saying what is wrong. */
export function parseWktGeometry(text: string): WktGeometry {
  const ewkt = /^\s*SRID=(\d+);/i.exec(text)
  const body = ewkt ? text.slice(ewkt[0].length) : text
  const reader = new Reader(tokenize(body))
  const geometry = reader.geometry()
  if (reader.at < reader.tokens.length) {
    throw new WktError(`text follows the geometry at token ${reader.at + 1}: "${reader.peek()}"`)
  }
  return ewkt ? { geometry, srid: Number(ewkt[1]) } : { geometry }
}
