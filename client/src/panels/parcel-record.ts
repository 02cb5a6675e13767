// The parcel panel's sections beside the properties: 四至, the latest check
// findings with their pieces drawn on the map, the history with the diff of
// each version against the one before, the workflow, and the documents.
import type { Feature, FeatureCollection, Geometry } from 'geojson'
import type { ParcelFeature } from '../api/parcels.ts'
import {
  dossierUrl,
  fourSides,
  noticePdfUrl,
  parcelFindings,
  parcelHistory,
  parcelWorkflow,
  SIDES,
  versionDiff,
  type Finding,
  type Severity,
  type Version,
  type VersionDiff,
} from '../api/parcel-record.ts'
import { formatArea, formatNumber } from '../format/area.ts'
import { fieldName } from '../format/field-names.ts'
import { listText } from '../format/list.ts'
import { neighbourText } from '../format/four-sides.ts'
import { statusName } from '../format/names.ts'
import { bboxOf } from '../geometry/bbox.ts'
import { getLanguage, t, type MessageKey } from '../i18n/index.ts'
import type { ParcelSection } from '../layout/parcel-panel.ts'
import type { WorkspaceExtension } from '../workspace-api.ts'
import { h } from './dom.ts'

export const SEVERITY_COLORS: Record<Severity, string> = {
  conflict: '#d7191c',
  warning: '#f28e00',
  info: '#2b7bb9',
}
const SEVERITY_ORDER: readonly Severity[] = ['conflict', 'warning', 'info']

/** The overlay of the selected parcel's finding pieces; the one in focus has its own. */
const FINDINGS_OVERLAY = 'parcel-findings'
const FOCUS_OVERLAY = 'finding-focus'

/**
 * Loads once per parcel version and language (the server words findings and
 * workflow blockers in the request's language): re-rendering the panel for
 * anything else does not ask the server again.
 */
function cached<T>(load: (id: number, signal: AbortSignal) => Promise<T>) {
  let key = ''
  let value: Promise<T> | null = null
  return (parcel: ParcelFeature, signal: AbortSignal): Promise<T> => {
    const next = `${parcel.properties.id}@${parcel.properties.version}@${getLanguage()}`
    if (next !== key || !value) {
      key = next
      // not aborted with the section: the answer is kept for the next render
      value = load(parcel.properties.id, new AbortController().signal)
      value.catch(() => {
        key = ''
      })
    }
    return abortable(value, signal)
  }
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')), {
      once: true,
    })
    promise.then(resolve, reject)
  })
}

/** Fills `body` with "loading…", then what `draw` makes of the data, or the error. */
function fill<T>(
  body: HTMLElement,
  load: (signal: AbortSignal) => Promise<T>,
  draw: (data: T) => Node,
): () => void {
  const controller = new AbortController()
  body.replaceChildren(h('p', { class: 'note' }, t('details.loading')))
  load(controller.signal)
    .then((data) => body.replaceChildren(draw(data)))
    .catch((error: unknown) => {
      if (controller.signal.aborted) return
      const message = error instanceof Error ? error.message : String(error)
      body.replaceChildren(h('p', { class: 'error' }, t('details.loadFailed', { message })))
    })
  return () => controller.abort()
}

function fourSidesSection(): ParcelSection {
  const load = cached(fourSides)
  return {
    id: 'four-sides',
    order: 20,
    title: () => t('details.fourSides'),
    render: (parcel, body) =>
      fill(
        body,
        (signal) => load(parcel, signal),
        (data) =>
          h(
            'div',
            {},
            h(
              'dl',
              { class: 'facts four-sides' },
              ...SIDES.flatMap((side) => [
                h('dt', {}, t(`side.${side}`)),
                h('dd', { 'data-side': side }, neighbourText(data.sides[side])),
              ]),
            ),
            h('p', { class: 'note' }, t('details.fourSidesReach', { m: data.reach_m })),
          ),
      ),
  }
}

function severityBadge(severity: Severity): HTMLElement {
  return h(
    'span',
    { class: `severity ${severity}`, style: `background:${SEVERITY_COLORS[severity]}` },
    t(`severity.${severity}`),
  )
}

