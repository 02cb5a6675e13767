/** The stages a parcel moves through (DOMAIN.md, "The work, in order"). */
export const STATUSES = ['registered', 'publicized', 'recovering', 'recovered', 'reused'] as const
export type Status = (typeof STATUSES)[number]

export const STATUS_NAMES: Record<Status, { zh: string; en: string }> = {
  registered: { zh: '已登记', en: 'registered' },
  publicized: { zh: '公示中', en: 'publicized' },
  recovering: { zh: '清收中', en: 'recovering' },
  recovered: { zh: '已收回', en: 'recovered' },
  reused: { zh: '已盘活', en: 'reused' },
}

/** The three problems (三类问题). */
export const PROBLEMS = ['encroachment', 'contract', 'environment'] as const
export type Problem = (typeof PROBLEMS)[number]

export const PROBLEM_NAMES: Record<Problem, { zh: string; en: string }> = {
  encroachment: { zh: '侵占集体资产资源', en: 'encroachment on collective assets' },
  contract: { zh: '合同签订不规范', en: 'irregular contract' },
  environment: { zh: '破坏城乡公共区域环境', en: 'damage to public spaces' },
}

// The workflow (DOMAIN.md, Annex 4): each step from one stage to the next is
// proposed by the town and confirmed by an approver (审查核准), with the
// decision behind it. What each step needs is listed with the step.

/** What a proposal must carry for a step. */
export type Need =
  /** a decision: 会议决议 (document) or 批准文号 (document_number), at least one */
  | 'document'
  /** a live public notice of the village that lists the parcel */
  | 'notice'
  /** the recovery method (清收方式) */
  | 'method'
  /** the reuse mode (盘活方式) */
  | 'reuse_mode'
  /** a note saying why */
  | 'note'

export interface Step {
  from: Status
  to: Status
  needs: readonly Need[]
  zh: string
  en: string
}

export const STEPS: readonly Step[] = [
  // the members' meeting votes on the ledger, which is then posted (公示)
  { from: 'registered', to: 'publicized', needs: ['document', 'notice'], zh: '公示', en: 'post the notice' },
  // after the 5 working days of the notice, with every objection answered
  { from: 'publicized', to: 'recovering', needs: ['document', 'method'], zh: '启动清收', en: 'start recovery' },
  { from: 'recovering', to: 'recovered', needs: ['document'], zh: '清收完成', en: 'recovery done' },
  { from: 'recovered', to: 'reused', needs: ['document', 'reuse_mode'], zh: '盘活利用', en: 'put to use' },
  // back to the ledger when an objection is upheld: corrected and posted again
  { from: 'publicized', to: 'registered', needs: ['note'], zh: '撤回公示，修正台账', en: 'withdraw from the notice to correct the ledger' },
]

export function findStep(from: string, to: string): Step | undefined {
  return STEPS.find((step) => step.from === from && step.to === to)
}

/** 清收方式: how a resource is recovered (DOMAIN.md, step 3). */
export const RECOVERY_METHODS = ['take_back', 're_tender', 'regularise_contract', 'collect_arrears', 'clear_structures'] as const
export type RecoveryMethod = (typeof RECOVERY_METHODS)[number]

export const RECOVERY_METHOD_NAMES: Record<RecoveryMethod, { zh: string; en: string }> = {
  take_back: { zh: '收回', en: 'take back' },
  re_tender: { zh: '重新发包', en: 're-tender' },
  regularise_contract: { zh: '规范合同', en: 'regularise the contract' },
  collect_arrears: { zh: '催缴', en: 'collect arrears' },
  clear_structures: { zh: '清理整治', en: 'clear structures and piles' },
}

/** How a re-tender (重新发包) is held. */
export const TENDER_PROCEDURES = ['tender', 'auction', 'open_negotiation'] as const
export type TenderProcedure = (typeof TENDER_PROCEDURES)[number]

export const TENDER_PROCEDURE_NAMES: Record<TenderProcedure, { zh: string; en: string }> = {
  tender: { zh: '招标', en: 'tender' },
  auction: { zh: '拍卖', en: 'auction' },
  open_negotiation: { zh: '公开协商', en: 'open negotiation' },
}

/** 盘活方式: how a recovered resource is put to use (DOMAIN.md, step 4). */
export const REUSE_MODES = ['self_operate', 'lease', 'shares', 'joint_operation'] as const
export type ReuseMode = (typeof REUSE_MODES)[number]

export const REUSE_MODE_NAMES: Record<ReuseMode, { zh: string; en: string }> = {
  self_operate: { zh: '自营', en: 'self-operated' },
  lease: { zh: '出租', en: 'lease' },
  shares: { zh: '入股', en: 'invested as shares' },
  joint_operation: { zh: '联营', en: 'joint operation' },
}

/** The problems of a contract (合同签订不规范, DOMAIN.md's list). */
export const CONTRACT_PROBLEMS = ['oral', 'irregular_procedure', 'unfair_price', 'illegal_use_change', 'overdue'] as const
export type ContractProblem = (typeof CONTRACT_PROBLEMS)[number]

export const CONTRACT_PROBLEM_NAMES: Record<ContractProblem, { zh: string; en: string }> = {
  oral: { zh: '口头合同', en: 'oral contract' },
  irregular_procedure: { zh: '程序或内容不规范', en: 'irregular procedure or content' },
  unfair_price: { zh: '价格显失公平', en: 'grossly unfair price' },
  illegal_use_change: { zh: '违规变更用途', en: 'illegal change of use' },
  overdue: { zh: '拖欠承包费、租赁费', en: 'unpaid or short-paid fees' },
}

/** What a parcel's photos and scans are (档案, DOMAIN.md "Records kept"). */
export const ATTACHMENT_KINDS = ['survey_photo', 'notice_photo', 'minutes', 'contract', 'other'] as const
export type AttachmentKind = (typeof ATTACHMENT_KINDS)[number]

export const ATTACHMENT_KIND_NAMES: Record<AttachmentKind, { zh: string; en: string }> = {
  survey_photo: { zh: '排查照片', en: 'survey photo' },
  notice_photo: { zh: '公示照片', en: 'notice photo' },
  minutes: { zh: '会议记录', en: 'meeting minutes' },
  contract: { zh: '合同', en: 'contract' },
  other: { zh: '其他', en: 'other' },
}

/** How an objection came in, and how it was answered (答复方式). */
export const CONTACT_WAYS = ['in_person', 'phone', 'letter', 'online', 'posting'] as const
export type ContactWay = (typeof CONTACT_WAYS)[number]

export const CONTACT_WAY_NAMES: Record<ContactWay, { zh: string; en: string }> = {
  in_person: { zh: '当面', en: 'in person' },
  phone: { zh: '电话', en: 'by phone' },
  letter: { zh: '书面', en: 'in writing' },
  online: { zh: '网络', en: 'online' },
  posting: { zh: '张贴公告', en: 'posted notice' },
}

/** What answering an objection found: upheld (属实, the ledger is corrected) or dismissed (不属实). */
export const OBJECTION_OUTCOMES = ['upheld', 'dismissed'] as const
export type ObjectionOutcome = (typeof OBJECTION_OUTCOMES)[number]
