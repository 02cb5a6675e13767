// Everything a parcel dossier (地块核查报告) shows, read from the database:
// the parcel and its places, 四至, the boundary points in EPSG:4549 metres,
// the latest check findings with the basis of their rules, the history and
// the features of its map figure.
import type { Geometry } from 'geojson'
import { parcelFindings } from '../checks/read.ts'
import { selectContracts, type ContractRow } from '../contracts/store.ts'
import type { Queryable } from '../db/db.ts'
import type { ParcelRow } from '../parcels/feature.ts'
import { log } from '../log.ts'
import { extentAround, type Extent, type MapFeature, type Rect } from './figure.ts'
import { fourSides, type FourSides } from './four-sides.ts'
import { parcelSteps, type TransitionJson } from '../workflow/transitions.ts'
import { sql } from './sql.ts'

export interface BoundaryPoint {
  /** J1, J2, … in order round each ring */
  name: string
  part: number
  ring: number
  /** easting, EPSG:4549 m */
  x: number
  /** northing, EPSG:4549 m */
  y: number
  /** to the next point of the ring, m */
  next_m: number
}

type Findings = Awaited<ReturnType<typeof parcelFindings>>
export type Finding = Findings['findings'][number]

export interface HistoryEntry {
  version: number
  action: string
  changed_by: string | null
  changed_at: Date
  changed_fields: string[]
  note: string | null
}

export interface DossierData {
  parcel: ParcelRow
  townName: string | null
  villageName: string | null
  sides: FourSides
  points: BoundaryPoint[]
  /** null when the findings could not be read */
  findings: Findings | null
  basis: Map<number, string>
  history: HistoryEntry[]
  historyTotal: number
  /** the confirmed workflow steps, oldest first */
  steps: TransitionJson[]
  /** the live contracts with their payments */
  contracts: ContractRow[]
  extent: Extent
  features: MapFeature[]
}

interface PlaceRow {
  town_name: string | null
  village_name: string | null
  min_x: number
  min_y: number
  max_x: number
  max_y: number
}

/** Reads the dossier of a parcel the caller may already see (scope checked by the caller). */
export async function readDossier(db: Queryable, parcel: ParcelRow, frame: Rect): Promise<DossierData> {
  const { rows } = await db.query<PlaceRow>(sql('dossier-parcel'), [parcel.id])
  const place = rows[0]!
  const extent = extentAround(
    { minX: place.min_x, minY: place.min_y, maxX: place.max_x, maxY: place.max_y },
    frame,
  )
  const findings = await readFindings(db, parcel.id)
  const pieceIds = (findings?.findings ?? []).filter((f) => f.kind === 'overlap' || f.kind === 'encroachment').map((f) => f.id)
  const [sides, points, basis, history, features, steps, contracts] = await Promise.all([
    fourSides(db, [parcel.id]),
    boundaryPoints(db, parcel.id),
    ruleBasis(db, findings),
    readHistory(db, parcel.id),
    mapFeatures(db, parcel.id, extent, pieceIds, null),
    parcelSteps(db, parcel.id),
    selectContracts(db, { parcelId: parcel.id }),
  ])
  return {
    parcel,
    townName: place.town_name,
    villageName: place.village_name,
    sides: sides.get(parcel.id)!,
    points,
    findings,
    basis,
    history: history.entries,
    historyTotal: history.total,
    steps: steps.filter((step) => step.state === 'confirmed'),
    contracts,
    extent,
    features,
  }
}

/**
 * The latest findings, or null when they cannot be read: a dossier is still
 * worth printing without them, and it says so rather than showing none.
 */
async function readFindings(db: Queryable, parcelId: number): Promise<Findings | null> {
  try {
    return await parcelFindings(db, parcelId, 'zh')
  } catch (error) {
    log.error('dossier: the findings of a parcel could not be read', { parcel: parcelId, error })
    return null
  }
}

async function ruleBasis(db: Queryable, findings: Findings | null): Promise<Map<number, string>> {
  const ids = [...new Set((findings?.findings ?? []).map((f) => f.rule_id).filter((id): id is number => id !== null))]
  if (ids.length === 0) return new Map()
  const { rows } = await db.query<{ id: number; basis_zh: string }>(
    'SELECT id, basis_zh FROM check_rules WHERE id = ANY ($1::int[])',
    [ids],
  )
  return new Map(rows.map((r) => [r.id, r.basis_zh]))
}

/** The vertices as 界址点 J1…Jn with the length of each side to the next point. */
export async function boundaryPoints(db: Queryable, parcelId: number): Promise<BoundaryPoint[]> {
  const { rows } = await db.query<{ part: number; ring: number; x: number; y: number }>(sql('boundary-points'), [parcelId])
  const points: BoundaryPoint[] = []
  rows.forEach((row, i) => {
    const ringStart = rows.findIndex((r) => r.part === row.part && r.ring === row.ring)
    const next = rows[i + 1] && rows[i + 1]!.part === row.part && rows[i + 1]!.ring === row.ring ? rows[i + 1]! : rows[ringStart]!
    points.push({
      name: `J${i + 1}`,
      part: row.part,
      ring: row.ring,
      x: row.x,
      y: row.y,
      next_m: Math.hypot(next.x - row.x, next.y - row.y),
    })
  })
  return points
}

const HISTORY_SHOWN = 12

async function readHistory(db: Queryable, parcelId: number): Promise<{ entries: HistoryEntry[]; total: number }> {
  const { rows } = await db.query<HistoryEntry & { total: number }>(
    `SELECT v.version, v.action, u.username AS changed_by, v.changed_at, v.changed_fields, v.note,
            count(*) OVER ()::int AS total
     FROM parcel_versions v LEFT JOIN users u ON u.id = v.changed_by
     WHERE v.parcel_id = $1 ORDER BY v.version DESC LIMIT $2`,
    [parcelId, HISTORY_SHOWN],
  )
  return { entries: rows.map(({ total: _, ...entry }) => ({ ...entry, changed_at: new Date(entry.changed_at) })), total: rows[0]?.total ?? 0 }
}

/** The features of a map figure in the box, EPSG:4549 metres. */
export async function mapFeatures(
  db: Queryable,
  subjectId: number,
  extent: Extent,
  findingIds: readonly number[],
  village: string | null,
): Promise<MapFeature[]> {
  const { rows } = await db.query<Omit<MapFeature, 'geometry'> & { geometry: string }>(sql('map-features'), [
    subjectId, extent.minX, extent.minY, extent.maxX, extent.maxY, findingIds, village,
  ])
  return rows.map((row) => ({ ...row, geometry: JSON.parse(row.geometry) as Geometry }))
}