/** A finding's pieces as an overlay, each coloured by its severity. */
export function piecesOf(
  findings: readonly { severity: Severity; geometry?: Geometry | null }[],
): FeatureCollection {
  const features: Feature[] = []
  for (const f of findings) {
    if (f.geometry)
      features.push({
        type: 'Feature',
        geometry: f.geometry,
        properties: { color: SEVERITY_COLORS[f.severity] },
      })
  }
  return { type: 'FeatureCollection', features }
}

export function bySeverity<T extends { severity: Severity }>(items: readonly T[]): T[] {
  return [...items].sort(
    (a, b) => SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity),
  )
}

/** One finding in a list: severity, message, area in 亩 and m², waiver; a click shows its piece. */
export function findingItem(finding: Finding, onShow: (finding: Finding) => void): HTMLElement {
  const area =
    finding.area_m2 === null
      ? null
      : h('span', { class: 'area' }, formatArea(finding.area_mu, finding.area_m2))
  const waived = finding.waived
    ? h(
        'span',
        { class: 'waived', title: finding.waiver?.reason ?? '' },
        t('details.waived', { number: finding.waiver?.approval_number ?? '' }),
      )
    : null
  const item = h(
    'li',
    {
      class: `finding ${finding.severity}${finding.waived ? ' is-waived' : ''}`,
      'data-finding': String(finding.id),
    },
    severityBadge(finding.severity),
    h('span', { class: 'message' }, finding.message),
    area,
    waived,
  )
  if (finding.geometry) {
    const show = h('button', { type: 'button', class: 'link' }, t('details.showPiece'))
    show.addEventListener('click', () => onShow(finding))
    item.append(show)
  }
  return item
}

function findingsSection(ws: Parameters<WorkspaceExtension>[0]): ParcelSection {
  const load = cached(parcelFindings)
  const focus = (finding: Finding): void => {
    if (!finding.geometry) return
    ws.map.showOverlay(FOCUS_OVERLAY, piecesOf([finding]), {
      color: SEVERITY_COLORS[finding.severity],
      fillOpacity: 0.55,
      lineWidth: 3,
    })
    const box = bboxOf(finding.geometry)
    if (box) ws.map.fitBbox(box, { maxZoom: 18 })
  }
  return {
    id: 'findings',
    order: 30,
    title: () => t('details.findings'),
    render(parcel, body) {
      const stop = fill(
        body,
        (signal) => load(parcel, signal),
        (data) => {
          const live = data.findings.filter((f) => f.parcel_id === parcel.properties.id)
          ws.map.showOverlay(FINDINGS_OVERLAY, piecesOf(live), {
            color: SEVERITY_COLORS.conflict,
            fillOpacity: 0.3,
            lineWidth: 2,
            dash: [2, 1],
          })
          if (data.checked.length === 0)
            return h('p', { class: 'note' }, t('details.findingsNever'))
          const checked = h(
            'p',
            { class: 'note' },
            t('details.findingsChecked', {
              kinds: listText(data.checked.map((k) => t(`checks.kind.${k}` as MessageKey))),
            }),
          )
          if (live.length === 0) return h('div', {}, h('p', {}, t('details.findingsNone')), checked)
          return h(
            'div',
            {},
            h('ul', { class: 'findings' }, ...bySeverity(live).map((f) => findingItem(f, focus))),
            checked,
          )
        },
      )
      return () => {
        stop()
        ws.map.removeOverlay(FINDINGS_OVERLAY)
        ws.map.removeOverlay(FOCUS_OVERLAY)
      }
    },
  }
}

function when(iso: string): string {
  return new Date(iso).toLocaleString('zh-CN', { hour12: false })
}

function valueText(value: unknown): string {
  if (value === null || value === undefined || value === '') return '—'
  if (Array.isArray(value)) return value.length === 0 ? '—' : listText(value.map(String))
  if (typeof value === 'object') return JSON.stringify(value)
  return String(value)
}

function diffList(diff: VersionDiff): HTMLElement {
  const g = diff.geometry
  const outline = g.changed
    ? t('details.diffOutline', {
        before: formatArea(g.area_mu_before, g.area_m2_before),
        after: formatArea(g.area_mu_after, g.area_m2_after),
        gained: formatNumber(g.added_m2),
        lost: formatNumber(g.removed_m2),
      })
    : t('details.diffOutlineSame')
  return h(
    'ul',
    { class: 'diff' },
    h('li', { 'data-diff': 'geometry' }, outline),
    ...diff.properties.map((p) =>
      h(
        'li',
        { 'data-diff': p.name },
        t('details.diffProperty', {
          field: fieldName(p.name),
          before: valueText(p.before),
          after: valueText(p.after),
        }),
      ),
    ),
  )
}

