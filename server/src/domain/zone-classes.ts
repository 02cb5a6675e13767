// How the map and the legend draw each planning zone class and reference
// line (API.md, "Zone classes"). Plain data shared by the client; the hues
// follow the dossier figure (server/src/reports/figure.ts), so a zone has one
// colour everywhere. Fills are pale so the parcels' category colours stand out.

export interface ZoneStyle {
  readonly zh: string
  readonly en: string
  /** #rrggbb; none for a class drawn as a line only */
  readonly fill: string | null
  readonly stroke: string
  /** dash pattern in line widths, as MapLibre's line-dasharray */
  readonly dash?: readonly number[]
  /** diagonal hatching in the stroke colour over the fill */
  readonly hatch?: boolean
}

export const ZONE_STYLES: Readonly<Record<string, ZoneStyle>> = {
  basic_farmland: { zh: '永久基本农田', en: 'Permanent basic farmland', fill: '#f4e48a', stroke: '#c2a800' },
  ecological_redline: {
    zh: '生态保护红线', en: 'Ecological protection red line', fill: '#f6cfcf', stroke: '#c0392b', dash: [3, 2],
  },
  urban_boundary: { zh: '城镇开发边界', en: 'Urban development boundary', fill: null, stroke: '#6b4f9a', dash: [5, 3] },
  village_construction: { zh: '村庄建设用地', en: 'Village construction land', fill: '#f1e1cd', stroke: '#b08a5a' },
  river_area: { zh: '河道管理范围', en: 'River management area', fill: '#cfe6fa', stroke: '#3f83c6', dash: [4, 2] },
  road_control: {
    zh: '公路建筑控制区', en: 'Road building-control zone', fill: '#ececec', stroke: '#8a8a8a', hatch: true,
  },
  sea_area: { zh: '海域', en: 'Sea area', fill: '#bcdcf2', stroke: '#5b9bd5' },
}

/** A class a layer brings that is not listed above. */
export const OTHER_ZONE: ZoneStyle = { zh: '其他分区', en: 'Other zone', fill: '#e4e4e4', stroke: '#9e9e9e' }

/** Road centre lines by road_class: colour and width in pixels at zoom 12. */
export const ROAD_STYLES: Readonly<Record<string, { color: string; width: number }>> = {
  expressway: { color: '#e8a33d', width: 3 },
  national: { color: '#f0b95a', width: 2.5 },
  provincial: { color: '#f5cf7e', width: 2 },
  county: { color: '#ffffff', width: 1.6 },
  township: { color: '#ffffff', width: 1.1 },
}

export const RIVER_COLOR = '#5b9bd5'
