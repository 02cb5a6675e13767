// The parcel dossier (地块核查报告), A4: the map figure on the first page,
// then identification, areas, 四至, the boundary points (界址点) in
// EPSG:4549 metres, the latest findings (with their waivers), the history,
// the workflow steps, the contracts with their arrears and the signature
// block (签字确认, 审查核准).
import { FINDING_CLASS_NAMES, KIND_NAMES } from '../checks/kinds.ts'
import { contractArrears } from '../contracts/store.ts'
import { intendedUseName } from '../domain/uses.ts'
import { CONTRACT_PROBLEM_NAMES } from '../domain/workflow.ts'
import { m2ToMu } from '../geo/extent.ts'
import type { DossierData, Finding } from './dossier-data.ts'
import { buildFigure, drawFigurePdf, type Rect } from './figure.ts'
import { SIDE_NAMES, SIDES, neighbourText } from './four-sides.ts'
import {
  areaText, categoryText, fixed2, chinaTime, chineseDate, contractFields, m2, mu, problemsText, statusText,
} from './format.ts'
import { facts, footers, heading, newPdf, PAGE, paragraph, signatureSection, table, title, type Pdf } from './pdf.ts'

/** Where the map figure sits on the first page, in points from the top left. */
export const DOSSIER_MAP_FRAME: Rect = { x: PAGE.margin, y: 100, width: PAGE.width - 2 * PAGE.margin, height: 330 }

const SEVERITY_NAMES: Record<string, string> = { info: '提示', warning: '警告', conflict: '冲突' }
const ACTION_NAMES: Record<string, string> = { create: '登记', update: '修改', delete: '删除', restore: '恢复' }

/** The dossier as a pdfkit document, not yet ended. */
export function dossierPdf(data: DossierData, today: string): Pdf {
  const { parcel } = data
  const doc = newPdf(`地块核查报告 ${parcel.code}`)
  footers(doc, `即源 · 地块核查报告 ${parcel.code} · 生成于 ${chineseDate(today)}`)
  title(doc, '地块核查报告', `地块编码 ${parcel.code} · ${data.townName ?? parcel.town} ${data.villageName ?? ''}`)
  doc.y = DOSSIER_MAP_FRAME.y - 14
  doc.font('cjk-bold').fontSize(10).text('一、位置图', PAGE.margin, doc.y)
  const figure = buildFigure(DOSSIER_MAP_FRAME, data.extent, data.features, parcel.code)
  doc.y = drawFigurePdf(doc, figure)
  identification(doc, data)
  areas(doc, data)
  sides(doc, data)
  points(doc, data)
  findings(doc, data)
  history(doc, data)
  steps(doc, data)
  contract(doc, data, today)
  signatureSection(doc, '十、签字确认与审查核准', [
    { role: '村干部签字确认', note: '村（社区）干部核实地块信息' },
    { role: '镇（街道）包村干部签字确认', note: '镇（街道）工作专班核实' },
    { role: '镇（街道）审查核准', note: '镇（街道）审查意见及盖章' },
  ], '以上地块信息经实地核查属实。')
  paragraph(doc, `报告日期：${chineseDate(today)}`, { size: 9 })
  return doc
}

function identification(doc: Pdf, { parcel, townName, villageName }: DossierData): void {
  heading(doc, '二、基本信息')
  facts(doc, [
    ['地块编码', parcel.code],
    ['地块名称', parcel.name],
    ['镇（街道）', `${townName ?? ''}（${parcel.town}）`],
    ['村', villageName ? `${villageName}（${parcel.village}）` : '未分村'],
    ['类型', categoryText(parcel.category)],
    ['子类', parcel.subtype ?? ''],
    ['权属', parcel.ownership ?? ''],
    ['状态', statusText(parcel.status)],
    ['位置', parcel.location ?? ''],
    ['问题', problemsText(parcel.problems)],
    ['拟用途', intendedUseName(parcel.intended_use)],
    ['版本', `第 ${parcel.version} 版，${chinaTime(parcel.updated_at)}${parcel.updated_by ? `，${parcel.updated_by}` : ''}`],
  ])
}

