// Drawing and editing parcels: the 绘制 tab (a new outline, or the vertices of
// the selected parcel's), with the live area and the live pre-check, and the
// parcel panel's edit section (属性 in a form, 边界 in the tab). Offered only to
// users who may write parcels, and for a parcel only within their town.
import type { Polygon } from 'geojson'
import { ApiError } from '../api/http.ts'
import { previewChecks, type Preview } from '../api/checks.ts'
import {
  changeParcel,
  createParcel,
  readForEdit,
  type EditableProperties,
  type Editable,
  type Outline,
} from '../api/parcel-edits.ts'
import { parcelsInBbox, type Bbox, type ParcelFeature } from '../api/parcels.ts'
import { writesIn } from '../auth/permissions.ts'
import { liveArea } from '../draw/live-area.ts'
import { maySave, precheckWarnings, type Warning } from '../draw/precheck.ts'
import { snapRings, type SnapRing } from '../draw/snap.ts'
import type { Validity } from '../draw/validity.ts'
import { changedProperties, formValues, validateForm } from '../edit/validate.ts'
import { areaDifference, formatDifference } from '../format/area-difference.ts'
import { formatArea } from '../format/area.ts'
import { onLanguageChange, t } from '../i18n/index.ts'
import type { ParcelSection } from '../layout/parcel-panel.ts'
import type { Workspace, WorkspaceExtension } from '../workspace-api.ts'
import { h } from './dom.ts'
import { mountParcelForm } from './parcel-form.ts'
import { piecesOf, SEVERITY_COLORS } from './parcel-record.ts'
import './tools.css'

type Heavy = typeof import('../draw/heavy.ts')

/** terra-draw and jsts, fetched once, the first time a session starts. */
let heavy: Promise<Heavy> | null = null
const loadHeavy = (): Promise<Heavy> => (heavy ??= import('../draw/heavy.ts'))

const TAB = 'draw'
const PRECHECK_OVERLAY = 'draw-precheck'
/** Wait this long after the last change before asking the server, ms. */
const PRECHECK_DELAY = 400
/** The most neighbours loaded for snapping at once. */
const NEIGHBOUR_LIMIT = 3000

/** Whether the user may change this parcel: a writer, and the parcel in the user's town. */
export function mayEdit(ws: Workspace, parcel: { properties: { town: string } }): boolean {
  return writesIn(ws.user, parcel.properties.town)
}

/**
 * What a save refused for a stale version says: the version someone else
 * saved meanwhile (read anew, as the refusal names it only in its message)
 * and a button to reload.
 */
async function conflictMessage(id: number, reload: () => void): Promise<Node> {
  const current = await readForEdit(id).then(
    (latest) => String(latest.parcel.properties.version),
    () => '?',
  )
  const button = h(
    'button',
    { type: 'button', class: 'secondary', 'data-action': 'reload' },
    t('form.reload'),
  )
  button.addEventListener('click', reload)
  return h('span', { class: 'version-conflict' }, t('form.conflict', { current }), ' ', button)
}

function isConflict(error: unknown): error is ApiError {
  return error instanceof ApiError && error.status === 412
}

/** Grows a box by half its size on each side: neighbours just off screen snap too. */
function grown([w, s, e, n]: Bbox): Bbox {
  const dx = (e - w) / 2
  const dy = (n - s) / 2
  return [w - dx, s - dy, e + dx, n + dy]
}

/**
 * The neighbours' rings for snapping, loaded for the view and again when the
 * pointer leaves the loaded box; the edited parcel itself is left out.
 */
class Neighbours {
  private rings: SnapRing[] = []
  private box: Bbox | null = null
  private loading: AbortController | null = null

  constructor(
    private readonly ws: Workspace,
    private readonly exceptId: number | null,
    private readonly onLoaded: (count: number) => void,
  ) {
    this.load(ws.map.bbox())
  }

  get current(): readonly SnapRing[] {
    return this.rings
  }

  /** Loads the neighbours around a point the pointer reached, unless they are loaded. */
  reach([lon, lat]: number[]): void {
    const box = this.box
    if (lon === undefined || lat === undefined) return
    if (box && lon >= box[0] && lon <= box[2] && lat >= box[1] && lat <= box[3]) return
    this.load(this.ws.map.bbox())
  }

  dispose(): void {
    this.loading?.abort()
  }

