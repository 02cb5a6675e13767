// The spatial indexes a new parcel or occupation is checked against:
// roads and rivers in metres (EPSG:4549), zones, villages and parcels as
// written, in lon/lat (EPSG:4490), so a check passes on the exact file
// coordinates.
import type { Village } from './admin.ts'
import { toGk } from './geo.ts'
import {
  boxOf,
  growBox,
  pointInPoly,
  polygonsOf,
  polySegmentDistance,
  polysIntersect,
  polyWithin,
  type Box,
  type Poly,
  type Pt,
} from './geometry.ts'
import { BoxGrid } from './grid.ts'
import type { River, Road } from './network.ts'
import type { Zone, ZoneClass } from './zones.ts'

export interface Segment<T> {
  a: Pt
  b: Pt
  owner: T
}

export interface Placed {
  /** lon/lat, one ring, as written */
  ll: Poly
  box: Box
}

const ROAD_CELL_M = 400
const LL_CELL_DEG = 0.004 // ~ 360 m east-west, 440 m north-south here
const ZONE_CELL_DEG = 0.01

function segmentsOf<T>(line: readonly Pt[], owner: T): Segment<T>[] {
  return line.slice(1).map((b, i) => ({ a: line[i] as Pt, b, owner }))
}

function segmentBox(s: Segment<unknown>): Box {
  return [
    Math.min(s.a[0], s.b[0]),
    Math.min(s.a[1], s.b[1]),
    Math.max(s.a[0], s.b[0]),
    Math.max(s.a[1], s.b[1]),
  ]
}

export class Site {
  readonly roads = new BoxGrid<Segment<Road>>(ROAD_CELL_M)
  readonly rivers = new BoxGrid<Segment<River>>(ROAD_CELL_M)
  readonly zones = new BoxGrid<{ zone: Zone; poly: Poly }>(ZONE_CELL_DEG)
  private readonly placed = new Map<string, BoxGrid<Placed>>()
  private readonly widest: number

  constructor(roadList: readonly Road[], riverList: readonly River[], zoneList: readonly Zone[]) {
    for (const road of roadList)
      for (const s of segmentsOf(road.line, road)) this.roads.insert(segmentBox(s), s)
    for (const river of riverList)
      for (const s of segmentsOf(river.line, river)) this.rivers.insert(segmentBox(s), s)
    this.addZones(zoneList)
    this.widest = Math.max(0, ...roadList.map((r) => r.width))
  }

  addZones(zoneList: readonly Zone[]): void {
    for (const zone of zoneList) {
      for (const poly of polygonsOf(zone.geometry))
        this.zones.insert(boxOf(poly[0] ?? []), { zone, poly })
    }
  }

  /** A named layer of placed things (parcels, occupations). */
  layer(name: string): BoxGrid<Placed> {
    let grid = this.placed.get(name)
    if (!grid) {
      grid = new BoxGrid<Placed>(LL_CELL_DEG)
      this.placed.set(name, grid)
    }
    return grid
  }

  /** Road segments within `reach` metres of the box (metres). */
  roadsNear(box: Box, reach: number): Segment<Road>[] {
    return this.roads.query(growBox(box, reach + this.widest / 2))
  }

  /** Is the polygon (metres) at least `gap` metres outside every road's land? */
  clearOfRoads(gk: Poly, gap: number): boolean {
    const box = boxOf(gk[0] ?? [])
    return this.roadsNear(box, gap).every(
      (s) => polySegmentDistance(gk, s.a, s.b) >= s.owner.width / 2 + gap,
    )
  }

  /** Distance (metres) from the polygon to each road centreline within `reach` of its land. */
  roadDistances(gk: Poly, reach: number): Map<Road, number> {
    const out = new Map<Road, number>()
    for (const s of this.roadsNear(boxOf(gk[0] ?? []), reach)) {
      const d = polySegmentDistance(gk, s.a, s.b)
      if (d > s.owner.width / 2 + reach) continue
      out.set(s.owner, Math.min(d, out.get(s.owner) ?? Infinity))
    }
    return out
  }

  zonesHit(ll: Poly, classes: readonly ZoneClass[]): Zone[] {
    const box = boxOf(ll[0] ?? [])
    const hits = this.zones
      .query(box)
      .filter((z) => classes.includes(z.zone.zoneClass) && polysIntersect(z.poly, ll))
      .map((z) => z.zone)
    return [...new Set(hits)]
  }

  hits(layer: string, ll: Poly, except?: Placed): Placed[] {
    return this.layer(layer)
      .query(boxOf(ll[0] ?? []))
      .filter((p) => p !== except && polysIntersect(p.ll, ll))
  }

  add(layer: string, item: Placed): void {
    this.layer(layer).insert(item.box, item)
  }
}

export function insideVillage(ll: Poly, village: Village): boolean {
  return polygonsOf(village.geometry).some((poly) => polyWithin(ll, poly))
}

export function villageAt(llPoint: Pt, villages: readonly Village[]): Village | undefined {
  return villages.find((v) => polygonsOf(v.geometry).some((poly) => pointInPoly(llPoint, poly)))
}

/** lon/lat ring back to metres, to measure distances on the written shape. */
export function gkOf(ll: Poly): Poly {
  return ll.map((ring) => ring.map(toGk))
}
