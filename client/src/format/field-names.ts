// A parcel property's name as the interface shows it: in history entries,
// version diffs and the import's attribute mapping. Unknown names (a column
// kept among the attributes) are shown as they are.
import { t, type MessageKey } from '../i18n/index.ts'

const FIELDS: Record<string, MessageKey> = {
  code: 'form.code',
  name: 'form.name',
  town: 'form.town',
  village: 'form.village',
  category: 'form.category',
  subtype: 'form.subtype',
  status: 'parcel.status',
  problems: 'form.problems',
  ownership: 'form.ownership',
  declared_area_mu: 'form.declaredArea',
  location: 'form.location',
  intended_use: 'form.intendedUse',
  attributes: 'field.attributes',
  geometry: 'field.geometry',
  area_m2: 'details.measured',
  deleted: 'field.deleted',
}

export function fieldName(name: string): string {
  const key = FIELDS[name]
  return key ? t(key) : name
}
