// The 导出 tab: the formats the server offers for the parcels of the current
// filter (GeoJSON, zipped Shapefile with its CRS and DBF encoding, XLSX, CSV),
// and the ledgers and dossiers of the filtered village or town.
import {
  ledgerUrl,
  parcelExportUrl,
  villageDossiersUrl,
  type ParcelExportFormat,
  type ShapefileOptions,
} from '../api/exports.ts'
import { postNotice, villageNotices } from '../api/notices.ts'
import { writesIn } from '../auth/permissions.ts'
import { categoryName } from '../domain/categories.ts'
import { filterQuery, type ParcelFilter } from '../filters/filter.ts'
import { problemName, statusName } from '../format/names.ts'
import { onLanguageChange, t, type MessageKey } from '../i18n/index.ts'
import type { Places } from '../places/places.ts'
import type { Workspace, WorkspaceExtension } from '../workspace-api.ts'
import { h } from './dom.ts'
import { Labels } from './labels.ts'
import './tools.css'

const TAB = 'export'

/** The filter in words: "镇街 田横镇 · 类别 农村集体建设用地 · 搜索 "JM-01"". */
export function filterText(filter: ParcelFilter, places: Places): string {
  const parts: string[] = []
  if (filter.town) parts.push(`${t('form.town')} ${places.name(filter.town)}`)
  if (filter.village) parts.push(`${t('form.village')} ${places.name(filter.village)}`)
  if (filter.category) parts.push(`${t('form.category')} ${categoryName(filter.category)}`)
  if (filter.subtype) parts.push(`${t('form.subtype')} ${filter.subtype}`)
  if (filter.status) parts.push(statusName(filter.status))
  if (filter.problem) parts.push(problemName(filter.problem))
  if (filter.q) parts.push(`“${filter.q}”`)
  return parts.join(' · ')
}

function link(href: string, label: string, format: string): HTMLAnchorElement {
  return h('a', { href, download: '', class: 'download', 'data-format': format }, label)
}

/**
 * The village's live notices (公示) as PDF links, filled in once listed, and
 * for a user who may change the village's parcels a form to post one today.
 */
function noticeLinks(village: string, mayPost: boolean): HTMLElement {
  const slot = h('div', { class: 'downloads', 'data-notices': village })
  const fill = () =>
    villageNotices(village)
      .then((notices) => {
        const live = notices.filter((n) => n.withdrawn_at === null)
        slot.replaceChildren(
          ...(live.length === 0
            ? [h('span', { class: 'note' }, t('export.noNotice'))]
            : live.map((n) =>
                link(
                  n.notice_pdf,
                  t('details.notice', { from: n.posted_on, to: n.ends_on }),
                  'notice',
                ),
              )),
          ...(mayPost ? [noticeForm(village, fill)] : []),
        )
      })
      .catch((error: unknown) =>
        slot.replaceChildren(
          h('span', { class: 'error' }, error instanceof Error ? error.message : String(error)),
        ),
      )
  void fill()
  return slot
}

/** Where objections go, and a button posting the notice; the links are listed anew once posted. */
function noticeForm(village: string, posted: () => Promise<void>): HTMLFormElement {
  const objections = h('input', {
    name: 'objections_to',
    required: true,
    minlength: '2',
    maxlength: '500',
    placeholder: t('export.noticeObjectionsHint'),
  })
  const status = h('span', { class: 'note', 'data-notice-status': '' })
  const submit = h('button', { type: 'submit' }, t('export.noticePost'))
  const form = h(
    'form',
    { class: 'notice-form', 'data-action': 'post-notice' },
    h('label', { class: 'field' }, h('span', { class: 'field-label' }, t('export.noticeObjections')), objections),
    submit,
    status,
  )
  form.addEventListener('submit', (event) => {
    event.preventDefault()
    submit.disabled = true
    status.className = 'note'
    status.textContent = t('export.noticePosting')
    postNotice(village, objections.value.trim())
      .then(posted)
      .catch((error: unknown) => {
        submit.disabled = false
        status.className = 'error'
        status.textContent = error instanceof Error ? error.message : String(error)
      })
  })
  return form
}

