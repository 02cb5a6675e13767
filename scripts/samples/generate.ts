// The whole sample district, from one seed: administrative areas, roads
// and rivers, planning zones, parcels, occupations, and the list of
// planted cases. Returns the files in memory; the CLI writes them.
import { CATEGORIES } from '../../server/src/domain/categories.ts'
import { writeShapefile, zipShapefile } from '../../server/src/export/shapefile.ts'
import {
  buildDistrict,
  buildTowns,
  buildVillages,
  type District,
  type Town,
  type Village,
} from './admin.ts'
import { checkCatalog } from './catalog.ts'
import {
  plannedCases,
  type PlannedCases,
  overlappingPairs as plantOverlaps,
  straddlingParcels as plantStraddles,
  zoneParcels as plantZoneParcels,
} from './deliberate.ts'
import * as expected from './expected.ts'
import { bufferMetres, invalidReason, toLonLat, type Area } from './geo.ts'
import type { Pt } from './geometry.ts'
import { writeLedger, type LedgerEntry } from './ledger.ts'
import {
  mainRoads,
  reservoirs,
  rivers as riverLines,
  townshipRoads,
  type River,
  type Road,
} from './network.ts'
import { occupationCount, placeOccupations, type Occupation } from './occupations.ts'
import { featureCollection, prettyJson, type OutFeature } from './output.ts'
import { allocate, placeParcels, villagePlans, type Parcel, type VillagePlan } from './parcels.ts'
import { DISTRICT, OFFSHORE } from './places.ts'
import { Rng } from './prng.ts'
import { readme } from './readme.ts'
import { Site } from './site.ts'
import {
  basicFarmland,
  ecologicalRedlines,
  reservoirShapes,
  riverAreas,
  seaAreas,
  urbanBoundaries,
  type Zone,
  type ZoneClass,
} from './zones.ts'

export interface SampleOptions {
  seed: number
  parcels: number
}

export interface SampleSet {
  /** path relative to the output folder → contents */
  files: Map<string, string | Uint8Array>
  summary: Record<string, number | Record<string, number>>
}

// fixed stamps inside the zip and the DBF, so the bytes never change
const DBF_DATE = new Date(Date.UTC(2023, 11, 31))
const ZIP_TIME = new Date(2023, 11, 31, 12, 0, 0)

/** About 200 villages; more for a district-scale set, so villages don't overflow. */
export function villageTarget(parcels: number): number {
  return parcels <= 5000 ? 200 : Math.round(200 * Math.sqrt(parcels / 5000))
}

export function generateSamples(options: SampleOptions): SampleSet {
  checkCatalog()
  const rng = new Rng(options.seed)
  const land = buildLand(rng, villageTarget(options.parcels))
  const site = new Site(land.roads, land.rivers, [...land.redline, ...land.riverZones])
  const planned = plannedCases(options.parcels)
  const ordinary = options.parcels - planned.overlaps - planned.straddles - planned.zoneParcels
  const plans = villagePlans(
    land.villages,
    allocate(land.villages, ordinary, rng.fork('allocate')),
    site,
    rng.fork('plans'),
  )
  const farmland = buildFarmland(land, plans, options.parcels, rng)
  site.addZones(farmland)
  const zones = {
    basic_farmland: farmland,
    ecological_redline: land.redline,
    urban_boundary: land.urban,
    river_area: land.riverZones,
    sea_area: land.sea,
  }

  const parcels = placeParcels(plans, ordinary, options.parcels, site, rng.fork('parcels'))
  const all = [
    ...parcels,
    ...plantCases(land, [...farmland, ...land.redline], parcels, planned, site, rng),
  ]
  const ledger = writeLedger(
    all,
    new Map(plans.map((p) => [p.village.code, p])),
    site,
    rng.fork('ledger'),
  )
  ledger.sort((a, b) => (a.properties.code < b.properties.code ? -1 : 1))
  const occupations = placeOccupations(
    {
      site,
      collective: parcels.filter((p) => p.spec.category !== 'idle_industrial'),
      plans,
      roads: land.roads,
      rivers: land.rivers,
      district: land.district.geometry,
    },
    occupationCount(options.parcels),
    rng.fork('occupations'),
  )

  const cases = measureCases(options, land, ledger, occupations, site)
  assertAllValid(land, zones, ledger, occupations)
  const files = writeFiles(land, zones, ledger, occupations, cases)
  const summary = summarise(land, zones, ledger, occupations, cases)
  files.set('README.md', readme(options, summary))
  return { files, summary }
}

interface Land {
  district: District
  towns: Town[]
  villages: Village[]
  roads: Road[]
  rivers: River[]
  urban: Zone[]
  redline: Zone[]
  riverZones: Zone[]
  sea: Zone[]
}

type Zones = Readonly<Record<ZoneClass, readonly Zone[]>>

