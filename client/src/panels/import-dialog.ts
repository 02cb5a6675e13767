// The 导入 tab: pick a file and where it goes; a dry run reads and checks it on
// the server and shows the detected CRS, encoding and attribute mapping, the
// features on the map and the ones that would be refused; only a confirmation
// stores anything. Both uploads show their progress, then a sign of life while
// the server works.
import type { FeatureCollection } from 'geojson'
import { listLayers } from '../api/layers.ts'
import { uploadImport, type ImportFields, type ImportReport, type Upload } from '../api/imports.ts'
import { fieldName } from '../format/field-names.ts'
import { ZONE_STYLES } from '../../../server/src/domain/zone-classes.ts'
import { bboxOf } from '../geometry/bbox.ts'
import { getLanguage, t, type MessageKey } from '../i18n/index.ts'
import type { Workspace, WorkspaceExtension } from '../workspace-api.ts'
import { h } from './dom.ts'
import { Labels } from './labels.ts'
import './tools.css'

const TAB = 'import'
const PREVIEW_OVERLAY = 'import-preview'
const ACCEPTED = '#1d4ed8'
const REFUSED = '#d7191c'
/** The refused features listed by name; the count says how many more. */
const LISTED = 200

interface Target {
  value: string
  label: () => string
}

async function targets(ws: Workspace): Promise<Target[]> {
  const list: Target[] = []
  if (ws.can('parcel.write'))
    list.push({ value: 'parcels', label: () => t('import.target.parcels') })
  if (ws.can('occupation.write'))
    list.push({ value: 'occupations', label: () => t('import.target.occupations') })
  if (ws.can('layer.manage')) {
    for (const layer of await listLayers()) {
      if (layer.kind === 'road_control') continue
      list.push({
        value: `layer:${layer.id}`,
        label: () => t('import.target.layer', { name: layer.name }),
      })
    }
  }
  return list
}

function sourceName(source: string | null): string {
  if (!source) return ''
  const key = `import.source.${source}` as MessageKey
  const name = t(key)
  return name === key ? source : name
}

/** The preview features coloured: blue what would be stored, red what would be refused. */
export function previewOverlay(report: ImportReport): FeatureCollection {
  return {
    type: 'FeatureCollection',
    features: (report.preview?.features ?? []).map((f) => ({
      ...f,
      properties: { ...f.properties, color: f.properties.rejected ? REFUSED : ACCEPTED },
    })),
  }
}

/** The number of features a report would store: those not refused. */
export function storable(report: ImportReport): number {
  return report.feature_count - new Set(report.rejected.map((r) => r.index)).size
}

function detectedTable(report: ImportReport): HTMLElement {
  const d = report.detected
  const row = (label: MessageKey, value: string, field: string) => [
    h('dt', {}, t(label)),
    h('dd', { 'data-detected': field }, value),
  ]
  return h(
    'dl',
    { class: 'facts detected' },
    ...row('import.format', `${d.format}${d.layer_name ? ` · ${d.layer_name}` : ''}`, 'format'),
    ...row(
      'import.crs',
      // srid 0: a .prj proj4 reads that no EPSG code matches
      d.srid
        ? t('import.crsValue', { srid: d.srid, name: d.crs_name, source: sourceName(d.crs_source) })
        : t('import.crsValueNoCode', { name: d.crs_name, source: sourceName(d.crs_source) }),
      'crs',
    ),
    ...(d.encoding
      ? row(
          'import.encodingDetected',
          t('import.encodingValue', {
            encoding: d.encoding,
            source: sourceName(d.encoding_source),
          }),
          'encoding',
        )
      : []),
  )
}

function mappingTable(report: ImportReport): HTMLElement {
  const entries = Object.entries(report.mapping)
  if (entries.length === 0) return h('p', { class: 'note' }, t('import.mappingNone'))
  return h(
    'table',
    { class: 'mapping' },
    h('thead', {}, h('tr', {}, h('th', {}, t('import.column')), h('th', {}, t('import.property')))),
    h(
      'tbody',
      {},
      ...entries.map(([column, property]) =>
        h(
          'tr',
          { 'data-column': column },
          h('td', {}, column),
          h('td', { 'data-property': property }, fieldName(property)),
        ),
      ),
    ),
  )
}

function rejectedList(report: ImportReport): HTMLElement | string {
  if (report.rejected.length === 0) return ''
  const shown = report.rejected.slice(0, LISTED)
  return h(
    'div',
    { class: 'rejected' },
    h('h3', {}, t('import.rejected')),
    h(
      'ul',
      {},
      ...shown.map((r) =>
        h(
          'li',
          { 'data-index': String(r.index), 'data-code': r.code },
          // the message names the feature by its index in the file (from 0) and its code
          (getLanguage() === 'zh-CN' && r.zh) || r.message,
        ),
      ),
    ),
    report.rejected.length > shown.length
      ? h(
          'p',
          { class: 'note' },
          t('checks.more', { count: report.rejected.length - shown.length }),
        )
      : '',
  )
}

