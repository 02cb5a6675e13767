// What each subtype of parcel looks like in the samples: how common, how
// big (亩), where it lies, its shape, name, owner and intended use.
import { CATEGORIES, type CategoryCode } from '../../server/src/domain/categories.ts'
import type { Profile } from './places.ts'

export type IntendedUse =
  'industrial' | 'commercial' | 'residential' | 'tourism' | 'agriculture' | 'public' | 'ecology'

/** core: among the houses; edge: the village fringe; outer: out in the fields. */
export type Placement = 'core' | 'edge' | 'outer' | 'road' | 'river' | 'industrial'

export type ShapeKind = 'rect' | 'trapezoid' | 'L' | 'quad' | 'pentagon' | 'many'

export type Owner = 'collective' | 'company' | 'state' | 'town' | 'unclear'

export interface SubtypeSpec {
  category: CategoryCode
  subtype: string
  /** relative frequency in a rural village */
  weight: number
  /** declared area range, 亩, drawn log-uniformly */
  areaMu: readonly [number, number]
  placement: Placement
  shapes: readonly (readonly [ShapeKind, number])[]
  /** long side / short side */
  aspect: readonly [number, number]
  /** what the parcel name calls it, e.g. 闲置厂房 */
  labels: readonly string[]
  uses: readonly (readonly [IntendedUse, number])[]
  owners: readonly (readonly [Owner, number])[]
}

// prettier-ignore
const BLOCKY = [['rect', 4], ['trapezoid', 2], ['L', 2], ['quad', 3], ['pentagon', 2]] as const
// prettier-ignore
const STRIP = [['rect', 5], ['trapezoid', 3], ['quad', 2]] as const
// prettier-ignore
const NATURAL = [['quad', 2], ['pentagon', 2], ['many', 5]] as const