function mountExport(ws: Workspace, panel: HTMLElement): () => void {
  const labels = new Labels()
  const srid = h(
    'select',
    { name: 'srid' },
    h('option', { value: '4490' }),
    h('option', { value: '4549' }),
  )
  labels.set(srid.options[0]!, 'text', () => t('export.crs.4490'))
  labels.set(srid.options[1]!, 'text', () => t('export.crs.4549'))
  const encoding = h(
    'select',
    { name: 'encoding' },
    h('option', { value: 'gbk' }),
    h('option', { value: 'utf-8' }),
  )
  labels.set(encoding.options[0]!, 'text', () => t('export.encoding.gbk'))
  labels.set(encoding.options[1]!, 'text', () => t('export.encoding.utf8'))
  const summary = h('p', { class: 'note', 'data-export-filter': '' })
  const files = h('div', { class: 'downloads' })
  const places = h('div', { class: 'place-reports' })

  const formats: { format: ParcelExportFormat; label: MessageKey }[] = [
    { format: 'geojson', label: 'export.geojson' },
    { format: 'zip', label: 'export.shapefile' },
    { format: 'xlsx', label: 'export.xlsx' },
    { format: 'csv', label: 'export.csv' },
  ]
  const render = (): void => {
    const filter = ws.filter.get()
    const text = filterText(filter, ws.places)
    summary.textContent = text ? t('export.filter', { filter: text }) : t('export.filterNone')
    const query = filterQuery(filter)
    const shapefile: ShapefileOptions = {
      srid: srid.value === '4549' ? '4549' : '4490',
      encoding: encoding.value === 'utf-8' ? 'utf-8' : 'gbk',
    }
    files.replaceChildren(
      ...formats.map(({ format, label }) =>
        link(parcelExportUrl(format, query, shapefile), t(label), format),
      ),
    )

    const village = filter.village
    const town =
      filter.town ??
      (village ? ws.places.get(village)?.town : undefined) ??
      ws.user.town ??
      undefined
    places.replaceChildren(
      village
        ? h(
            'div',
            { 'data-village': village },
            h('h2', {}, t('export.village', { name: ws.places.name(village) })),
            h(
              'div',
              { class: 'downloads' },
              link(
                ledgerUrl('villages', village, 'xlsx'),
                t('export.ledgerXlsx'),
                'village-ledger-xlsx',
              ),
              link(
                ledgerUrl('villages', village, 'pdf'),
                t('export.ledgerPdf'),
                'village-ledger-pdf',
              ),
              link(villageDossiersUrl(village), t('export.dossiers'), 'village-dossiers'),
            ),
            noticeLinks(village, writesIn(ws.user, town)),
          )
        : h('p', { class: 'note' }, t('export.villageNone')),
      town
        ? h(
            'div',
            { 'data-town': town },
            h('h2', {}, t('export.town', { name: ws.places.name(town) })),
            h(
              'div',
              { class: 'downloads' },
              link(ledgerUrl('towns', town, 'xlsx'), t('export.ledgerXlsx'), 'town-ledger-xlsx'),
              link(ledgerUrl('towns', town, 'pdf'), t('export.ledgerPdf'), 'town-ledger-pdf'),
            ),
          )
        : '',
    )
  }
  srid.addEventListener('change', render)
  encoding.addEventListener('change', render)

  panel.append(
    h(
      'div',
      { class: 'export-panel' },
      summary,
      files,
      h(
        'label',
        { class: 'field' },
        h(
          'span',
          { class: 'field-label' },
          labels.text(() => `Shapefile · ${t('export.crs')}`),
        ),
        srid,
      ),
      h(
        'label',
        { class: 'field' },
        h(
          'span',
          { class: 'field-label' },
          labels.text(() => `Shapefile · ${t('export.encoding')}`),
        ),
        encoding,
      ),
      places,
    ),
  )
  render()
  const undo = [ws.filter.onChange(render), onLanguageChange(render)]
  return () => {
    labels.dispose()
    undo.forEach((remove) => remove())
  }
}

export const exportTool: WorkspaceExtension = (ws) => {
  if (!ws.can('parcel.read')) return
  const tab = ws.sidebar.addTab({
    id: TAB,
    label: () => t('export.tab'),
    order: 80,
    mount: (panel) => mountExport(ws, panel),
  })
  return () => tab.remove()
}