function mountImport(ws: Workspace, panel: HTMLElement): () => void {
  const labels = new Labels()
  const file = h('input', {
    type: 'file',
    name: 'file',
    accept: '.zip,.geojson,.json,.csv',
    class: 'visually-hidden',
  })
  const fileName = h('span', { class: 'file-name' })
  labels.set(fileName, 'text', () => file.files?.[0]?.name ?? t('import.noFile'))
  const picker = h(
    'label',
    { class: 'file-picker' },
    file,
    h(
      'span',
      { class: 'button-like' },
      labels.text(() => t('import.choose')),
    ),
    fileName,
  )
  const target = h('select', { name: 'target' })
  const mode = h(
    'select',
    { name: 'mode' },
    h('option', { value: 'atomic' }),
    h('option', { value: 'partial' }),
  )
  labels.set(mode.options[0]!, 'text', () => t('import.mode.atomic'))
  labels.set(mode.options[1]!, 'text', () => t('import.mode.partial'))
  const srid = h('input', {
    type: 'text',
    name: 'srid',
    inputmode: 'numeric',
    placeholder: '4490 / 4549 / 4528',
  })
  const encoding = h('input', { type: 'text', name: 'encoding', placeholder: 'GBK / UTF-8' })
  // a class code (lower-case letters and _), offered from the known classes with their names
  const zoneClass = h('input', {
    type: 'text',
    name: 'class',
    maxlength: '100',
    list: 'import-zone-classes',
    placeholder: 'basic_farmland / river_area / …',
  })
  const zoneClasses = h(
    'datalist',
    { id: 'import-zone-classes' },
    ...Object.entries(ZONE_STYLES).map(([code, style]) => h('option', { value: code, label: style.zh })),
  )
  const check = h(
    'button',
    { type: 'button', class: 'primary', 'data-action': 'dry-run' },
    labels.text(() => t('import.check')),
  )
  const bar = h('div', { class: 'progress-bar' })
  const progress = h(
    'div',
    { class: 'progress', hidden: true },
    h('div', { class: 'progress-track' }, bar),
  )
  const status = h('p', { class: 'note', role: 'status', 'data-import-status': '' })
  const result = h('div', { class: 'import-result' })
  const field = (label: () => string, control: HTMLElement) =>
    h('label', { class: 'field' }, h('span', { class: 'field-label' }, labels.text(label)), control)
  let upload: Upload | null = null
  let checked: { report: ImportReport; file: File; fields: ImportFields } | null = null

  targets(ws)
    .then((list) => {
      target.replaceChildren(
        ...list.map((item) => {
          const option = h('option', { value: item.value })
          labels.set(option, 'text', item.label)
          return option
        }),
      )
    })
    .catch((error: unknown) => (status.textContent = String(error)))

  const setProgress = (fraction: number | null): void => {
    progress.hidden = false
    bar.classList.toggle('indeterminate', fraction === null)
    bar.style.width = fraction === null ? '' : `${Math.round(fraction * 100)}%`
  }
  const send = (chosen: File, fields: ImportFields, dryRun: boolean): Promise<ImportReport> => {
    const task = ws.activity.start('import.activity')
    status.classList.remove('error')
    setProgress(0)
    upload = uploadImport(chosen, fields, dryRun, {
      onUpload: (fraction) => {
        setProgress(fraction)
        task.progress(fraction)
        status.textContent = t('import.uploading', { percent: Math.round(fraction * 100) })
      },
      onServerWork: () => {
        setProgress(null)
        status.textContent = t(dryRun ? 'import.working' : 'import.storing')
      },
    })
    return upload.result.finally(() => {
      task.done()
      progress.hidden = true
      upload = null
    })
  }
  const fail = (error: unknown): void => {
    if (error instanceof DOMException && error.name === 'AbortError') return
    status.classList.add('error')
    status.textContent = t('import.failed', {
      message: error instanceof Error ? error.message : String(error),
    })
    check.disabled = false
  }

  const showDryRun = (report: ImportReport, chosen: File, fields: ImportFields): void => {
    checked = { report, file: chosen, fields }
    const count = storable(report)
    status.textContent = t('import.nothingStored')
    const overlay = previewOverlay(report)
    ws.map.showOverlay(PREVIEW_OVERLAY, overlay, {
      color: ACCEPTED,
      fillOpacity: 0.25,
      lineWidth: 2,
    })
    const box = bboxOf(...overlay.features.map((f) => f.geometry))
    if (box) ws.map.fitBbox(box, { maxZoom: 16 })
    // an atomic import with refused features would store nothing: offer the right ones only
    const partial = fields.mode === 'atomic' && report.rejected.length > 0
    const confirm = h(
      'button',
      { type: 'button', class: 'primary', 'data-action': 'confirm-import', disabled: count === 0 },
      partial ? t('import.confirmPartial', { count }) : t('import.confirm'),
    )
    confirm.addEventListener('click', () => {
      if (!checked) return
      confirm.disabled = true
      const storeFields = partial ? { ...checked.fields, mode: 'partial' as const } : checked.fields
      send(checked.file, storeFields, false).then(showStored).catch(fail)
    })
    result.replaceChildren(
      h('h2', {}, t('import.detected')),
      detectedTable(report),
      h('h2', {}, t('import.mapping')),
      mappingTable(report),
      h(
        'p',
        { 'data-counts': '' },
        t('import.counts', {
          total: report.feature_count,
          accepted: count,
          rejected: report.feature_count - count,
        }),
      ),
      report.preview?.truncated
        ? h(
            'p',
            { class: 'note' },
            t('import.previewTruncated', { count: report.preview.features.length }),
          )
        : '',
      rejectedList(report),
      report.warnings.length
        ? h(
            'div',
            {},
            h('h3', {}, t('import.warnings')),
            h('ul', {}, ...report.warnings.map((w) => h('li', {}, w))),
          )
        : '',
      h('div', { class: 'form-actions' }, confirm, cancelButton()),
    )
  }
  const showStored = (report: ImportReport): void => {
    checked = null
    ws.map.removeOverlay(PREVIEW_OVERLAY)
    ws.map.refreshParcels()
    const stored = report.status === 'stored'
    status.classList.toggle('error', !stored)
    status.textContent = stored
      ? t('import.stored', {
          created: report.created,
          updated: report.updated,
          unchanged: report.unchanged,
        })
      : t('import.refused', { message: report.error?.message ?? '' })
    const again = h(
      'button',
      { type: 'button', class: 'secondary', 'data-action': 'import-again' },
      t('import.again'),
    )
    again.addEventListener('click', reset)
    result.replaceChildren(
      h(
        'div',
        { 'data-import-done': report.status },
        rejectedList(report),
        h('div', { class: 'form-actions' }, again),
      ),
    )
    check.disabled = false
  }
  const cancelButton = (): HTMLElement => {
    const cancel = h(
      'button',
      { type: 'button', class: 'secondary', 'data-action': 'cancel' },
      t('form.cancel'),
    )
    cancel.addEventListener('click', reset)
    return cancel
  }
  const reset = (): void => {
    upload?.abort()
    checked = null
    ws.map.removeOverlay(PREVIEW_OVERLAY)
    result.replaceChildren()
    status.textContent = ''
    status.classList.remove('error')
    check.disabled = false
  }

  check.addEventListener('click', () => {
    const chosen = file.files?.[0]
    if (!chosen) {
      status.textContent = t('import.chooseFile')
      status.classList.add('error')
      return
    }
    reset()
    check.disabled = true
    const fields: ImportFields = {
      target: target.value || 'parcels',
      mode: mode.value === 'partial' ? 'partial' : 'atomic',
      srid: srid.value.trim(),
      encoding: encoding.value.trim(),
      zoneClass: target.value.startsWith('layer:') ? zoneClass.value.trim() : undefined,
    }
    send(chosen, fields, true)
      .then((report) => {
        check.disabled = false
        showDryRun(report, chosen, fields)
      })
      .catch(fail)
  })
  file.addEventListener('change', () => {
    fileName.textContent = file.files?.[0]?.name ?? t('import.noFile')
    reset()
  })

  // the zone class is asked for only when the file goes into a planning layer
  const classField = field(() => t('import.zoneClass'), zoneClass)
  const showClass = () => (classField.hidden = !target.value.startsWith('layer:'))
  target.addEventListener('change', showClass)
  showClass()
  panel.append(
    h(
      'div',
      { class: 'import-panel' },
      field(() => t('import.file'), picker),
      field(() => t('import.target'), target),
      field(() => t('import.mode'), mode),
      field(() => t('import.srid'), srid),
      field(() => t('import.encoding'), encoding),
      classField,
      zoneClasses,
      h('div', { class: 'form-actions' }, check),
      progress,
      status,
      result,
    ),
  )
  return () => {
    upload?.abort()
    labels.dispose()
    ws.map.removeOverlay(PREVIEW_OVERLAY)
  }
}

export const importTool: WorkspaceExtension = (ws) => {
  if (!ws.can('parcel.write') && !ws.can('occupation.write') && !ws.can('layer.manage')) return
  const tab = ws.sidebar.addTab({
    id: TAB,
    label: () => t('import.tab'),
    order: 70,
    mount: (panel) => mountImport(ws, panel),
  })
  return () => tab.remove()
}
