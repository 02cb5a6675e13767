// The attribute form's values checked as the server checks a parcel's
// properties (server/src/parcels/properties.ts), from the same rules
// (server/src/domain/parcel-fields.ts), so a user hears about a mistake
// beside the field instead of from a refused save.
import { CATEGORY_CODES } from '../../../server/src/domain/categories.ts'
import {
  CODE_PATTERN,
  CONTROL_CHARACTERS,
  DECLARED_AREA_MAX_MU,
  PLACE_CODE_PATTERN,
  TEXT_LIMITS,
  type TextField,
} from '../../../server/src/domain/parcel-fields.ts'
import { PROBLEMS } from '../../../server/src/domain/workflow.ts'
import type { EditableProperties } from '../api/parcel-edits.ts'
import type { MessageKey } from '../i18n/index.ts'

/** What the form's inputs hold: text as typed, the problems ticked. */
export interface FormValues {
  code: string
  name: string
  town: string
  village: string
  category: string
  subtype: string
  ownership: string
  declared_area_mu: string
  location: string
  intended_use: string
  problems: string[]
}

export type FormField = keyof FormValues

export interface FieldError {
  key: MessageKey
  params?: Record<string, string | number>
}

export type Validation =
  | { ok: true; properties: EditableProperties }
  | { ok: false; errors: Partial<Record<FormField, FieldError>> }

/** The town each village lies in, by village code. */
export type VillageTowns = ReadonlyMap<string, string>

function text(
  field: TextField,
  value: string,
  errors: Partial<Record<FormField, FieldError>>,
): string | null {
  if (value.length > TEXT_LIMITS[field]) {
    errors[field] = {
      key: 'form.error.tooLong',
      params: { limit: TEXT_LIMITS[field], length: value.length },
    }
  } else if (CONTROL_CHARACTERS.test(value)) {
    errors[field] = { key: 'form.error.control' }
  }
  return value.trim() === '' ? null : value
}

function declaredArea(
  value: string,
  errors: Partial<Record<FormField, FieldError>>,
): number | null {
  const trimmed = value.trim()
  if (trimmed === '') return null
  const number = Number(trimmed)
  if (!/^\d+(\.\d+)?$/.test(trimmed) || !Number.isFinite(number) || number > DECLARED_AREA_MAX_MU) {
    errors.declared_area_mu = {
      key: 'form.error.area',
      params: { max: DECLARED_AREA_MAX_MU.toLocaleString('en-US') },
    }
  }
  return number
}

/** The properties to send, or the error of each wrong field. */
export function validateForm(values: FormValues, villageTowns: VillageTowns): Validation {
  const errors: Partial<Record<FormField, FieldError>> = {}
  const code = values.code.trim()
  if (code === '') errors.code = { key: 'form.error.required' }
  else if (!CODE_PATTERN.test(code)) errors.code = { key: 'form.error.code' }
  if (!PLACE_CODE_PATTERN.test(values.town)) errors.town = { key: 'form.error.required' }
  if (!(CATEGORY_CODES as readonly string[]).includes(values.category))
    errors.category = { key: 'form.error.required' }
  const village = values.village === '' ? null : values.village
  if (village !== null && villageTowns.get(village) !== values.town)
    errors.village = { key: 'form.error.village' }

  const properties: EditableProperties = {
    code,
    name: text('name', values.name, errors),
    town: values.town,
    village,
    category: values.category,
    subtype: text('subtype', values.subtype, errors),
    problems: PROBLEMS.filter((p) => values.problems.includes(p)),
    ownership: text('ownership', values.ownership, errors),
    declared_area_mu: declaredArea(values.declared_area_mu, errors),
    location: text('location', values.location, errors),
    intended_use: text('intended_use', values.intended_use, errors),
  }
  return Object.keys(errors).length === 0 ? { ok: true, properties } : { ok: false, errors }
}

/** The form's values for a stored parcel (or blanks for a new one). */
export function formValues(p: Partial<EditableProperties>): FormValues {
  const str = (value: string | null | undefined) => value ?? ''
  return {
    code: str(p.code),
    name: str(p.name),
    town: str(p.town),
    village: str(p.village),
    category: str(p.category),
    subtype: str(p.subtype),
    ownership: str(p.ownership),
    declared_area_mu:
      p.declared_area_mu === null || p.declared_area_mu === undefined
        ? ''
        : String(p.declared_area_mu),
    location: str(p.location),
    intended_use: str(p.intended_use),
    problems: [...(p.problems ?? [])],
  }
}

/** Only what the form changed, for a PATCH: the rest stays as stored. */
export function changedProperties(
  before: EditableProperties,
  after: EditableProperties,
): Partial<EditableProperties> {
  const changed: Partial<Record<keyof EditableProperties, unknown>> = {}
  for (const key of Object.keys(after) as (keyof EditableProperties)[]) {
    if (JSON.stringify(before[key] ?? null) !== JSON.stringify(after[key] ?? null))
      changed[key] = after[key]
  }
  return changed as Partial<EditableProperties>
}