/** The land before any parcel: boundaries, roads, rivers and the zones that don't wait for villages. */
function buildLand(rng: Rng, villageCount: number): Land {
  const district = buildDistrict()
  const towns = buildTowns(district, rng.fork('towns'))
  const villages = buildVillages(towns, villageCount, rng.fork('villages'))
  const main = mainRoads(district.gk, rng.fork('roads'))
  const rivers = riverLines(district.gk, rng.fork('rivers'))
  const anchors = villages.map((v) => ({ name: v.name, centre: v.centre }))
  const roads = [...main, ...townshipRoads(anchors, main, district.gk, rng.fork('township roads'))]
  const lakes = reservoirShapes(reservoirs(roads), rng.fork('reservoirs'))
  return {
    district,
    towns,
    villages,
    roads,
    rivers,
    urban: urbanBoundaries(district.gk, rng.fork('urban')),
    redline: ecologicalRedlines(district.gk, district.coast, lakes, rng.fork('redline')),
    riverZones: riverAreas(district.gk, rivers, lakes),
    sea: seaAreas(district.coast, OFFSHORE),
  }
}

/** Farmland keeps clear of the house clusters, so it waits for the village plans. */
function buildFarmland(
  land: Land,
  plans: readonly VillagePlan[],
  parcels: number,
  rng: Rng,
): Zone[] {
  const riverMargins = land.riverZones.map((z) => ({
    ...z,
    gk: bufferMetres({ type: 'MultiPolygon', coordinates: z.gk }, 40),
  }))
  const villageCentres = plans.map((p) => ({
    centre: p.village.centre,
    radius: Math.min(2.6 * p.sigma, 0.4 * Math.sqrt(p.village.areaM2)),
  }))
  const context = {
    district: land.district.gk,
    towns: land.towns,
    villageCentres,
    roads: land.roads,
    exclusions: [...land.urban, ...land.redline, ...riverMargins],
    fieldScale: Math.min(1, Math.pow(5000 / parcels, 0.25)),
  }
  return basicFarmland(context, rng.fork('farmland'))
}

function plantCases(
  land: Land,
  protectedZones: readonly Zone[],
  parcels: readonly Parcel[],
  planned: PlannedCases,
  site: Site,
  rng: Rng,
): Parcel[] {
  const pairs = plantOverlaps(parcels, planned.overlaps, site, rng.fork('overlaps'))
  const straddles = plantStraddles(
    land.villages,
    land.towns,
    planned.straddles,
    site,
    rng.fork('straddles'),
  )
  const inZones = plantZoneParcels(
    protectedZones,
    land.villages,
    planned.zoneParcels,
    site,
    rng.fork('zone parcels'),
  )
  return [
    ...pairs.map(([, b]) => b),
    ...straddles.map((s) => s.parcel),
    ...inZones.map((z) => z.parcel),
  ]
}

function measureCases(
  options: SampleOptions,
  land: Land,
  ledger: readonly LedgerEntry[],
  occupations: readonly Occupation[],
  site: Site,
) {
  return {
    seed: options.seed,
    parcels: options.parcels,
    crs: 'EPSG:4490',
    area_rule:
      'declared_area_mu is the CGCS2000 ellipsoidal area rounded to 0.01 亩, except the parcels in declared_area_off; flag |declared - measured| > max(1 % of measured, 0.01 亩)',
    overlapping_parcel_pairs: expected.overlappingPairs(ledger, site),
    parcels_straddling_village_boundary: expected.straddlingParcels(ledger, land.villages),
    declared_area_off: expected.areaMismatches(ledger),
    parcels_in_protected_zones: expected.protectedOverlaps(ledger, site),
    occupation_intrusions: expected.occupationIntrusions(occupations, ledger, site),
  }
}

type Cases = ReturnType<typeof measureCases>

function assertAllValid(
  land: Land,
  zones: Zones,
  ledger: readonly LedgerEntry[],
  occupations: readonly Occupation[],
): void {
  assertValid('district', [[DISTRICT.code, land.district.geometry]])
  assertValid(
    'town',
    land.towns.map((t) => [t.spec.code, t.geometry]),
  )
  assertValid(
    'village',
    land.villages.map((v) => [v.code, v.geometry]),
  )
  assertValid(
    'zone',
    Object.values(zones)
      .flat()
      .map((z) => [z.code, z.geometry]),
  )
  assertValid(
    'parcel',
    ledger.map((e) => [e.properties.code, { type: 'Polygon', coordinates: e.parcel.ll }]),
  )
  assertValid(
    'occupation',
    occupations.map((o) => [o.code, { type: 'Polygon', coordinates: o.ll }]),
  )
}