function versionItem(parcelId: number, version: Version): HTMLElement {
  const action = t(`details.historyAction.${version.action}` as MessageKey)
  const item = h(
    'li',
    { 'data-version': String(version.version) },
    h(
      'div',
      {},
      t('details.historyEntry', {
        version: version.version,
        action,
        who: version.changed_by ?? '—',
        when: when(version.changed_at),
      }),
    ),
    version.note ? h('div', { class: 'note' }, version.note) : null,
    // a created parcel has every field "changed": only later versions list theirs
    version.action === 'update' && version.changed_fields?.length
      ? h(
          'div',
          { class: 'note' },
          t('details.historyFields', {
            fields: listText(version.changed_fields.filter((f) => f !== 'area_m2').map(fieldName)),
          }),
        )
      : null,
  )
  if (version.version > 1) {
    const compare = h('button', { type: 'button', class: 'link' }, t('details.historyDiff'))
    const target = h('div', { class: 'diff-target' })
    compare.addEventListener('click', () => {
      compare.disabled = true
      fill(
        target,
        (signal) => versionDiff(parcelId, version.version - 1, version.version, signal),
        diffList,
      )
    })
    item.append(compare, target)
  }
  return item
}

function historySection(): ParcelSection {
  const load = cached(parcelHistory)
  return {
    id: 'history',
    order: 40,
    title: () => t('details.history'),
    render: (parcel, body) =>
      fill(
        body,
        (signal) => load(parcel, signal),
        (versions) =>
          h(
            'ol',
            { class: 'history', reversed: true },
            ...[...versions].reverse().map((v) => versionItem(parcel.properties.id, v)),
          ),
      ),
  }
}

function workflowSection(): ParcelSection {
  const load = cached(parcelWorkflow)
  return {
    id: 'workflow',
    order: 50,
    title: () => t('details.workflow'),
    render: (parcel, body) =>
      fill(
        body,
        (signal) => load(parcel, signal),
        (flow) => {
          const lines: HTMLElement[] = [h('p', {}, statusName(flow.status))]
          if (flow.pending) {
            const step = `${statusName(flow.pending.from)} → ${statusName(flow.pending.to)}`
            lines.push(
              h('p', {}, t('details.workflowOpen', { step, who: flow.pending.proposed_by })),
            )
          }
          for (const next of flow.next) {
            lines.push(
              next.allowed
                ? h('p', {}, t('details.workflowNext', { step: next.name }))
                : h(
                    'p',
                    { class: 'note' },
                    t('details.workflowBlocked', {
                      step: next.name,
                      blockers: next.blockers.map((b) => b.message).join('；'),
                    }),
                  ),
            )
          }
          if (flow.next.length === 0)
            lines.push(h('p', { class: 'note' }, t('details.workflowNone')))
          if (flow.notice) {
            lines.push(
              h(
                'p',
                {},
                h(
                  'a',
                  { href: noticePdfUrl(flow.notice.id), download: '' },
                  t('details.notice', { from: flow.notice.posted_on, to: flow.notice.ends_on }),
                ),
              ),
            )
          }
          return h('div', { class: 'workflow' }, ...lines)
        },
      ),
  }
}

function documentsSection(): ParcelSection {
  return {
    id: 'documents',
    order: 60,
    title: () => null,
    render(parcel, body) {
      body.append(
        h(
          'p',
          {},
          h(
            'a',
            { href: dossierUrl(parcel.properties.id), download: '', class: 'document' },
            t('details.dossier'),
          ),
        ),
      )
    },
  }
}

/** Adds the record sections to the parcel panel. */
export const parcelRecord: WorkspaceExtension = (ws) => {
  const undo = [
    fourSidesSection(),
    findingsSection(ws),
    historySection(),
    workflowSection(),
    documentsSection(),
  ].map((s) => ws.parcelPanel.addSection(s))
  return () => undo.forEach((remove) => remove())
}
