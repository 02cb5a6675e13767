import type { PlanningLayer } from '../api/layers.ts'
import { parseBasemap, type Basemap } from '../map/basemap.ts'

/** Layers drawn from the data itself for orientation, each switched on or off. */
export const REFERENCE_KEYS = ['district', 'towns', 'villages', 'roads', 'rivers', 'sea'] as const
export type ReferenceKey = (typeof REFERENCE_KEYS)[number]

/**
 * Layer kinds the map draws as reference rather than as planning layers:
 * road and river centre lines, and the sea.
 */
export const REFERENCE_KINDS = ['roads', 'rivers', 'sea'] as const

export interface LayerSetting {
  visible: boolean
  /** 0–1 */
  opacity: number
  /** Over the parcels rather than under them. */
  above: boolean
}

/** What changed: the list of layers, a layer's setting, a reference layer, the basemap. */
export type LayerChange = 'layers' | 'settings' | 'reference' | 'basemap'

export const DEFAULT_SETTING: LayerSetting = { visible: false, opacity: 0.7, above: false }

const STORAGE_KEY = 'jiyuan.layers'
const BASEMAP_KEY = 'jiyuan.basemap'

interface Stored {
  /** by layer name: ids differ between databases, names are unique */
  planning?: Record<string, Partial<LayerSetting>>
  reference?: Partial<Record<ReferenceKey, boolean>>
}

function readJson(key: string): unknown {
  try {
    const text = globalThis.localStorage?.getItem(key)
    return text ? (JSON.parse(text) as unknown) : null
  } catch {
    return null
  }
}

function writeJson(key: string, value: unknown): void {
  try {
    if (value === null) globalThis.localStorage?.removeItem(key)
    else globalThis.localStorage?.setItem(key, JSON.stringify(value))
  } catch {
    // The choice then lasts for this page only.
  }
}

function settingFrom(stored: Partial<LayerSetting> | undefined): LayerSetting {
  const opacity = stored?.opacity
  return {
    visible: typeof stored?.visible === 'boolean' ? stored.visible : DEFAULT_SETTING.visible,
    opacity: typeof opacity === 'number' && opacity >= 0 && opacity <= 1 ? opacity : DEFAULT_SETTING.opacity,
    above: typeof stored?.above === 'boolean' ? stored.above : DEFAULT_SETTING.above,
  }
}

/**
 * Which layers the map shows and how: the planning layers of GET /api/layers
 * with their visibility, opacity and place over or under the parcels; the
 * reference layers; the basemap. Kept in localStorage, so a user finds the
 * map as they left it.
 */
export class LayerState {
  private planningLayers: PlanningLayer[] = []
  private readonly settings = new Map<string, LayerSetting>()
  private readonly reference: Record<ReferenceKey, boolean>
  /** The user's own choice: a basemap, 'off', or null for none made (the deployment's then holds). */
  private basemapChoice: Basemap | 'off' | null
  private basemapDefault: Basemap | null = null
  private readonly listeners = new Set<(what: LayerChange) => void>()
  private readonly stored: Stored

  constructor() {
    const saved = readJson(STORAGE_KEY)
    this.stored = typeof saved === 'object' && saved !== null ? (saved as Stored) : {}
    this.reference = Object.fromEntries(
      REFERENCE_KEYS.map((key) => [key, this.stored.reference?.[key] !== false]),
    ) as Record<ReferenceKey, boolean>
    const stored = readJson(BASEMAP_KEY)
    this.basemapChoice = stored === 'off' ? 'off' : parseBasemap(stored)
  }

  /** The layers of GET /api/layers; those of a reference kind are left out. */
  setLayers(layers: PlanningLayer[]): void {
    this.planningLayers = layers.filter((l) => !(REFERENCE_KINDS as readonly string[]).includes(l.kind))
    for (const layer of this.planningLayers) {
      if (!this.settings.has(layer.name)) {
        this.settings.set(layer.name, settingFrom(this.stored.planning?.[layer.name]))
      }
    }
    this.changed('layers')
  }

  get layers(): readonly PlanningLayer[] {
    return this.planningLayers
  }

  setting(layer: PlanningLayer): LayerSetting {
    return this.settings.get(layer.name) ?? { ...DEFAULT_SETTING }
  }

  update(layer: PlanningLayer, patch: Partial<LayerSetting>): void {
    this.settings.set(layer.name, { ...this.setting(layer), ...patch })
    this.save()
    this.changed('settings')
  }

  referenceVisible(key: ReferenceKey): boolean {
    return this.reference[key]
  }

  setReference(key: ReferenceKey, visible: boolean): void {
    this.reference[key] = visible
    this.save()
    this.changed('reference')
  }

  /** The basemap to draw: the user's choice, else the deployment's (GET /api/map-settings); null for none. */
  get basemap(): Basemap | null {
    if (this.basemapChoice === 'off') return null
    return this.basemapChoice ?? this.basemapDefault
  }

  /** The user's choice, kept in localStorage; null switches the basemap off. */
  setBasemap(basemap: Basemap | null): void {
    this.basemapChoice = basemap ?? 'off'
    writeJson(BASEMAP_KEY, this.basemapChoice)
    this.changed('basemap')
  }

  /** The deployment's basemap, for users who have not chosen one. */
  setDefaultBasemap(basemap: Basemap | null): void {
    this.basemapDefault = basemap
    if (this.basemapChoice === null) this.changed('basemap')
  }

  /** The planning layers the map draws, bottom first, with their settings. */
  views(): { id: number; classes: string[]; visible: boolean; opacity: number; above: boolean }[] {
    return this.planningLayers.map((layer) => ({ id: layer.id, classes: layer.classes, ...this.setting(layer) }))
  }

  onChange(listener: (what: LayerChange) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  private save(): void {
    const planning: Record<string, LayerSetting> = { ...(this.stored.planning as Record<string, LayerSetting>) }
    for (const [name, setting] of this.settings) planning[name] = setting
    this.stored.planning = planning
    this.stored.reference = { ...this.reference }
    writeJson(STORAGE_KEY, this.stored)
  }

  private changed(what: LayerChange): void {
    for (const listener of this.listeners) listener(what)
  }
}
