// The attribute form of a parcel, new or stored: each field checked as the
// server checks it (client/src/edit/validate.ts), the error shown beside it.
import { CATEGORIES, categoryByCode } from '../../../server/src/domain/categories.ts'
import { INTENDED_USES } from '../../../server/src/domain/uses.ts'
import { PROBLEMS } from '../../../server/src/domain/workflow.ts'
import type { EditableProperties } from '../api/parcel-edits.ts'
import { categoryName } from '../domain/categories.ts'
import { validateForm, type FormField, type FormValues } from '../edit/validate.ts'
import { problemName } from '../format/names.ts'
import { getLanguage, t, type MessageKey } from '../i18n/index.ts'
import type { Places } from '../places/places.ts'
import { h } from './dom.ts'

export interface ParcelFormOptions {
  mode: 'new' | 'edit'
  values: FormValues
  places: Places
  /** a town-bound user's town: the only one offered */
  ownTown: string | null
  /** resolves when saved; rejects with what to show under the form */
  onSubmit(properties: EditableProperties): Promise<void>
  onCancel(): void
  /** the category chosen so far, for the live pre-check's grading */
  onCategory?(category: string): void
}

export interface ParcelForm {
  element: HTMLFormElement
  /** a message under the buttons; an element for one with actions (reload) */
  say(message: string | Node, isError?: boolean): void
  setBusy(busy: boolean): void
  /** keeps the save button off while something outside the form forbids saving */
  setBlocked(blocked: boolean): void
  values(): FormValues
}

interface Option {
  value: string
  label: string
}

function select(
  name: FormField,
  options: Option[],
  value: string,
  disabled = false,
): HTMLSelectElement {
  const element = h('select', { name, disabled })
  for (const option of options) element.append(h('option', { value: option.value }, option.label))
  element.value = value
  return element
}

function text(
  name: FormField,
  value: string,
  attributes: Record<string, string> = {},
): HTMLInputElement {
  const input = h('input', { type: 'text', name, ...attributes })
  input.value = value
  return input
}

function subtypeOptions(category: string, current: string): Option[] {
  const zh = getLanguage() !== 'en'
  const listed = categoryByCode(category)?.subtypes ?? []
  const options = [
    { value: '', label: t('form.none') },
    ...listed.map((s) => ({ value: s.zh, label: zh ? s.zh : s.en })),
  ]
  if (current && !listed.some((s) => s.zh === current))
    options.push({ value: current, label: current })
  return options
}

function useOptions(current: string): Option[] {
  const zh = getLanguage() !== 'en'
  const options = [
    { value: '', label: t('form.none') },
    ...INTENDED_USES.map((u) => ({ value: u.code, label: zh ? u.zh : u.en })),
  ]
  if (current && !INTENDED_USES.some((u) => u.code === current))
    options.push({ value: current, label: current })
  return options
}

const LABELS: Record<Exclude<FormField, 'problems'>, MessageKey> = {
  code: 'form.code',
  name: 'form.name',
  town: 'form.town',
  village: 'form.village',
  category: 'form.category',
  subtype: 'form.subtype',
  ownership: 'form.ownership',
  declared_area_mu: 'form.declaredArea',
  location: 'form.location',
  intended_use: 'form.intendedUse',
}

