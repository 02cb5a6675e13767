// 四至 in the interface language, from the facts the server gives for each
// side (server/src/reports/four-sides.ts words the same in Chinese).
import type { Neighbour } from '../api/parcel-record.ts'
import { t, type MessageKey } from '../i18n/index.ts'

function roadClassName(roadClass: string | null): string | null {
  if (!roadClass) return null
  const key = `roadClass.${roadClass}` as MessageKey
  const name = t(key)
  return name === key ? roadClass : name
}

function what(n: Neighbour): string {
  switch (n.kind) {
    case 'parcel':
      return n.name
        ? t('neighbour.parcelNamed', { ref: n.ref ?? '', name: n.name })
        : t('neighbour.parcel', { ref: n.ref ?? '' })
    case 'road': {
      const name = n.name ?? n.ref ?? ''
      const roadClass = roadClassName(n.road_class)
      return roadClass
        ? t('neighbour.roadClass', { name, roadClass })
        : t('neighbour.road', { name })
    }
    case 'river':
      return t('neighbour.river', { name: n.name ?? n.ref ?? '' })
    case 'village_boundary':
      return n.name
        ? t('neighbour.villageBoundaryNamed', { name: n.name })
        : t('neighbour.villageBoundary')
    case 'none':
      return t('neighbour.none')
  }
}

/** One side in words; what touches (within a metre) needs no distance. */
export function neighbourText(n: Neighbour): string {
  const text = what(n)
  return n.distance_m !== null && n.distance_m >= 1
    ? t('neighbour.distance', { what: text, m: Math.round(n.distance_m) })
    : text
}