function writeFiles(
  land: Land,
  zones: Zones,
  ledger: readonly LedgerEntry[],
  occupations: readonly Occupation[],
  cases: Cases,
) {
  const files = new Map<string, string | Uint8Array>()
  files.set(
    'district.geojson',
    featureCollection([{ properties: { ...DISTRICT }, geometry: land.district.geometry }]),
  )
  files.set('towns.geojson', featureCollection(land.towns.map(townFeature)))
  files.set('villages.geojson', featureCollection(land.villages.map(villageFeature)))
  files.set(
    'parcels.geojson',
    featureCollection(
      ledger.map((e) => ({
        properties: { ...e.properties },
        geometry: { type: 'Polygon', coordinates: e.parcel.ll },
      })),
    ),
  )
  for (const [name, list] of Object.entries(zones))
    files.set(`layers/${name}.geojson`, featureCollection(list.map(zoneFeature)))
  files.set('layers/roads.geojson', featureCollection(land.roads.map(roadFeature)))
  files.set('layers/rivers.geojson', featureCollection(land.rivers.map(riverFeature)))
  files.set('occupations.geojson', featureCollection(occupations.map(occupationFeature)))
  files.set('parcels-gbk.zip', tianhengShapefile(ledger, land.villages))
  files.set('expected.json', prettyJson(cases))
  return files
}

function summarise(
  land: Land,
  zones: Zones,
  ledger: readonly LedgerEntry[],
  occupations: readonly Occupation[],
  cases: Cases,
) {
  const byCategory = CATEGORIES.map((c) => [
    c.code,
    ledger.filter((e) => e.properties.category === c.code).length,
  ])
  return {
    towns: land.towns.length,
    villages: land.villages.length,
    parcels: ledger.length,
    parcels_by_category: Object.fromEntries(byCategory),
    zones: Object.fromEntries(Object.entries(zones).map(([k, v]) => [k, v.length])),
    roads: land.roads.length,
    rivers: land.rivers.length,
    occupations: occupations.length,
    overlapping_pairs: cases.overlapping_parcel_pairs.length,
    straddling: cases.parcels_straddling_village_boundary.length,
    area_off: cases.declared_area_off.length,
    in_protected_zones: new Set(cases.parcels_in_protected_zones.map((p) => p.code)).size,
    occupations_intruding: new Set(cases.occupation_intrusions.map((o) => o.code)).size,
  }
}

/** Every polygon must pass GEOS's ST_IsValid: checked with jsts, which gives the same verdicts. */
function assertValid(what: string, items: readonly (readonly [string, Area])[]): void {
  for (const [code, geometry] of items) {
    const reason = invalidReason(geometry)
    if (reason) throw new Error(`${what} ${code} is invalid: ${reason}`)
  }
}

function townFeature(t: Town): OutFeature {
  return {
    properties: { code: t.spec.code, name: t.spec.name, kind: t.spec.kind },
    geometry: t.geometry,
  }
}

function villageFeature(v: Village): OutFeature {
  return {
    properties: { code: v.code, name: v.name, town: v.town.code, kind: v.kind },
    geometry: v.geometry,
  }
}

function zoneFeature(z: Zone): OutFeature {
  return { properties: { class: z.zoneClass, name: z.name, code: z.code }, geometry: z.geometry }
}

function lonLatLine(line: readonly Pt[]): Pt[] {
  const out: Pt[] = []
  for (const p of line.map(toLonLat)) {
    const last = out[out.length - 1]
    if (!last || last[0] !== p[0] || last[1] !== p[1]) out.push(p)
  }
  return out
}

function roadFeature(r: Road): OutFeature {
  return {
    properties: {
      class: 'road',
      code: r.code,
      name: r.name,
      road_class: r.roadClass,
      width_m: r.width,
    },
    geometry: { type: 'LineString', coordinates: lonLatLine(r.line) },
  }
}

function riverFeature(r: River): OutFeature {
  return {
    properties: {
      class: 'river',
      code: r.code,
      name: r.name,
      management_half_width_m: r.halfWidth,
    },
    geometry: { type: 'LineString', coordinates: lonLatLine(r.line) },
  }
}

function occupationFeature(o: Occupation): OutFeature {
  return {
    properties: {
      code: o.code,
      kind: o.kind,
      description: o.description,
      surveyed_at: o.surveyedAt,
    },
    geometry: { type: 'Polygon', coordinates: o.ll },
  }
}

/** 田横镇's parcels as a GBK Shapefile in Gauss-Krüger metres (EPSG:4549), the way desktop GIS hands them over. */
function tianhengShapefile(
  ledger: readonly LedgerEntry[],
  villages: readonly Village[],
): Uint8Array {
  const names = new Map(villages.map((v) => [v.code, v.name]))
  const categoryName = new Map(CATEGORIES.map((c) => [c.code, c.zh]))
  const features = ledger
    .filter((e) => e.properties.town === '370215101')
    .map((e) => ({
      type: 'Feature' as const,
      properties: {
        地块编码: e.properties.code,
        地块名称: e.properties.name,
        镇街: e.parcel.village.town.name,
        村名: names.get(e.properties.village) ?? '',
        地类: categoryName.get(e.properties.category as never) ?? '',
        子类: e.properties.subtype,
        面积亩: e.properties.declared_area_mu,
        权属: e.properties.ownership,
      },
      geometry: { type: 'Polygon' as const, coordinates: e.parcel.ll },
    }))
  const shapefile = writeShapefile(features, {
    encoding: 'GBK',
    sourceEpsg: 4490,
    targetEpsg: 4549,
    date: DBF_DATE,
  })
  return zipShapefile('parcels-gbk', shapefile.files, ZIP_TIME)
}