function areas(doc: Pdf, { parcel }: DossierData): void {
  heading(doc, '三、面积')
  const measuredMu = m2ToMu(parcel.area_m2)
  const declared = parcel.declared_area_mu
  const diffMu = declared === null ? null : declared - measuredMu
  table(doc, [
    { header: '项目', width: 2 },
    { header: '亩', width: 2, align: 'right' },
    { header: '平方米', width: 2, align: 'right' },
    { header: '说明', width: 5 },
  ], [
    ['测量面积', mu(parcel.area_m2), m2(parcel.area_m2), 'CGCS2000 椭球面积（ST_Area geography）'],
    ['申报面积', declared === null ? '—' : fixed2(declared), declared === null ? '—' : m2((declared * 10000) / 15), '登记时申报'],
    [
      '差值（申报−测量）',
      diffMu === null ? '—' : fixed2(diffMu),
      diffMu === null ? '—' : m2((diffMu * 10000) / 15),
      diffMu === null || measuredMu === 0 ? '' : `占测量面积 ${((diffMu / measuredMu) * 100).toFixed(2)}%`,
    ],
  ])
  paragraph(doc, `1 亩 = 10000/15 平方米。测量面积 ${areaText(parcel.area_m2)}。`, { size: 8.5 })
}

function sides(doc: Pdf, data: DossierData): void {
  heading(doc, '四、四至')
  table(doc, [{ header: '方向', width: 1 }, { header: '相邻', width: 7 }], SIDES.map((side) => [SIDE_NAMES[side], neighbourText(data.sides[side])]))
  paragraph(doc, '四至由系统按地块外侧 30 米内实际相邻的地块、道路（含路基宽度）、河道及村界计算。', { size: 8 })
}

function points(doc: Pdf, { points }: DossierData): void {
  heading(doc, '五、界址点坐标表')
  paragraph(doc, '坐标系：CGCS2000 / 3° 高斯-克吕格投影，中央经线 120°E（EPSG:4549，无带号），单位：米。X 为纵坐标（北），Y 为横坐标（东）。', { size: 8 })
  const rings = new Set(points.map((p) => `${p.part}/${p.ring}`)).size
  table(
    doc,
    [
      { header: '点号', width: 1 },
      ...(rings > 1 ? [{ header: '环', width: 1 }] : []),
      { header: 'X（北，米）', width: 2.4, align: 'right' as const },
      { header: 'Y（东，米）', width: 2.4, align: 'right' as const },
      { header: '至下一点边长（米）', width: 2, align: 'right' as const },
    ],
    points.map((p) => [
      p.name,
      ...(rings > 1 ? [`${p.part}-${p.ring}${p.ring > 1 ? '（内）' : ''}`] : []),
      p.y.toFixed(3),
      p.x.toFixed(3),
      p.next_m.toFixed(2),
    ]),
  )
}

function findings(doc: Pdf, { findings, basis }: DossierData): void {
  heading(doc, '六、检查结果')
  if (findings === null) {
    paragraph(doc, '检查结果暂时无法读取，请稍后重新生成本报告。', { size: 9 })
    return
  }
  const checked = findings.checked.map((k) => KIND_NAMES[k].zh).join('、')
  if (findings.checked.length === 0) {
    paragraph(doc, '本地块尚未经过检查。', { size: 9 })
    return
  }
  const runs = Object.entries(findings.runs).map(([kind, run]) => `${KIND_NAMES[kind as keyof typeof KIND_NAMES].zh} #${run!.run_id}${run!.finished_at ? `（${chinaTime(run!.finished_at)}）` : ''}`)
  paragraph(doc, `已检查：${checked}。最近一次检查：${runs.join('；')}。`, { size: 8.5 })
  if (findings.findings.length === 0) {
    paragraph(doc, '最近一次检查未发现问题。', { size: 9 })
    return
  }
  table(doc, [
    { header: '检查', width: 1.2 },
    { header: '图层/分区', width: 2.2 },
    { header: '类别', width: 1.8 },
    { header: '亩', width: 1.1, align: 'right' },
    { header: '%', width: 1, align: 'right' },
    { header: '程度', width: 0.9 },
    { header: '说明与依据', width: 6 },
  ], findings.findings.map((f) => [
    KIND_NAMES[f.kind as keyof typeof KIND_NAMES]?.zh ?? f.kind,
    [f.layer_name, f.zone_code ?? f.other_parcel_code ?? f.occupation_code].filter(Boolean).join(' '),
    f.zone_class ? (FINDING_CLASS_NAMES[f.zone_class]?.zh ?? f.zone_class) : '',
    f.area_mu === null ? '' : fixed2(f.area_mu),
    f.ratio === null ? '' : (f.ratio * 100).toFixed(1),
    (SEVERITY_NAMES[f.severity] ?? f.severity) + (f.waiver ? '\n已豁免' : ''),
    [f.message, f.rule_id !== null ? basis.get(f.rule_id) : null].filter(Boolean).join('\n依据：') + waiverText(f.waiver),
  ]))
}

