// The 检查 tab: run the checks for the selected parcel, the filtered village
// or town, or the district; watch the run's progress; list its findings by
// severity with their areas, and show each one's piece on the map.
import {
  CHECK_KINDS,
  readRun,
  runFraction,
  startRun,
  type CheckKind,
  type Run,
  type RunScope,
} from '../api/checks.ts'
import type { Finding, Severity } from '../api/parcel-record.ts'
import { inReach } from '../auth/permissions.ts'
import { bboxOf } from '../geometry/bbox.ts'
import { onLanguageChange, t } from '../i18n/index.ts'
import type { Workspace, WorkspaceExtension } from '../workspace-api.ts'
import { h } from './dom.ts'
import { Labels } from './labels.ts'
import { bySeverity, findingItem, piecesOf, SEVERITY_COLORS } from './parcel-record.ts'
import './tools.css'

const TAB = 'checks'
const RUN_OVERLAY = 'check-findings'
const FOCUS_OVERLAY = 'check-focus'
/** How often a running check is asked for its progress, ms. */
const POLL_MS = 1000
/** The most findings listed (and drawn) from one run. */
const LISTED = 500
const SEVERITIES: readonly Severity[] = ['conflict', 'warning', 'info']

interface ScopeChoice {
  id: string
  label: string
  scope: RunScope
}

/** Where a run may go, nearest first: the selected parcel, the filter's village and town, the district. */
export function scopeChoices(ws: Workspace): ScopeChoice[] {
  const choices: ScopeChoice[] = []
  const parcel = ws.selection.current
  const inTown = (town: string | undefined) => inReach(ws.user, town)
  if (parcel && inTown(parcel.properties.town)) {
    choices.push({
      id: 'selection',
      label: t('checks.scope.selection', { code: parcel.properties.code }),
      scope: { parcel_ids: [Number(parcel.properties.id)] },
    })
  }
  const { village, town } = ws.filter.get()
  const villageTown = village ? ws.places.get(village)?.town : undefined
  if (village && inTown(villageTown)) {
    choices.push({
      id: 'village',
      label: t('checks.scope.village', { name: ws.places.name(village) }),
      scope: { village },
    })
  }
  const ownTown = town ?? villageTown ?? ws.user.town ?? undefined
  if (ownTown && inTown(ownTown)) {
    choices.push({
      id: 'town',
      label: t('checks.scope.town', { name: ws.places.name(ownTown) }),
      scope: { town: ownTown },
    })
  }
  if (ws.user.town === null)
    choices.push({ id: 'district', label: t('checks.scope.district'), scope: {} })
  return choices
}

function countsLine(run: Run): HTMLElement {
  const totals: Record<Severity, number> = { conflict: 0, warning: 0, info: 0 }
  for (const bySeverityCount of Object.values(run.summary.counts)) {
    for (const severity of SEVERITIES) totals[severity] += bySeverityCount[severity] ?? 0
  }
  return h(
    'p',
    { class: 'severity-counts' },
    ...SEVERITIES.map((severity) =>
      h(
        'span',
        {
          class: `severity ${severity}`,
          style: `background:${SEVERITY_COLORS[severity]}`,
          'data-count': String(totals[severity]),
        },
        t('checks.severityCount', { severity: t(`severity.${severity}`), count: totals[severity] }),
      ),
    ),
  )
}