  private load(view: Bbox): void {
    if (this.loading) return
    const box = grown(view)
    const controller = new AbortController()
    this.loading = controller
    parcelsInBbox(box, NEIGHBOUR_LIMIT, controller.signal)
      .then((collection) => {
        const others = collection.features.filter((f) => Number(f.properties.id) !== this.exceptId)
        this.rings = snapRings(others)
        this.box = box
        this.onLoaded(others.length)
      })
      .catch(() => undefined)
      .finally(() => {
        if (this.loading === controller) this.loading = null
      })
  }
}

interface Check {
  validity: Validity
  preview: Preview | null
  warnings: Warning[]
}

/**
 * The live part of a session: the area as the outline changes, the browser's
 * validity verdict at once, the server's pre-check a moment later.
 */
class LiveCheck {
  readonly element: HTMLElement
  private readonly area = h('p', { class: 'live-area', 'data-live-area': '' })
  private readonly difference = h('p', { class: 'note', 'data-area-difference': '' })
  private readonly status = h('p', { class: 'note precheck-status', role: 'status' })
  private readonly list = h('ul', { class: 'precheck' })
  private readonly acknowledge = h('input', { type: 'checkbox', name: 'acknowledge' })
  private readonly acknowledgeRow = h(
    'label',
    { class: 'check acknowledge', hidden: true },
    this.acknowledge,
    t('draw.acknowledge'),
  )
  private timer: ReturnType<typeof setTimeout> | null = null
  private request: AbortController | null = null
  private latest: Check = {
    validity: { valid: false, reason: 'too_few_points', location: null },
    preview: null,
    warnings: [],
  }
  /** the declared area to compare with, 亩 */
  declaredMu: number | null = null
  category: string | null = null

  constructor(
    private readonly ws: Workspace,
    private readonly parcelId: number | null,
    private readonly checkValidity: Heavy['checkValidity'],
    private readonly onState: () => void,
  ) {
    this.element = h(
      'div',
      { class: 'live-check' },
      h('h2', {}, t('draw.area')),
      this.area,
      this.difference,
      h('p', { class: 'note' }, t('draw.areaNote')),
      this.status,
      this.list,
      this.acknowledgeRow,
    )
    this.acknowledge.addEventListener('change', onState)
    this.update(null)
  }

  get mayBeSaved(): boolean {
    return (
      this.latest.validity.valid &&
      this.latest.preview !== null &&
      maySave(this.latest.warnings, this.acknowledge.checked)
    )
  }

  update(outline: Polygon | null): void {
    this.request?.abort()
    if (this.timer) clearTimeout(this.timer)
    const area = outline ? liveArea(outline) : null
    this.area.textContent = area ? formatArea(area.mu, area.m2) : t('draw.areaPending')
    const difference = area ? areaDifference(this.declaredMu, area.m2) : null
    this.difference.textContent = difference
      ? `${t('details.declared')} ${formatArea(this.declaredMu)} · ${t('details.difference')} ${formatDifference(difference)}`
      : ''
    this.difference.hidden = difference === null
    if (!outline || !area) {
      this.show(
        {
          validity: { valid: false, reason: 'too_few_points', location: null },
          preview: null,
          warnings: [],
        },
        '',
      )
      return
    }
    const validity = this.checkValidity(outline)
    const local = precheckWarnings(validity, null)
    if (!validity.valid) {
      this.show({ validity, preview: null, warnings: local }, '')
      return
    }
    this.show({ validity, preview: null, warnings: local }, t('draw.checking'))
    this.timer = setTimeout(() => this.ask(outline, validity), PRECHECK_DELAY)
  }

  dispose(): void {
    this.request?.abort()
    if (this.timer) clearTimeout(this.timer)
    this.ws.map.removeOverlay(PRECHECK_OVERLAY)
  }

  private ask(outline: Polygon, validity: Validity): void {
    const controller = new AbortController()
    this.request = controller
    const body = { geometry: outline, category: this.category, parcel_id: this.parcelId }
    previewChecks(body, controller.signal)
      .then((preview) => {
        const warnings = precheckWarnings(validity, preview)
        this.show({ validity, preview, warnings }, warnings.length === 0 ? t('draw.clean') : '')
      })
      .catch((error: unknown) => {
        if (controller.signal.aborted) return
        const message = error instanceof Error ? error.message : String(error)
        this.show(
          { validity, preview: null, warnings: [] },
          t('draw.checkFailed', { message }),
          true,
        )
      })
  }

