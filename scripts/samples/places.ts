// Where things are in Jimo district: the outline, the coast, the towns and
// streets (镇街) with roughly real seats. All positions are CGCS2000 lon/lat.
import type { Pt } from './geometry.ts'

export type TownKind = 'street' | 'town' | 'functional_area'

/** How built-up a town is: drives village count, parcel mix and zones. */
export type Profile = 'core' | 'street' | 'rural' | 'functional'

export interface TownSpec {
  code: string
  name: string
  kind: TownKind
  profile: Profile
  seat: Pt
  /** relative number of villages */
  villages: number
  /** radius of the urban development boundary around the seat, metres */
  urbanRadius: number
}

export const DISTRICT = { code: '370215', name: '即墨区' } as const

// prettier-ignore
export const TOWNS: readonly TownSpec[] = [
  { code: '370215001', name: '环秀街道', kind: 'street', profile: 'core', seat: [120.45, 36.39], villages: 3, urbanRadius: 0 },
  { code: '370215002', name: '潮海街道', kind: 'street', profile: 'core', seat: [120.47, 36.37], villages: 4, urbanRadius: 0 },
  { code: '370215003', name: '通济街道', kind: 'street', profile: 'core', seat: [120.4, 36.4], villages: 5, urbanRadius: 0 },
  { code: '370215004', name: '北安街道', kind: 'street', profile: 'street', seat: [120.45, 36.44], villages: 8, urbanRadius: 1500 },
  { code: '370215005', name: '龙山街道', kind: 'street', profile: 'street', seat: [120.38, 36.47], villages: 12, urbanRadius: 1400 },
  { code: '370215006', name: '龙泉街道', kind: 'street', profile: 'street', seat: [120.52, 36.34], villages: 10, urbanRadius: 1800 },
  { code: '370215007', name: '鳌山卫街道', kind: 'street', profile: 'street', seat: [120.62, 36.33], villages: 12, urbanRadius: 3000 },
  { code: '370215008', name: '温泉街道', kind: 'street', profile: 'street', seat: [120.6, 36.42], villages: 10, urbanRadius: 2400 },
  { code: '370215009', name: '大信街道', kind: 'street', profile: 'street', seat: [120.4, 36.3], villages: 12, urbanRadius: 1500 },
  { code: '370215010', name: '灵山街道', kind: 'street', profile: 'rural', seat: [120.33, 36.42], villages: 14, urbanRadius: 1200 },
  { code: '370215011', name: '蓝村街道', kind: 'street', profile: 'street', seat: [120.25, 36.36], villages: 12, urbanRadius: 1900 },
  { code: '370215101', name: '田横镇', kind: 'town', profile: 'rural', seat: [120.75, 36.47], villages: 22, urbanRadius: 1300 },
  { code: '370215102', name: '金口镇', kind: 'town', profile: 'rural', seat: [120.58, 36.53], villages: 16, urbanRadius: 1100 },
  { code: '370215103', name: '段泊岚镇', kind: 'town', profile: 'rural', seat: [120.38, 36.54], villages: 20, urbanRadius: 1200 },
  { code: '370215104', name: '移风店镇', kind: 'town', profile: 'rural', seat: [120.24, 36.5], villages: 22, urbanRadius: 1300 },
  { code: '370215401', name: '田横岛省级旅游度假区', kind: 'functional_area', profile: 'functional', seat: [120.85, 36.45], villages: 3, urbanRadius: 900 },
  { code: '370215402', name: '通济新经济区', kind: 'functional_area', profile: 'functional', seat: [120.34, 36.35], villages: 5, urbanRadius: 2200 },
]

/** The urban core (环秀, 潮海, 通济 and the south of 北安): one boundary. */
export const URBAN_CORE = { centre: [120.443, 36.392] as Pt, radius: 5200 }

/**
 * The district outline, counter-clockwise: south border west to east, the
 * coast (鳌山卫 peninsula, 鳌山湾, 田横) to the north-east corner, the
 * Haiyang/Laixi border westward, then south along the 大沽河.
 * COAST_FROM..COAST_TO index the coastal vertices.
 */
// prettier-ignore
export const OUTLINE: readonly Pt[] = [
  [120.285, 36.262], [120.33, 36.255], [120.37, 36.238], [120.42, 36.232], [120.47, 36.226],
  [120.52, 36.222], [120.552, 36.218],
  // coast
  [120.575, 36.228], [120.6, 36.242], [120.628, 36.255], [120.655, 36.268], [120.678, 36.288],
  [120.7, 36.312], [120.695, 36.33], [120.68, 36.345], [120.662, 36.362], [120.648, 36.382],
  [120.638, 36.4], [120.645, 36.418], [120.665, 36.425], [120.69, 36.418], [120.715, 36.41],
  [120.74, 36.408], [120.765, 36.412], [120.79, 36.418], [120.815, 36.425], [120.838, 36.43],
  [120.86, 36.438], [120.88, 36.448], [120.895, 36.465], [120.9, 36.485], [120.893, 36.505],
  // north border, east to west
  [120.86, 36.525], [120.82, 36.55], [120.78, 36.568], [120.73, 36.585], [120.68, 36.595],
  [120.62, 36.6], [120.56, 36.598], [120.5, 36.592], [120.45, 36.598], [120.4, 36.6],
  [120.35, 36.592], [120.3, 36.578], [120.26, 36.56], [120.225, 36.54],
  // west border along the 大沽河, north to south
  [120.21, 36.51], [120.205, 36.48], [120.208, 36.45], [120.212, 36.42], [120.218, 36.39],
  [120.222, 36.36], [120.232, 36.33], [120.248, 36.3], [120.265, 36.278],
]

export const COAST_FROM = 6
export const COAST_TO = 31

/** Offshore edge of the sea strip, from the north-east back to the south-west. */
// prettier-ignore
export const OFFSHORE: readonly Pt[] = [
  [120.945, 36.51], [120.945, 36.4], [120.885, 36.35], [120.8, 36.3], [120.74, 36.245],
  [120.68, 36.21], [120.6, 36.195], [120.552, 36.195],
]

/** Sea-use areas (海域), split at these longitudes, west to east. */
export const SEA_AREAS = [
  { code: 'HY-01', name: '鳌山湾海域', east: 120.735 },
  { code: 'HY-02', name: '横门湾海域', east: 120.84 },
  { code: 'HY-03', name: '田横岛周边海域', east: 121 },
] as const

/** The bounding box every sample coordinate stays in: lon/lat. */
export const EXTENT = { west: 120.15, south: 36.15, east: 120.95, north: 36.65 } as const