function mountChecks(ws: Workspace, panel: HTMLElement): () => void {
  const labels = new Labels()
  const kinds = CHECK_KINDS.map((kind) => {
    const box = h('input', { type: 'checkbox', name: 'kind', value: kind })
    box.checked = true
    return box
  })
  const scope = h('select', { name: 'scope' })
  const run = h(
    'button',
    { type: 'button', class: 'primary', 'data-action': 'run-checks' },
    labels.text(() => t('checks.run')),
  )
  const bar = h('div', { class: 'progress-bar' })
  const progress = h(
    'div',
    { class: 'progress', hidden: true },
    h('div', { class: 'progress-track' }, bar),
  )
  const status = h('p', { class: 'note', role: 'status' })
  const results = h('div', { class: 'check-results' })
  let choices: ScopeChoice[] = []
  let running = false
  let timer: ReturnType<typeof setTimeout> | null = null
  let controller: AbortController | null = null
  let shown: Run | null = null

  const fillScopes = (): void => {
    const kept = scope.value
    choices = scopeChoices(ws)
    scope.replaceChildren(...choices.map((c) => h('option', { value: c.id }, c.label)))
    if (choices.some((c) => c.id === kept)) scope.value = kept
    run.disabled = choices.length === 0 || running
  }
  const setProgress = (fraction: number | null): void => {
    progress.hidden = false
    bar.classList.toggle('indeterminate', fraction === null)
    bar.style.width = fraction === null ? '' : `${Math.round(fraction * 100)}%`
  }
  const focus = (finding: Finding): void => {
    if (!finding.geometry) return
    ws.map.showOverlay(FOCUS_OVERLAY, piecesOf([finding]), {
      color: SEVERITY_COLORS[finding.severity],
      fillOpacity: 0.6,
      lineWidth: 3,
    })
    const box = bboxOf(finding.geometry)
    if (box) ws.map.fitBbox(box, { maxZoom: 18 })
  }
  const showFindings = (done: Run): void => {
    shown = done
    const findings = bySeverity(done.findings ?? [])
    const total = done.findings_total ?? findings.length
    status.textContent = t('checks.done', { count: total })
    ws.map.showOverlay(RUN_OVERLAY, piecesOf(findings), {
      color: SEVERITY_COLORS.conflict,
      fillOpacity: 0.3,
      lineWidth: 2,
      dash: [2, 1],
    })
    results.replaceChildren(
      countsLine(done),
      findings.length === 0
        ? h('p', {}, t('checks.none'))
        : h('ul', { class: 'findings' }, ...findings.map((f) => withParcel(f, focus))),
      total > findings.length
        ? h('p', { class: 'note' }, t('checks.more', { count: total - findings.length }))
        : '',
    )
  }
  const finish = (): void => {
    if (timer) clearTimeout(timer)
    timer = null
    running = false
    progress.hidden = true
    fillScopes()
  }
  const poll = (runId: number, task: ReturnType<Workspace['activity']['start']>): void => {
    controller = new AbortController()
    const waiting = controller
    readRun(runId, 0, waiting.signal)
      .then(async (current) => {
        const fraction = runFraction(current)
        setProgress(fraction)
        if (fraction !== null) task.progress(fraction)
        status.textContent =
          current.status === 'queued'
            ? t('checks.queued')
            : t('checks.running', {
                percent: fraction === null ? '' : `${Math.round(fraction * 100)}%`,
              })
        if (current.status === 'failed') throw new Error(current.error ?? 'failed')
        if (current.status !== 'done') {
          timer = setTimeout(() => poll(runId, task), POLL_MS)
          return
        }
        showFindings(await readRun(runId, LISTED, waiting.signal))
        task.done()
        finish()
      })
      .catch((error: unknown) => {
        task.done()
        if (waiting.signal.aborted) return
        status.textContent = t('checks.failed', {
          message: error instanceof Error ? error.message : String(error),
        })
        status.classList.add('error')
        finish()
      })
  }

  run.addEventListener('click', () => {
    const choice = choices.find((c) => c.id === scope.value)
    const chosen = kinds.filter((box) => box.checked).map((box) => box.value as CheckKind)
    if (!choice || chosen.length === 0) return
    run.disabled = true
    status.classList.remove('error')
    status.textContent = t('checks.queued')
    results.replaceChildren()
    ws.map.removeOverlay(RUN_OVERLAY)
    ws.map.removeOverlay(FOCUS_OVERLAY)
    setProgress(null)
    const task = ws.activity.start('checks.activity')
    running = true
    shown = null
    startRun(chosen, choice.scope)
      .then((started) => poll(started.run_id, task))
      .catch((error: unknown) => {
        task.done()
        status.textContent = t('checks.failed', {
          message: error instanceof Error ? error.message : String(error),
        })
        status.classList.add('error')
        finish()
      })
  })

  panel.append(
    h(
      'div',
      { class: 'checks-panel' },
      h(
        'h2',
        {},
        labels.text(() => t('checks.kinds')),
      ),
      h(
        'div',
        { class: 'kinds' },
        ...kinds.map((box) =>
          h(
            'label',
            { class: 'check' },
            box,
            labels.text(() => t(`checks.kind.${box.value as CheckKind}`)),
          ),
        ),
      ),
      h(
        'h2',
        {},
        labels.text(() => t('checks.scope')),
      ),
      scope,
      h('div', { class: 'form-actions' }, run),
      progress,
      status,
      results,
    ),
  )
  fillScopes()
  const relabel = (): void => {
    fillScopes()
    if (shown) showFindings(shown)
  }
  const undo = [
    ws.filter.onChange(fillScopes),
    ws.selection.onChange(fillScopes),
    onLanguageChange(relabel),
  ]
  return () => {
    labels.dispose()
    undo.forEach((remove) => remove())
    controller?.abort()
    if (timer) clearTimeout(timer)
    ws.map.removeOverlay(RUN_OVERLAY)
    ws.map.removeOverlay(FOCUS_OVERLAY)
  }
}

/** A finding of a run names its parcel, since the list spans many. */
function withParcel(finding: Finding, focus: (f: Finding) => void): HTMLElement {
  const item = findingItem(finding, focus)
  if (finding.parcel_code) item.prepend(h('span', { class: 'parcel-code' }, finding.parcel_code))
  return item
}

export const checksTool: WorkspaceExtension = (ws) => {
  if (!ws.can('check.run')) return
  const tab = ws.sidebar.addTab({
    id: TAB,
    label: () => t('checks.tab'),
    order: 60,
    mount: (panel) => mountChecks(ws, panel),
  })
  return () => tab.remove()
}
