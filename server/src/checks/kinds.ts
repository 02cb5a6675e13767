/** The four checks of DOMAIN.md, the finer reasons a finding gives, and severities. */
export const CHECK_KINDS = ['overlap', 'encroachment', 'area', 'geometry'] as const
export type CheckKind = (typeof CHECK_KINDS)[number]

export const SEVERITIES = ['info', 'warning', 'conflict'] as const
export type Severity = (typeof SEVERITIES)[number]

/** Every finding code, with the check kind it belongs to. */
export const FINDING_CODES = {
  zone_overlap: 'overlap',
  occupation_in_parcel: 'encroachment',
  occupation_in_road_control: 'encroachment',
  occupation_in_river_area: 'encroachment',
  parcel_overlap: 'encroachment',
  area_mismatch: 'area',
  invalid_geometry: 'geometry',
  sliver: 'geometry',
  outside_village: 'geometry',
  outside_district: 'geometry',
  duplicate: 'geometry',
} as const satisfies Record<string, CheckKind>
export type FindingCode = keyof typeof FINDING_CODES

export const KIND_NAMES: Record<CheckKind, { zh: string; en: string }> = {
  overlap: { zh: '叠加分析', en: 'overlap' },
  encroachment: { zh: '侵占', en: 'encroachment' },
  area: { zh: '面积核实', en: 'area' },
  geometry: { zh: '几何检查', en: 'geometry' },
}

/** Zone classes of API.md with their names; a layer may bring others, shown by code. */
export const ZONE_CLASS_NAMES: Record<string, { zh: string; en: string }> = {
  basic_farmland: { zh: '永久基本农田', en: 'permanent basic farmland' },
  ecological_redline: { zh: '生态保护红线', en: 'ecological protection red line' },
  urban_boundary: { zh: '城镇开发边界', en: 'urban development boundary' },
  village_construction: { zh: '村庄建设用地', en: 'village construction land' },
  river_area: { zh: '河道管理范围', en: 'river management area' },
  road_control: { zh: '公路建筑控制区', en: 'road building-control zone' },
  sea_area: { zh: '海域', en: 'sea area' },
}

/**
 * What a finding's piece lies in: a zone class, or `parcel` for an
 * occupation intruding into a collective parcel.
 */
export const FINDING_CLASS_NAMES: Record<string, { zh: string; en: string }> = {
  ...ZONE_CLASS_NAMES,
  parcel: { zh: '集体地块', en: 'collective parcel' },
}

/** Road classes of the road layer and the 公路建筑控制区 each keeps. */
export const ROAD_CLASSES = ['expressway', 'national', 'provincial', 'county', 'township'] as const
export type RoadClass = (typeof ROAD_CLASSES)[number]

/** Zone classes whose zones occupations are checked against one by one. */
export const INTRUSION_CLASSES = ['road_control', 'river_area'] as const

/** 1 亩 = 10000/15 m² (DOMAIN.md). */
export const M2_PER_MU = 10000 / 15
