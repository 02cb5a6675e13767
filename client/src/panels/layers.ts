import { listLayers, type PlanningLayer } from '../api/layers.ts'
import { mapSettings } from '../api/map-settings.ts'
import { onLanguageChange, t, type MessageKey } from '../i18n/index.ts'
import { REFERENCE_KEYS, type LayerState, type ReferenceKey } from '../layers/layer-state.ts'
import type { Basemap } from '../map/basemap.ts'
import { zoneStyle } from '../map/planning.ts'
import { zoneClassName } from '../format/zones.ts'
import type { WorkspaceExtension } from '../workspace-api.ts'
import { h } from './dom.ts'

const REFERENCE_LABELS: Record<ReferenceKey, MessageKey> = {
  district: 'layers.district',
  towns: 'layers.towns',
  villages: 'layers.villages',
  roads: 'layers.roads',
  rivers: 'layers.rivers',
  sea: 'layers.sea',
}

function checkbox(checked: boolean, label: string, onChange: (checked: boolean) => void): HTMLLabelElement {
  const input = h('input', { type: 'checkbox' })
  input.checked = checked
  input.addEventListener('change', () => onChange(input.checked))
  return h('label', { class: 'check' }, input, label)
}

function classSwatches(layer: PlanningLayer): HTMLElement {
  return h(
    'span',
    { class: 'zone-classes' },
    ...layer.classes.map((zoneClass) => {
      const style = zoneStyle(zoneClass)
      return h('span', {
        class: 'swatch zone',
        style: `background:${style.fill ?? 'transparent'};border-color:${style.stroke}`,
        title: zoneClassName(zoneClass),
      })
    }),
  )
}

function planningRow(layer: PlanningLayer, state: LayerState): HTMLElement {
  const setting = state.setting(layer)
  const opacity = h('input', {
    type: 'range',
    min: '0',
    max: '1',
    step: '0.05',
    'aria-label': `${layer.name} ${t('layers.opacity')}`,
  })
  opacity.value = String(setting.opacity)
  opacity.disabled = !setting.visible
  opacity.addEventListener('input', () => state.update(layer, { opacity: Number(opacity.value) }))
  const above = checkbox(setting.above, t('layers.above'), (value) => state.update(layer, { above: value }))
  above.title = t('layers.aboveHint')
  const visible = checkbox(setting.visible, layer.name, (value) => {
    opacity.disabled = !value
    state.update(layer, { visible: value })
  })
  visible.querySelector('input')!.dataset.layer = layer.name
  return h(
    'li',
    { class: 'planning-layer', 'data-layer-id': String(layer.id), 'data-kind': layer.kind },
    h('div', { class: 'layer-head' }, visible, classSwatches(layer)),
    h(
      'div',
      { class: 'layer-controls' },
      h('span', { class: 'muted' }, t('layers.zones', { count: layer.zone_count })),
      h('label', { class: 'opacity' }, t('layers.opacity'), opacity),
      above,
    ),
  )
}