  private show(check: Check, status: string, isError = false): void {
    this.latest = check
    this.status.textContent = status
    this.status.classList.toggle('error', isError)
    this.list.replaceChildren(
      ...check.warnings.map((w) =>
        h(
          'li',
          { class: `warning ${w.severity}`, 'data-severity': w.severity },
          h(
            'span',
            { class: `severity ${w.severity}`, style: `background:${SEVERITY_COLORS[w.severity]}` },
            t(`severity.${w.severity}`),
          ),
          w.text,
        ),
      ),
    )
    const conflicts = check.warnings.some((w) => w.severity === 'conflict' && !w.blocking)
    this.acknowledgeRow.hidden = !conflicts
    if (!conflicts) this.acknowledge.checked = false
    const pieces = piecesOf(
      check.warnings.flatMap((w) => (w.piece ? [{ severity: w.severity, geometry: w.piece }] : [])),
    )
    if (pieces.features.length > 0)
      this.ws.map.showOverlay(PRECHECK_OVERLAY, pieces, {
        color: SEVERITY_COLORS.conflict,
        fillOpacity: 0.45,
        lineWidth: 2,
      })
    else this.ws.map.removeOverlay(PRECHECK_OVERLAY)
    this.onState()
  }
}

/** The one polygon of an outline that terra-draw can edit; null for several parts or holes. */
function editablePolygon(outline: Outline): Polygon | null {
  const polygons = outline.type === 'Polygon' ? [outline.coordinates] : outline.coordinates
  if (polygons.length !== 1 || polygons[0]!.length !== 1) return null
  return { type: 'Polygon', coordinates: polygons[0]! }
}

/** The 绘制 tab's state: idle, or one session (new outline or the vertices of a parcel). */
class DrawTab {
  private session: { stop(): void } | null = null
  private body: HTMLElement | null = null

  constructor(private readonly ws: Workspace) {}

  mount(panel: HTMLElement): () => void {
    this.body = panel
    this.idle()
    // a session keeps its words until it ends; the idle tab is worded again at once
    const unsubscribe = onLanguageChange(() => {
      if (!this.session) this.idle()
    })
    return () => {
      unsubscribe()
      this.end()
    }
  }

  idle(message?: string): void {
    this.end()
    if (!this.body) return
    const start = h(
      'button',
      { type: 'button', class: 'primary', 'data-action': 'draw-new' },
      t('draw.new'),
    )
    start.addEventListener('click', () => void this.drawNew())
    this.body.replaceChildren(
      h(
        'div',
        { class: 'draw-panel', 'data-draw-state': 'idle' },
        start,
        h('p', { class: 'note' }, t('draw.hint')),
        message ? h('p', { class: 'saved', role: 'status' }, message) : null,
      ),
    )
  }

  async drawNew(): Promise<void> {
    this.end()
    const ws = this.ws
    const { DrawSession, checkValidity } = await loadHeavy()
    const cleanups: (() => void)[] = []
    const root = h('div', { class: 'draw-panel', 'data-draw-state': 'drawing' })
    const neighboursNote = h('p', { class: 'note' })
    const neighbours = new Neighbours(
      ws,
      null,
      (count) => (neighboursNote.textContent = t('draw.neighbours', { count })),
    )
    let outline: Polygon | null = null
    let form: ReturnType<typeof mountParcelForm> | null = null
    const live = new LiveCheck(ws, null, checkValidity, () => form?.setBlocked(!live.mayBeSaved))
    const cancel = h(
      'button',
      { type: 'button', class: 'secondary', 'data-action': 'cancel' },
      t('draw.cancel'),
    )
    cancel.addEventListener('click', () => this.idle())
    const formSlot = h('div', {})
    root.append(
      h('p', { class: 'note' }, t('draw.hint')),
      neighboursNote,
      live.element,
      formSlot,
      cancel,
    )
    this.body?.replaceChildren(root)

    const draw = new DrawSession({
      adapter: ws.map.drawAdapter(),
      snapRings: () => neighbours.current,
      onSnapMiss: (at) => neighbours.reach(at),
      onChange: (next) => {
        outline = next
        live.update(next)
      },
      onClosed: (closed) => {
        outline = closed
        root.dataset.drawState = 'closed'
        form = mountParcelForm({
          mode: 'new',
          values: formValues(placeOf(ws, closed)),
          places: ws.places,
          ownTown: ws.user.town,
          onCategory: (category) => {
            live.category = category || null
            live.update(outline)
          },
          onSubmit: (properties) => this.saveNew(properties, outline, live),
          onCancel: () => this.idle(),
        })
        form.element.addEventListener('input', () => {
          const declared = Number(form?.values().declared_area_mu)
          live.declaredMu =
            form?.values().declared_area_mu.trim() && Number.isFinite(declared) ? declared : null
        })
        form.setBlocked(!live.mayBeSaved)
        formSlot.replaceChildren(form.element)
      },
    })
    ws.map.setParcelClicks(false)
    cleanups.push(ws.map.onClick(() => true))
    draw.startNew()
    this.session = {
      stop: () => {
        draw.stop()
        live.dispose()
        neighbours.dispose()
        cleanups.forEach((undo) => undo())
        ws.map.setParcelClicks(true)
      },
    }
  }

