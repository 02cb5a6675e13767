// The warnings shown before a drawn or edited outline is saved: the browser's
// own validity verdict at once, then the server's preview of what the outline
// would overlap. Plain data in, lines of text out.
import type { Preview, PreviewOverlap } from '../api/checks.ts'
import type { Severity } from '../api/parcel-record.ts'
import { formatArea } from '../format/area.ts'
import { zoneClassName } from '../format/zones.ts'
import { t } from '../i18n/index.ts'
import type { Validity } from './validity.ts'

export interface Warning {
  severity: Severity
  text: string
  /** the overlapping piece, to draw on the map */
  piece: PreviewOverlap['geometry'] | null
  /** the server would refuse the outline: it cannot be saved as it is */
  blocking: boolean
}

const SEVERITY_ORDER: readonly Severity[] = ['conflict', 'warning', 'info']

const percent = (ratio: number) => (ratio * 100).toFixed(1)

/** One overlap in words, 亩 first with m² beside. */
export function overlapText(overlap: PreviewOverlap): string {
  const area = formatArea(overlap.area_mu, overlap.area_m2)
  const code = overlap.parcel_code ?? t('precheck.otherTown')
  switch (overlap.code) {
    case 'duplicate':
      return t('precheck.duplicate', { code })
    case 'sliver':
      return t('precheck.sliver', { code, area })
    case 'parcel_overlap':
      return t('precheck.parcel', { code, area, percent: percent(overlap.ratio) })
    case 'zone_overlap': {
      const text = t('precheck.zone', {
        area,
        percent: percent(overlap.ratio),
        zone: overlap.zone_class ? zoneClassName(overlap.zone_class) : '',
        layer: overlap.layer_name ?? '',
      })
      return overlap.basis ? t('precheck.basis', { text, basis: overlap.basis }) : text
    }
  }
}

function invalidText(validity: Extract<Validity, { valid: false }>): string {
  const reason = t(`invalid.${validity.reason}`)
  if (!validity.location) return t('draw.invalidNoPlace', { reason })
  const [lon, lat] = validity.location
  return t('draw.invalid', { reason, lon: lon.toFixed(7), lat: lat.toFixed(7) })
}

/**
 * The warnings, most severe first: an invalid outline is a conflict (the
 * server refuses it); each overlap the server found follows, as graded.
 */
export function precheckWarnings(validity: Validity, preview: Preview | null): Warning[] {
  const warnings: Warning[] = []
  if (!validity.valid)
    warnings.push({
      severity: 'conflict',
      text: invalidText(validity),
      piece: null,
      blocking: true,
    })
  if (preview && !preview.valid && validity.valid) {
    const location = preview.invalid_location
    const reason = preview.invalid_reason ?? t('invalid.other')
    const text = location
      ? t('draw.invalid', { reason, lon: location[0].toFixed(7), lat: location[1].toFixed(7) })
      : t('draw.invalidNoPlace', { reason })
    warnings.push({ severity: 'conflict', text, piece: null, blocking: true })
  }
  for (const overlap of preview?.overlaps ?? []) {
    warnings.push({
      severity: overlap.severity,
      text: overlapText(overlap),
      piece: overlap.geometry,
      blocking: false,
    })
  }
  return warnings.sort(
    (a, b) => SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity),
  )
}

/** Whether saving may go ahead: never with an invalid outline; with conflicts only once acknowledged. */
export function maySave(warnings: readonly Warning[], acknowledged: boolean): boolean {
  if (warnings.some((w) => w.blocking)) return false
  return acknowledged || !warnings.some((w) => w.severity === 'conflict')
}
