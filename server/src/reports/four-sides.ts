// 四至 (the four sides): what actually adjoins a parcel to the east, south,
// west and north, found in PostGIS by sql/four-sides.sql, and its wording in
// the ledger and the dossier.
import type { Queryable } from '../db/db.ts'
import { sql } from './sql.ts'

export const SIDES = ['east', 'south', 'west', 'north'] as const
export type Side = (typeof SIDES)[number]

export const SIDE_NAMES: Record<Side, string> = { east: '东至', south: '南至', west: '西至', north: '北至' }

/**
 * How far beyond a parcel a neighbour is looked for, in metres. A survey
 * names what is across the lane or the ditch, not what is a field away.
 */
export const FOUR_SIDES_REACH_M = 30

export type NeighbourKind = 'parcel' | 'road' | 'river' | 'village_boundary' | 'none'

export interface Neighbour {
  kind: NeighbourKind
  /** the parcel code, zone code or neighbouring village code */
  ref: string | null
  name: string | null
  road_class: string | null
  /** from the parcel's edge, m (EPSG:4549); road land counts from its edge, not its centre line */
  distance_m: number | null
}

export type FourSides = Record<Side, Neighbour>

const ROAD_CLASS_NAMES: Record<string, string> = {
  expressway: '高速公路',
  national: '国道',
  provincial: '省道',
  county: '县道',
  township: '乡道',
}

const NOTHING: Neighbour = { kind: 'none', ref: null, name: null, road_class: null, distance_m: null }

interface SideRow extends Neighbour {
  parcel_id: number
  side: Side
}

/** The four sides of each parcel; a side with nothing within reach is kind 'none'. */
export async function fourSides(
  db: Queryable,
  parcelIds: readonly number[],
  reachM = FOUR_SIDES_REACH_M,
): Promise<Map<number, FourSides>> {
  const result = new Map<number, FourSides>()
  for (const id of parcelIds) result.set(id, { east: NOTHING, south: NOTHING, west: NOTHING, north: NOTHING })
  if (parcelIds.length === 0) return result
  const { rows } = await db.query<SideRow>(sql('four-sides'), [parcelIds, reachM])
  for (const { parcel_id, side, ...neighbour } of rows) {
    result.get(parcel_id)![side] = { ...neighbour, distance_m: Number(neighbour.distance_m) }
  }
  return result
}

/** One side in words: "地块 X（名称）", "青威路（县道）", "大沽河", "村界（邻 Y 村）" or "空地". */
export function neighbourText(n: Neighbour): string {
  const what = (() => {
    switch (n.kind) {
      case 'parcel':
        return `地块 ${n.ref}${n.name ? `（${n.name}）` : ''}`
      case 'road': {
        const roadClass = n.road_class ? ROAD_CLASS_NAMES[n.road_class] : undefined
        return `${n.name ?? n.ref ?? '道路'}${roadClass ? `（${roadClass}）` : ''}`
      }
      case 'river':
        return n.name ?? n.ref ?? '河道'
      case 'village_boundary':
        return n.name ? `村界（邻${n.name}）` : '村界'
      case 'none':
        return '空地'
    }
  })()
  // touching (within a metre) needs no distance; otherwise say how far
  return n.distance_m !== null && n.distance_m >= 1 ? `${what}，相距约 ${Math.round(n.distance_m)} 米` : what
}

/** "东至：…；南至：…；西至：…；北至：…" */
export function fourSidesText(sides: FourSides): string {
  return SIDES.map((side) => `${SIDE_NAMES[side]}：${neighbourText(sides[side])}`).join('；')
}