/** A waived finding says by whose approval, under which number and when (豁免). */
function waiverText(waiver: Finding['waiver']): string {
  if (!waiver) return ''
  return `\n豁免：批准文号 ${waiver.approval_number}，审批人 ${waiver.approver}，${chineseDate(waiver.approved_on)}；理由：${waiver.reason}`
}

function history(doc: Pdf, data: DossierData): void {
  heading(doc, '七、变更记录')
  if (data.historyTotal > data.history.length) {
    paragraph(doc, `共 ${data.historyTotal} 次变更，下表为最近 ${data.history.length} 次。`, { size: 8.5 })
  }
  table(doc, [
    { header: '版本', width: 0.8 },
    { header: '操作', width: 0.8 },
    { header: '时间（北京时间）', width: 2 },
    { header: '操作人', width: 1.4 },
    { header: '变更字段', width: 4 },
    { header: '备注', width: 2.5 },
  ], data.history.map((h) => [
    String(h.version),
    ACTION_NAMES[h.action] ?? h.action,
    chinaTime(h.changed_at),
    h.changed_by ?? '',
    h.changed_fields.join('、'),
    h.note ?? '',
  ]))
}

/** The confirmed workflow steps: from which stage to which, on what basis, proposed and confirmed by whom. */
function steps(doc: Pdf, { steps }: DossierData): void {
  heading(doc, '八、流程记录')
  if (steps.length === 0) {
    paragraph(doc, '尚无经确认的流程记录。', { size: 9 })
    return
  }
  table(doc, [
    { header: '阶段', width: 2 },
    { header: '依据', width: 3.6 },
    { header: '方式', width: 1.8 },
    { header: '提出', width: 1.4 },
    { header: '确认', width: 2.2 },
  ], steps.map((s) => [
    `${statusText(s.from)} → ${statusText(s.to)}`,
    [s.document, s.document_number, s.approval_number && `批准文号 ${s.approval_number}`, chineseDate(s.document_date)].filter(Boolean).join('\n'),
    [s.method_name, s.procedure_name, s.reuse_mode_name, s.reuse_use].filter(Boolean).join('，'),
    s.proposed_by,
    `${s.decided_by ?? ''}\n${s.decided_at ? chinaTime(s.decided_at) : ''}`,
  ]))
}

/** The registered contracts with what each owes today, then contract facts from the imported attributes. */
function contract(doc: Pdf, { parcel, contracts }: DossierData, today: string): void {
  heading(doc, '九、合同信息')
  const fields = contractFields(parcel.attributes)
  if (contracts.length === 0 && fields.length === 0) {
    paragraph(doc, '未登记合同信息。', { size: 9 })
    return
  }
  if (contracts.length > 0) {
    table(doc, [
      { header: '合同编号', width: 1.6 },
      { header: '承包方', width: 1.8 },
      { header: '期限', width: 2.4 },
      { header: '年费（元）', width: 1.4, align: 'right' },
      { header: '应缴（元）', width: 1.5, align: 'right' },
      { header: '已缴（元）', width: 1.5, align: 'right' },
      { header: '欠款（元）', width: 1.5, align: 'right' },
      { header: '问题', width: 2 },
    ], contracts.map((c) => {
      const owed = contractArrears(c, today)
      return [
        c.number ?? '', c.contractor, `${c.start_on} 至 ${c.terminated_on ?? c.end_on ?? '未约定'}`,
        fixed2(c.annual_fee_yuan), fixed2(owed.due_yuan), fixed2(owed.paid_yuan), fixed2(owed.arrears_yuan),
        c.problems.map((p) => CONTRACT_PROBLEM_NAMES[p].zh).join('、'),
      ]
    }))
    paragraph(doc, `应缴、已缴、欠款计至 ${chineseDate(today)}。`, { size: 8 })
  }
  if (fields.length > 0) facts(doc, fields)
}
