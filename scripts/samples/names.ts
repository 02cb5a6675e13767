// Names in the style of Jimo's villages and enterprises: surname villages
// (王家庄, 孙戈庄), direction + landform villages (后疃, 南阡, 东城阳).
import type { Rng } from './prng.ts'

// common surnames of Jimo and the Jiaodong peninsula, the old Jimo families first
// prettier-ignore
const SURNAMES = [
  '周', '黄', '蓝', '杨', '郭', '孙', '于', '姜', '隋', '曲', '栾', '江', '宫', '鞠', '矫', '王',
  '李', '张', '刘', '赵', '高', '宋', '韩', '林', '徐', '毛', '范', '邵', '葛', '吕', '袁', '崔',
]
// prettier-ignore
const SURNAME_ENDINGS = ['家庄', '家疃', '家埠', '家沟', '家屯', '家泊', '家洼', '家岭', '家营', '家寨', '戈庄', '戈庄', '家河']
// prettier-ignore
const DIRECTIONS = ['东', '西', '南', '北', '前', '后', '上', '下', '大', '小', '中']
// prettier-ignore
const PLACES = [
  '疃', '阡', '庄', '城阳', '河崖', '埠', '沟', '岭', '洼', '泊', '屯', '营', '店', '桥', '涧', '山', '坡',
  '崖头', '石门', '柳沟', '河头', '双山', '石泉', '岚', '官庄', '塔', '集', '汪', '楼子', '枣行',
]

/** A new village name, unique among `taken` (a town's names so far). */
export function villageName(rng: Rng, taken: Set<string>): string {
  for (let attempt = 0; attempt < 200; attempt++) {
    const name = `${villageStem(rng)}村`
    if (!taken.has(name)) {
      taken.add(name)
      return name
    }
  }
  throw new Error(`no free village name after 200 tries (${taken.size} taken)`)
}

function villageStem(rng: Rng): string {
  const style = rng.weighted([
    ['surname', 5],
    ['direction', 4],
    ['both', 1],
  ] as const)
  if (style === 'surname') return rng.pick(SURNAMES) + rng.pick(SURNAME_ENDINGS)
  if (style === 'direction') return rng.pick(DIRECTIONS) + rng.pick(PLACES)
  return rng.pick(DIRECTIONS) + rng.pick(SURNAMES) + rng.pick(SURNAME_ENDINGS)
}

// prettier-ignore
const BRANDS = [
  '鑫泰', '宏达', '华盛', '恒源', '瑞丰', '金海', '永兴', '德润', '海川', '天利', '福瑞', '汇通',
  '嘉诚', '盛源', '润泽', '东方', '华鑫', '利民', '新星', '青松', '鸿运', '中信', '鲁东', '即发',
]
// prettier-ignore
const TRADES = ['机械', '纺织', '服装', '针织', '食品', '木业', '塑料制品', '橡胶', '钢结构', '包装', '工艺品', '建材', '化工', '电子', '汽车配件']

export function companyName(rng: Rng): string {
  return `青岛${rng.pick(BRANDS)}${rng.pick(TRADES)}有限公司`
}

/** Chinese ordinal for a repeated name: （二）, （三）… */
export function ordinal(n: number): string {
  const digits = ['', '一', '二', '三', '四', '五', '六', '七', '八', '九', '十']
  return `（${digits[n] ?? String(n)}）`
}

const COMPASS = ['东', '东北', '北', '西北', '西', '西南', '南', '东南'] as const

/** The compass direction of a bearing given as dx, dy (x east, y north). */
export function compass(dx: number, dy: number): string {
  const sector = Math.round(Math.atan2(dy, dx) / (Math.PI / 4))
  return COMPASS[((sector % 8) + 8) % 8] ?? '东'
}