// prettier-ignore
export const SUBTYPES: readonly SubtypeSpec[] = [
  { category: 'idle_industrial', subtype: '长期未开工的国有建设用地', weight: 2, areaMu: [5, 80], placement: 'industrial', shapes: BLOCKY, aspect: [1, 2.2], labels: ['未开工建设用地'], uses: [['industrial', 6], ['commercial', 3], ['public', 1]], owners: [['state', 7], ['company', 3]] },
  { category: 'idle_industrial', subtype: '停产企业、“僵尸”企业所占土地', weight: 3, areaMu: [5, 120], placement: 'industrial', shapes: BLOCKY, aspect: [1, 2.5], labels: ['停产企业用地', '僵尸企业用地'], uses: [['industrial', 7], ['commercial', 2], ['tourism', 1]], owners: [['company', 8], ['collective', 2]] },
  { category: 'idle_industrial', subtype: '布局散乱、利用粗放、用途不合理、建筑危旧的存量建设用地', weight: 3, areaMu: [5, 60], placement: 'edge', shapes: BLOCKY, aspect: [1, 2.5], labels: ['低效工业用地', '散乱工业用地'], uses: [['industrial', 5], ['commercial', 3], ['residential', 1], ['public', 1]], owners: [['company', 5], ['collective', 4], ['state', 1]] },
  { category: 'idle_industrial', subtype: '长期闲置的工业厂房', weight: 5, areaMu: [5, 150], placement: 'industrial', shapes: [['rect', 5], ['L', 3], ['trapezoid', 2]], aspect: [1.2, 2.5], labels: ['闲置厂房'], uses: [['industrial', 6], ['commercial', 2], ['tourism', 1], ['public', 1]], owners: [['company', 8], ['collective', 2]] },
  { category: 'collective_construction', subtype: '被侵占使用的集体建设用地', weight: 8, areaMu: [0.5, 8], placement: 'core', shapes: BLOCKY, aspect: [1, 2], labels: ['被占集体建设用地'], uses: [['commercial', 3], ['public', 3], ['residential', 2], ['industrial', 2]], owners: [['collective', 1]] },
  { category: 'collective_construction', subtype: '闲置、倒塌、权属不清的宅基地', weight: 22, areaMu: [0.3, 1.5], placement: 'core', shapes: [['rect', 6], ['quad', 2], ['L', 1]], aspect: [1, 1.8], labels: ['闲置宅基地', '倒塌宅基地', '权属不清宅基地'], uses: [['residential', 5], ['tourism', 3], ['agriculture', 1], ['public', 1]], owners: [['collective', 9], ['unclear', 1]] },
  { category: 'collective_construction', subtype: '已撤并的镇街办公场所、中小学、集贸市场、商业设施用地', weight: 3, areaMu: [3, 40], placement: 'core', shapes: [['rect', 4], ['L', 2], ['trapezoid', 2]], aspect: [1, 2], labels: ['原小学校址', '原中学校址', '原集贸市场', '原镇办公场所', '原供销社'], uses: [['public', 4], ['commercial', 3], ['tourism', 2], ['residential', 1]], owners: [['town', 5], ['state', 3], ['collective', 2]] },
  { category: 'intensive_use', subtype: '四荒地（荒山）', weight: 2, areaMu: [10, 300], placement: 'outer', shapes: NATURAL, aspect: [1, 2], labels: ['荒山'], uses: [['ecology', 5], ['tourism', 3], ['agriculture', 2]], owners: [['collective', 1]] },
  { category: 'intensive_use', subtype: '四荒地（荒沟）', weight: 2, areaMu: [3, 60], placement: 'outer', shapes: NATURAL, aspect: [2, 4], labels: ['荒沟'], uses: [['ecology', 5], ['agriculture', 4], ['tourism', 1]], owners: [['collective', 1]] },
  { category: 'intensive_use', subtype: '四荒地（荒丘）', weight: 2, areaMu: [3, 80], placement: 'outer', shapes: NATURAL, aspect: [1, 2], labels: ['荒丘'], uses: [['ecology', 4], ['agriculture', 4], ['tourism', 2]], owners: [['collective', 1]] },
  { category: 'intensive_use', subtype: '四荒地（荒滩）', weight: 2, areaMu: [5, 150], placement: 'river', shapes: NATURAL, aspect: [1.5, 3.5], labels: ['荒滩'], uses: [['ecology', 6], ['agriculture', 2], ['tourism', 2]], owners: [['collective', 1]] },
  { category: 'intensive_use', subtype: '四边地（村边）', weight: 8, areaMu: [0.5, 6], placement: 'edge', shapes: BLOCKY, aspect: [1, 3], labels: ['村边四边地'], uses: [['agriculture', 5], ['public', 3], ['ecology', 2]], owners: [['collective', 1]] },
  { category: 'intensive_use', subtype: '四边地（路边）', weight: 9, areaMu: [0.5, 8], placement: 'road', shapes: STRIP, aspect: [3, 7], labels: ['路边四边地'], uses: [['agriculture', 4], ['ecology', 4], ['public', 2]], owners: [['collective', 1]] },
  { category: 'intensive_use', subtype: '四边地（河边）', weight: 4, areaMu: [0.5, 10], placement: 'river', shapes: STRIP, aspect: [3, 7], labels: ['河边四边地'], uses: [['ecology', 6], ['agriculture', 4]], owners: [['collective', 1]] },
  { category: 'intensive_use', subtype: '四边地（坡边）', weight: 4, areaMu: [0.5, 6], placement: 'outer', shapes: [['quad', 3], ['many', 2], ['trapezoid', 2]], aspect: [1.5, 4], labels: ['坡边四边地'], uses: [['agriculture', 5], ['ecology', 5]], owners: [['collective', 1]] },
  { category: 'intensive_use', subtype: '撂荒土地', weight: 9, areaMu: [2, 40], placement: 'outer', shapes: [['rect', 3], ['quad', 4], ['trapezoid', 2], ['pentagon', 2]], aspect: [1.2, 3], labels: ['撂荒地'], uses: [['agriculture', 9], ['ecology', 1]], owners: [['collective', 1]] },
  { category: 'intensive_use', subtype: '种植意愿低、有意向流转或托管的土地', weight: 5, areaMu: [10, 200], placement: 'outer', shapes: [['rect', 4], ['trapezoid', 3], ['quad', 3]], aspect: [1.2, 3], labels: ['流转意向地', '托管意向地'], uses: [['agriculture', 8], ['tourism', 2]], owners: [['collective', 1]] },
  { category: 'intensive_use', subtype: '违规发包流转或被侵占的机动地、林地、山地', weight: 7, areaMu: [3, 80], placement: 'outer', shapes: [['quad', 3], ['pentagon', 3], ['many', 2], ['rect', 2]], aspect: [1, 2.5], labels: ['机动地', '林地', '山地'], uses: [['agriculture', 6], ['ecology', 3], ['tourism', 1]], owners: [['collective', 1]] },
]