function basemapForm(state: LayerState, onError: (message: string) => void): HTMLElement {
  const current = state.basemap
  const kind = h('select', { 'aria-label': t('layers.basemap') })
  const options: [string, MessageKey][] = [
    ['off', 'layers.basemapOff'],
    ['raster', 'layers.basemapRaster'],
    ['style', 'layers.basemapStyle'],
  ]
  for (const [value, key] of options) kind.append(h('option', { value }, t(key)))
  kind.value = current?.kind ?? 'off'
  const url = h('input', {
    type: 'url',
    placeholder: 'https://…/{z}/{x}/{y}.png',
    'aria-label': t('layers.basemapUrl'),
    title: t('layers.basemapUrlHint'),
  })
  url.value = current?.url ?? ''
  const apply = h('button', { type: 'submit' }, t('layers.basemapApply'))
  const sync = () => (url.disabled = kind.value === 'off')
  kind.addEventListener('change', sync)
  sync()
  const form = h(
    'form',
    { class: 'basemap' },
    kind,
    url,
    apply,
    h('p', { class: 'note' }, t('layers.basemapNote')),
  )
  form.addEventListener('submit', (event) => {
    event.preventDefault()
    if (kind.value === 'off') return state.setBasemap(null)
    if (!/^https?:\/\//.test(url.value.trim())) return onError(t('layers.basemapInvalid'))
    const basemap: Basemap =
      kind.value === 'raster' ? { kind: 'raster', url: url.value.trim() } : { kind: 'style', url: url.value.trim() }
    state.setBasemap(basemap)
  })
  return form
}

/**
 * The 图层 tab: reference layers from the data itself, the planning layers
 * with visibility, opacity and order, and an optional basemap. The map
 * follows the layer state whether or not the tab is open.
 */
export const layersTab =
  (state: LayerState): WorkspaceExtension =>
  (ws) => {
    let basemap = state.basemap
    let failure: string | null = null
    const applyToMap = (): void => {
      ws.map.setPlanningLayers(state.views())
      for (const key of REFERENCE_KEYS) ws.map.setReferenceVisible(key, state.referenceVisible(key))
      if (state.basemap !== basemap) {
        basemap = state.basemap
        failure = null
        ws.map.setBasemap(basemap).catch((error: unknown) => {
          failure = t('layers.basemapFailed', { message: error instanceof Error ? error.message : String(error) })
          render()
        })
      }
    }
    const unsubscribe = state.onChange((what) => {
      applyToMap()
      // a row updates itself as its controls change; only a new list or basemap redraws the tab
      if (what === 'layers' || what === 'basemap') render()
    })
    if (basemap) void ws.map.setBasemap(basemap).catch(() => undefined)
    applyToMap()
    mapSettings()
      .then((settings) => state.setDefaultBasemap(settings.basemap))
      .catch(() => undefined) // without the deployment's basemap the map is whole; the user may set one
    ws.activity
      .track('activity.places', listLayers())
      .then((layers) => state.setLayers(layers))
      .catch((error: unknown) => {
        failure = t('layers.loadFailed', { message: error instanceof Error ? error.message : String(error) })
        render()
      })

    let panel: HTMLElement | null = null
    const render = (): void => {
      if (!panel) return
      const focused = document.activeElement instanceof HTMLElement ? panelPath(panel, document.activeElement) : null
      const reference = REFERENCE_KEYS.map((key) =>
        h('li', {}, checkbox(state.referenceVisible(key), t(REFERENCE_LABELS[key]), (v) => state.setReference(key, v))),
      )
      const planning = state.layers.map((layer) => planningRow(layer, state))
      const hasRoadControl = state.layers.some((l) => l.kind === 'road_control')
      panel.replaceChildren(
        h('h2', {}, t('layers.reference')),
        h('ul', { class: 'layer-list reference' }, ...reference),
        h('h2', {}, t('layers.planning')),
        planning.length > 0
          ? h('ul', { class: 'layer-list planning' }, ...planning)
          : h('p', { class: 'muted' }, t('layers.none')),
        ...(hasRoadControl ? [] : [h('p', { class: 'note' }, t('layers.roadControlMissing'))]),
        h('h2', {}, t('layers.basemap')),
        basemapForm(state, (message) => {
          failure = message
          render()
        }),
        ...(failure ? [h('p', { class: 'error', role: 'alert' }, failure)] : []),
      )
      if (focused) restoreFocus(panel, focused)
    }
    const tab = ws.sidebar.addTab({
      id: 'layers',
      order: 10,
      label: () => t('tab.layers'),
      mount(element) {
        panel = element
        render()
        return onLanguageChange(render)
      },
    })
    return () => {
      unsubscribe()
      tab.remove()
    }
  }

/** Where an element sits in the panel, as child indexes: re-rendering keeps the keyboard focus. */
function panelPath(root: HTMLElement, element: HTMLElement): number[] | null {
  const path: number[] = []
  let node: Element | null = element
  while (node && node !== root) {
    const parent: Element | null = node.parentElement
    if (!parent) return null
    path.unshift([...parent.children].indexOf(node))
    node = parent
  }
  return node === root ? path : null
}

function restoreFocus(root: HTMLElement, path: number[]): void {
  let node: Element | undefined = root
  for (const index of path) node = node?.children[index]
  if (node instanceof HTMLElement) node.focus()
}