export function mountParcelForm(options: ParcelFormOptions): ParcelForm {
  const v = options.values
  const { places } = options
  const towns = options.ownTown
    ? places.towns.filter((town) => town.code === options.ownTown)
    : places.towns
  const town = select(
    'town',
    [{ value: '', label: '—' }, ...towns.map((p) => ({ value: p.code, label: p.name }))],
    v.town || (options.ownTown ?? ''),
    options.ownTown !== null,
  )
  const village = select('village', [], v.village)
  const category = select(
    'category',
    [
      { value: '', label: '—' },
      ...CATEGORIES.map((c) => ({ value: c.code, label: categoryName(c.code) })),
    ],
    v.category,
  )
  const subtype = select('subtype', subtypeOptions(v.category, v.subtype), v.subtype)
  const fields: Record<Exclude<FormField, 'problems'>, HTMLInputElement | HTMLSelectElement> = {
    code: text('code', v.code, { autocomplete: 'off', required: '' }),
    name: text('name', v.name),
    town,
    village,
    category,
    subtype,
    ownership: text('ownership', v.ownership),
    declared_area_mu: text('declared_area_mu', v.declared_area_mu, { inputmode: 'decimal' }),
    location: text('location', v.location),
    intended_use: select('intended_use', useOptions(v.intended_use), v.intended_use),
  }
  const problems = PROBLEMS.map((problem) => {
    const box = h('input', { type: 'checkbox', name: 'problems', value: problem })
    box.checked = v.problems.includes(problem)
    return box
  })

  const fillVillages = (keep: string): void => {
    const list = places.villagesOf(town.value || undefined).filter((p) => p.town === town.value)
    village.replaceChildren(
      h('option', { value: '' }, t('form.none')),
      ...list.map((p) => h('option', { value: p.code }, p.name)),
    )
    village.value = list.some((p) => p.code === keep) ? keep : ''
  }
  fillVillages(v.village)
  town.addEventListener('change', () => fillVillages(village.value))
  category.addEventListener('change', () => {
    subtype.replaceChildren(
      ...subtypeOptions(category.value, '').map((o) => h('option', { value: o.value }, o.label)),
    )
    options.onCategory?.(category.value)
  })

  const errors = new Map<FormField, HTMLElement>()
  const row = (name: FormField, label: MessageKey, control: HTMLElement): HTMLElement => {
    const error = h('span', {
      class: 'field-error',
      id: `form-error-${name}`,
      'aria-live': 'polite',
    })
    errors.set(name, error)
    control.setAttribute('aria-describedby', error.id)
    return h(
      'label',
      { class: 'field', 'data-field': name },
      h('span', { class: 'field-label' }, t(label)),
      control,
      error,
    )
  }
  const problemBox = h(
    'fieldset',
    { class: 'field problems' },
    h('legend', {}, t('form.problems')),
    ...problems.map((box) => h('label', { class: 'check' }, box, problemName(box.value))),
  )
  const message = h('p', { class: 'form-message', role: 'status' })
  const save = h('button', { type: 'submit', class: 'primary' }, t('form.save'))
  const cancel = h('button', { type: 'button', class: 'secondary' }, t('form.cancel'))
  cancel.addEventListener('click', () => options.onCancel())

  const form = h(
    'form',
    { class: 'parcel-form', novalidate: true, 'data-mode': options.mode },
    h('h3', {}, t(options.mode === 'new' ? 'form.title.new' : 'form.title.edit')),
    ...(Object.keys(LABELS) as (keyof typeof LABELS)[]).map((name) =>
      row(name, LABELS[name], fields[name]),
    ),
    problemBox,
    h('div', { class: 'form-actions' }, save, cancel),
    message,
  )

  const values = (): FormValues => ({
    ...(Object.fromEntries(
      Object.entries(fields).map(([name, control]) => [name, control.value]),
    ) as Omit<FormValues, 'problems'>),
    problems: problems.filter((box) => box.checked).map((box) => box.value),
  })
  const villageTowns = new Map(places.villages.map((p) => [p.code, p.town ?? '']))
  const showErrors = (
    found: Partial<
      Record<FormField, { key: MessageKey; params?: Record<string, string | number> }>
    >,
  ): void => {
    for (const [name, element] of errors) {
      const error = found[name]
      element.textContent = error ? t(error.key, error.params) : ''
      fields[name as keyof typeof fields]?.setAttribute('aria-invalid', error ? 'true' : 'false')
    }
  }
  const say = (text: string | Node, isError = false): void => {
    message.replaceChildren(text)
    message.classList.toggle('error', isError)
  }
  let busy = false
  let blocked = false
  const setBusy = (value: boolean): void => {
    busy = value
    save.disabled = busy || blocked
    save.textContent = t(busy ? 'form.saving' : 'form.save')
  }
  const setBlocked = (value: boolean): void => {
    blocked = value
    save.disabled = busy || blocked
  }

  form.addEventListener('input', () => {
    const result = validateForm(values(), villageTowns)
    showErrors(result.ok ? {} : result.errors)
  })
  form.addEventListener('submit', (event) => {
    event.preventDefault()
    const result = validateForm(values(), villageTowns)
    showErrors(result.ok ? {} : result.errors)
    if (!result.ok) {
      say(t('form.invalid'), true)
      return
    }
    say('')
    setBusy(true)
    options
      .onSubmit(result.properties)
      .catch((error: unknown) =>
        say(
          error instanceof Node ? error : error instanceof Error ? error.message : String(error),
          true,
        ),
      )
      .finally(() => setBusy(false))
  })
  return { element: form, say, setBusy, setBlocked, values }
}