/** How much more (or less) often each category turns up, by town profile. */
const PROFILE_MIX: Readonly<Record<Profile, Readonly<Record<CategoryCode, number>>>> = {
  core: { idle_industrial: 3, collective_construction: 1, intensive_use: 0.4 },
  street: { idle_industrial: 1.5, collective_construction: 1, intensive_use: 0.8 },
  rural: { idle_industrial: 0.8, collective_construction: 1, intensive_use: 1.2 },
  functional: { idle_industrial: 2, collective_construction: 0.6, intensive_use: 0.8 },
}

/** Log-uniform mean, 亩. */
export function meanAreaMu(spec: SubtypeSpec): number {
  const [a, b] = spec.areaMu
  return (b - a) / Math.log(b / a)
}

/**
 * Subtype weights for a village. With many parcels (a district-scale
 * benchmark set), large subtypes keep the count they have at 5000 parcels,
 * so the extra parcels are small ones and the land does not run out.
 */
export function subtypeWeights(
  profile: Profile,
  parcels: number,
): (readonly [SubtypeSpec, number])[] {
  const crowd = Math.min(1, 5000 / parcels)
  return SUBTYPES.map((spec) => {
    const big = meanAreaMu(spec) > 8 ? crowd : 1
    return [spec, spec.weight * PROFILE_MIX[profile][spec.category] * big] as const
  })
}

export function checkCatalog(): void {
  for (const spec of SUBTYPES) {
    const category = CATEGORIES.find((c) => c.code === spec.category)
    if (!category?.subtypes.some((s) => s.zh === spec.subtype)) {
      throw new Error(
        `subtype ${spec.subtype} is not listed under ${spec.category} in server/src/domain/categories.ts`,
      )
    }
  }
}

export const STATUSES = [
  ['registered', 70],
  ['publicized', 12],
  ['recovering', 8],
  ['recovered', 5],
  ['reused', 5],
] as const

export type Problem = 'encroachment' | 'contract' | 'environment'

export const PROBLEM_ORDER: readonly Problem[] = ['encroachment', 'contract', 'environment']

/** Chance of each problem, by subtype where the plan suggests one. */
export function problemOdds(spec: SubtypeSpec): Readonly<Record<Problem, number>> {
  if (spec.subtype.startsWith('被侵占'))
    return { encroachment: 1, contract: 0.15, environment: 0.15 }
  if (spec.subtype.startsWith('违规发包'))
    return { encroachment: 0.4, contract: 0.7, environment: 0.05 }
  if (spec.subtype.includes('路边') || spec.subtype.includes('河边'))
    return { encroachment: 0.15, contract: 0.05, environment: 0.3 }
  if (spec.category === 'idle_industrial')
    return { encroachment: 0.05, contract: 0.2, environment: 0.1 }
  return { encroachment: 0.1, contract: 0.1, environment: 0.08 }
}