  async editOutline(parcel: ParcelFeature): Promise<void> {
    this.end()
    const ws = this.ws
    const { DrawSession, checkValidity } = await loadHeavy()
    const id = Number(parcel.properties.id)
    const root = h('div', {
      class: 'draw-panel',
      'data-draw-state': 'editing',
      'data-parcel': String(id),
    })
    this.body?.replaceChildren(root)
    let editable: Editable
    try {
      editable = await readForEdit(id)
    } catch (error) {
      root.append(
        h('p', { class: 'error' }, error instanceof Error ? error.message : String(error)),
      )
      return
    }
    const polygon = editablePolygon(editable.parcel.geometry)
    if (!polygon) {
      root.append(h('p', { class: 'error' }, t('draw.notEditable')))
      return
    }

    const neighboursNote = h('p', { class: 'note' })
    const neighbours = new Neighbours(
      ws,
      id,
      (count) => (neighboursNote.textContent = t('draw.neighbours', { count })),
    )
    const save = h(
      'button',
      { type: 'button', class: 'primary', 'data-action': 'save-outline', disabled: true },
      t('draw.saveShape'),
    )
    const cancel = h(
      'button',
      { type: 'button', class: 'secondary', 'data-action': 'cancel' },
      t('form.cancel'),
    )
    const message = h('p', { class: 'form-message', role: 'status' })
    let outline: Polygon = polygon
    let changed = false
    const live = new LiveCheck(
      ws,
      id,
      checkValidity,
      () => (save.disabled = !changed || !live.mayBeSaved),
    )
    live.declaredMu = editable.parcel.properties.declared_area_mu
    live.category = editable.parcel.properties.category
    root.append(
      h('h2', {}, `${editable.parcel.properties.code} · ${t('details.editShape')}`),
      h('p', { class: 'note' }, t('draw.editHint')),
      neighboursNote,
      live.element,
      h('div', { class: 'form-actions' }, save, cancel),
      message,
    )
    cancel.addEventListener('click', () => this.idle())
    save.addEventListener('click', () => {
      save.disabled = true
      message.replaceChildren(t('form.saving'))
      // saving re-checks the parcel on the server, which can take a while the first time
      ws.activity
        .track('form.saving', changeParcel(id, editable.etag, { geometry: outline }))
        .then((saved) => {
          ws.map.refreshParcels()
          void ws.selection.select(id)
          this.idle(t('draw.shapeSaved', { version: saved.parcel.properties.version }))
        })
        .catch(async (error: unknown) => {
          message.classList.add('error')
          message.replaceChildren(
            isConflict(error)
              ? await conflictMessage(id, () => void this.editOutline(parcel))
              : error instanceof Error
                ? error.message
                : String(error),
          )
        })
    })

    const draw = new DrawSession({
      adapter: ws.map.drawAdapter(),
      snapRings: () => neighbours.current,
      onSnapMiss: (at) => neighbours.reach(at),
      onChange: (next) => {
        if (!next) return
        outline = next
        changed = true
        live.update(next)
      },
    })
    ws.map.setParcelClicks(false)
    const undoClick = ws.map.onClick(() => true)
    draw.startEdit(polygon)
    live.update(polygon)
    this.session = {
      stop: () => {
        draw.stop()
        live.dispose()
        neighbours.dispose()
        undoClick()
        ws.map.setParcelClicks(true)
      },
    }
  }

