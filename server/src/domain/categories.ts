// The three land categories (三类土地) of the district's 2023 action plan and
// the subtypes it names under each. Plain data: the server, the client and
// the sample generator all import this module.

export type CategoryCode = 'idle_industrial' | 'collective_construction' | 'intensive_use'

export interface Subtype {
  /** the Chinese subtype as stored in a parcel's `subtype` */
  readonly zh: string
  readonly en: string
}

export interface Category {
  readonly code: CategoryCode
  readonly zh: string
  readonly en: string
  /** fill colour on the map and in the legend, #rrggbb */
  readonly color: string
  readonly subtypes: readonly Subtype[]
}

export const CATEGORIES: readonly Category[] = [
  {
    code: 'idle_industrial',
    zh: '闲置低效工业用地',
    en: 'Idle or inefficient industrial land',
    color: '#8e44ad',
    subtypes: [
      { zh: '长期未开工的国有建设用地', en: 'State construction land long left unbuilt' },
      { zh: '停产企业、“僵尸”企业所占土地', en: 'Land of halted or "zombie" enterprises' },
      {
        zh: '布局散乱、利用粗放、用途不合理、建筑危旧的存量建设用地',
        en: 'Scattered, extensive, misused or dilapidated existing construction land',
      },
      { zh: '长期闲置的工业厂房', en: 'Factory buildings long left idle' },
    ],
  },
  {
    code: 'collective_construction',
    zh: '农村集体建设用地',
    en: 'Rural collective construction land',
    color: '#e67e22',
    subtypes: [
      { zh: '被侵占使用的集体建设用地', en: 'Collective construction land occupied by others' },
      { zh: '闲置、倒塌、权属不清的宅基地', en: 'Idle, collapsed or unclear-title homesteads' },
      {
        zh: '已撤并的镇街办公场所、中小学、集贸市场、商业设施用地',
        en: 'Land of merged town offices, schools, markets and shops',
      },
    ],
  },
  {
    code: 'intensive_use',
    zh: '农村可集约利用土地',
    en: 'Rural land for more intensive use',
    color: '#27ae60',
    subtypes: [
      { zh: '四荒地（荒山）', en: 'Waste land (barren hill)' },
      { zh: '四荒地（荒沟）', en: 'Waste land (barren gully)' },
      { zh: '四荒地（荒丘）', en: 'Waste land (barren mound)' },
      { zh: '四荒地（荒滩）', en: 'Waste land (barren beach)' },
      { zh: '四边地（村边）', en: 'Edge land (village edge)' },
      { zh: '四边地（路边）', en: 'Edge land (roadside)' },
      { zh: '四边地（河边）', en: 'Edge land (riverside)' },
      { zh: '四边地（坡边）', en: 'Edge land (slope side)' },
      { zh: '撂荒土地', en: 'Abandoned farmland' },
      {
        zh: '种植意愿低、有意向流转或托管的土地',
        en: 'Land its farmers would transfer or entrust',
      },
      {
        zh: '违规发包流转或被侵占的机动地、林地、山地',
        en: 'Reserve, forest or hill land irregularly let or occupied',
      },
    ],
  },
]

export const CATEGORY_CODES: readonly CategoryCode[] = CATEGORIES.map((c) => c.code)

export function categoryByCode(code: string): Category | undefined {
  return CATEGORIES.find((c) => c.code === code)
}

export function isSubtypeOf(code: CategoryCode, subtype: string): boolean {
  return categoryByCode(code)?.subtypes.some((s) => s.zh === subtype) ?? false
}
