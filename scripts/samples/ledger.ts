// The ledger entries (台账) of the placed parcels: code, name, owner,
// location, status, problems, intended use and declared area.
import type { TownSpec } from './places.ts'
import { M2_PER_MU, areaM2 } from './area.ts'
import { PROBLEM_ORDER, STATUSES, problemOdds, type Problem } from './catalog.ts'
import { distance, ringCentroid, type Pt } from './geometry.ts'
import { companyName, compass, ordinal } from './names.ts'
import { nearestOnLine } from './network.ts'
import type { Parcel, VillagePlan } from './parcels.ts'
import type { Rng } from './prng.ts'
import type { Site } from './site.ts'

export interface ParcelProperties {
  code: string
  name: string
  town: string
  village: string
  category: string
  subtype: string
  status: string
  problems: Problem[]
  ownership: string
  declared_area_mu: number
  location: string
  intended_use: string
}

export interface LedgerEntry {
  parcel: Parcel
  properties: ParcelProperties
  measuredM2: number
  /** set when the declared area was made wrong on purpose */
  declaredOff?: number
}

export function round2(v: number): number {
  return Math.round(v * 100) / 100
}

/** Where the parcel lies, seen from the village centre. */
function direction(parcel: Parcel, sigma: number): { word: string; centre: Pt; d: number } {
  const centre = ringCentroid(parcel.gk[0] ?? [])
  const from = parcel.village.centre
  const d = distance(centre, from)
  return {
    word: d < 0.6 * sigma ? '' : compass(centre[0] - from[0], centre[1] - from[1]),
    centre,
    d,
  }
}

/** 位置: "王家庄村北侧，204国道东" or "…，距村中心约350米". */
function location(parcel: Parcel, sigma: number, site: Site): string {
  const { word, centre, d } = direction(parcel, sigma)
  const where = word ? `${parcel.village.name}${word}侧` : `${parcel.village.name}内`
  const near = site
    .roadsNear([centre[0], centre[1], centre[0], centre[1]], 400)
    .map((s) => ({ road: s.owner, hit: nearestOnLine(centre, [s.a, s.b]) }))
    .sort((a, b) => a.hit.distance - b.hit.distance)[0]
  if (!near || near.hit.distance > 400)
    return `${where}，距村中心约${Math.max(10, Math.round(d / 10) * 10)}米`
  const dx = centre[0] - near.hit.point[0]
  const dy = centre[1] - near.hit.point[1]
  const side = Math.abs(dx) > Math.abs(dy) ? (dx > 0 ? '东' : '西') : dy > 0 ? '北' : '南'
  return `${where}，${near.road.name}${side}`
}

function townOffice(town: TownSpec): string {
  if (town.kind === 'town') return `${town.name}人民政府`
  if (town.kind === 'street') return `${town.name}办事处`
  return `${town.name}管理委员会`
}

function ownership(parcel: Parcel, rng: Rng): string {
  switch (rng.weighted(parcel.spec.owners)) {
    case 'collective':
      return `${parcel.village.name}股份经济合作社`
    case 'company':
      return companyName(rng)
    case 'state':
      return '区国有'
    case 'town':
      return townOffice(parcel.village.town)
    case 'unclear':
      return '权属待核实'
  }
}

function problems(parcel: Parcel, rng: Rng): Problem[] {
  const odds = problemOdds(parcel.spec)
  return PROBLEM_ORDER.filter((p) => rng.chance(odds[p]))
}

/**
 * Codes run per village in placement order: village code + "-" + 3 digits.
 * About 3 % of parcels of 2 亩 or more get a declared area 2–20 % off.
 */
export function writeLedger(
  parcels: readonly Parcel[],
  plans: ReadonlyMap<string, VillagePlan>,
  site: Site,
  rng: Rng,
): LedgerEntry[] {
  const seq = new Map<string, number>()
  const names = new Map<string, number>()
  const entries = parcels.map((parcel): LedgerEntry => {
    const plan = plans.get(parcel.village.code)
    const sigma = plan?.sigma ?? 300
    const n = (seq.get(parcel.village.code) ?? 0) + 1
    if (n > 999)
      throw new Error(`village ${parcel.village.code} has over 999 parcels; codes have 3 digits`)
    seq.set(parcel.village.code, n)
    const measuredM2 = areaM2({ type: 'Polygon', coordinates: parcel.ll })
    const label = rng.pick(parcel.spec.labels)
    const along = label.startsWith('路边') || label.startsWith('河边')
    const base = `${parcel.village.name}${along ? '' : direction(parcel, sigma).word}${label}`
    const repeat = (names.get(base) ?? 0) + 1
    names.set(base, repeat)
    const properties: ParcelProperties = {
      code: `${parcel.village.code}-${String(n).padStart(3, '0')}`,
      name: repeat === 1 ? base : `${base}${ordinal(repeat)}`,
      town: parcel.village.town.code,
      village: parcel.village.code,
      category: parcel.spec.category,
      subtype: parcel.spec.subtype,
      status: rng.weighted(STATUSES),
      problems: problems(parcel, rng),
      ownership: ownership(parcel, rng),
      declared_area_mu: round2(measuredM2 / M2_PER_MU),
      location: location(parcel, sigma, site),
      intended_use: rng.weighted(parcel.spec.uses),
    }
    return { parcel, properties, measuredM2 }
  })
  misdeclare(entries, rng)
  return entries
}

function misdeclare(entries: LedgerEntry[], rng: Rng): void {
  const pool = entries.filter((e) => e.parcel.kind === 'normal' && e.measuredM2 >= 2 * M2_PER_MU)
  const count = Math.max(3, Math.round(entries.length * 0.03))
  for (const entry of rng.shuffle(pool).slice(0, count)) {
    const off = rng.uniform(0.02, 0.2) * (rng.chance(0.5) ? 1 : -1)
    entry.declaredOff = off
    entry.properties.declared_area_mu = round2((entry.measuredM2 / M2_PER_MU) * (1 + off))
  }
}