  private async saveNew(
    properties: EditableProperties,
    outline: Polygon | null,
    live: LiveCheck,
  ): Promise<void> {
    if (!outline) return
    if (!live.mayBeSaved) throw new Error(t('draw.notYet'))
    const saved = await this.ws.activity.track('form.saving', createParcel(properties, outline))
    this.ws.map.refreshParcels()
    void this.ws.selection.select(saved.parcel.properties.id)
    this.idle(t('form.saved', { version: saved.parcel.properties.version }))
  }

  private end(): void {
    this.session?.stop()
    this.session = null
  }
}

/** The town and village the outline lies in, as a first guess for the form. */
function placeOf(ws: Workspace, outline: Polygon): { town: string; village: string } {
  const village = villageAt(ws, outline)
  const town = ws.user.town ?? (village ? ws.places.get(village)?.town : undefined) ?? ''
  return { town, village: village && ws.places.get(village)?.town === town ? village : '' }
}

/** The village the outline's first vertex lies in. */
function villageAt(ws: Workspace, outline: Polygon): string | null {
  const [lon, lat] = outline.coordinates[0]?.[0] ?? []
  if (lon === undefined || lat === undefined) return null
  for (const feature of ws.places.villageBoundaries.features) {
    const polygons =
      feature.geometry.type === 'Polygon'
        ? [feature.geometry.coordinates]
        : feature.geometry.coordinates
    if (polygons.some((rings) => rings[0] && inRing(lon, lat, rings[0])))
      return feature.properties.code
  }
  return null
}

/** Even-odd rule on one ring, lon/lat degrees. */
function inRing(x: number, y: number, ring: number[][]): boolean {
  let inside = false
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]!
    const [xj, yj] = ring[j]!
    if (yi! > y !== yj! > y && x < ((xj! - xi!) * (y - yi!)) / (yj! - yi!) + xi!) inside = !inside
  }
  return inside
}

/** The parcel panel's edit section: 编辑属性 in place, 编辑边界 in the 绘制 tab. */
function editSection(ws: Workspace, tab: DrawTab, select: () => void): ParcelSection {
  return {
    id: 'edit',
    order: 12,
    title: () => null,
    render(parcel, body) {
      if (!mayEdit(ws, parcel)) return
      const editProperties = h(
        'button',
        { type: 'button', class: 'secondary', 'data-action': 'edit-properties' },
        t('details.edit'),
      )
      const editShape = h(
        'button',
        { type: 'button', class: 'secondary', 'data-action': 'edit-outline' },
        t('details.editShape'),
      )
      const slot = h('div', {})
      body.append(h('div', { class: 'edit-actions' }, editProperties, editShape), slot)
      editShape.addEventListener('click', () => {
        select()
        void tab.editOutline(parcel)
      })
      editProperties.addEventListener('click', () => {
        editProperties.disabled = true
        const before = parcel.properties as unknown as EditableProperties
        const villageTowns = new Map(ws.places.villages.map((p) => [p.code, p.town ?? '']))
        // the stored values as the form would send them, so only real changes go
        const baseline = validateForm(formValues(before), villageTowns)
        const form = mountParcelForm({
          mode: 'edit',
          values: formValues(before),
          places: ws.places,
          ownTown: ws.user.town,
          onCancel: () => {
            slot.replaceChildren()
            editProperties.disabled = false
          },
          onSubmit: async (after) => {
            const change = baseline.ok ? changedProperties(baseline.properties, after) : after
            try {
              const save = changeParcel(
                Number(parcel.properties.id),
                `"${parcel.properties.version}"`,
                { properties: change },
              )
              await ws.activity.track('form.saving', save)
            } catch (error) {
              if (!isConflict(error)) throw error
              form.say(
                await conflictMessage(
                  Number(parcel.properties.id),
                  () => void ws.selection.reload(),
                ),
                true,
              )
              return
            }
            ws.map.refreshParcels()
            await ws.selection.reload()
          },
        })
        slot.replaceChildren(form.element)
      })
    },
  }
}

export const drawTool: WorkspaceExtension = (ws) => {
  if (!ws.can('parcel.write')) return
  const tab = new DrawTab(ws)
  const handle = ws.sidebar.addTab({
    id: TAB,
    label: () => t('draw.tab'),
    order: 50,
    mount: (panel) => tab.mount(panel),
  })
  const removeSection = ws.parcelPanel.addSection(editSection(ws, tab, () => handle.select()))
  return () => {
    removeSection()
    handle.remove()
  }
}
