// Drawing a new parcel outline and editing the vertices of one, with
// terra-draw on the map's adapter (client/src/map/ hands it over, so this
// module never touches MapLibre). Points snap to the neighbouring parcels
// (snap.ts); every change of the outline is reported as plain GeoJSON.
import type { Polygon, Position } from 'geojson'
import {
  TerraDraw,
  TerraDrawPolygonMode,
  TerraDrawSelectMode,
  type SnappableContext,
  type TerraDrawMouseEvent,
} from 'terra-draw'
import type { TerraDrawMapLibreGLAdapter } from 'terra-draw-maplibre-gl-adapter'
import { snap, type SnapRing } from './snap.ts'

/** How close to a neighbour's vertex or edge a point snaps, in screen pixels. */
export const SNAP_PX = 10

const BLUE = '#1d4ed8'
const WHITE = '#ffffff'

export interface DrawSessionOptions {
  adapter: TerraDrawMapLibreGLAdapter<unknown>
  /** the neighbours' rings to snap to; asked at every pointer move */
  snapRings(): readonly SnapRing[]
  /** the pointer went where no neighbours are loaded yet */
  onSnapMiss?(lonLat: Position): void
  /** the outline as it is now, while drawing too; null once cancelled */
  onChange(outline: Polygon | null): void
  /** a new outline was closed: its vertices can be edited from now on */
  onClosed?(outline: Polygon): void
}

function toCustom(options: DrawSessionOptions) {
  return (event: TerraDrawMouseEvent, context: SnappableContext): Position | undefined => {
    const pointer = { x: event.containerX, y: event.containerY }
    const corner = context.unproject(event.containerX + SNAP_PX, event.containerY + SNAP_PX)
    const toleranceDeg = Math.max(
      Math.abs(corner.lng - event.lng),
      Math.abs(corner.lat - event.lat),
    )
    const rings = options.snapRings()
    if (rings.length === 0) options.onSnapMiss?.([event.lng, event.lat])
    return snap(rings, (lon, lat) => context.project(lon, lat), {
      pointer,
      lonLat: [event.lng, event.lat],
      tolerancePx: SNAP_PX,
      toleranceDeg,
    })
  }
}

/** One drawing or editing session; stop() takes everything off the map. */
export class DrawSession {
  private readonly draw: TerraDraw
  private featureId: string | number | null = null
  private stopped = false

  constructor(private readonly options: DrawSessionOptions) {
    const snapping = { toCustom: toCustom(options) }
    this.draw = new TerraDraw({
      adapter: options.adapter,
      modes: [
        new TerraDrawPolygonMode({
          snapping,
          styles: {
            fillColor: BLUE,
            fillOpacity: 0.15,
            outlineColor: BLUE,
            outlineWidth: 2,
            closingPointColor: WHITE,
            closingPointOutlineColor: BLUE,
            closingPointWidth: 5,
            snappingPointColor: '#f28e00',
            snappingPointOutlineColor: WHITE,
            snappingPointWidth: 6,
          },
        }),
        new TerraDrawSelectMode({
          allowManualDeselection: false,
          flags: {
            polygon: {
              feature: {
                draggable: false,
                coordinates: {
                  draggable: true,
                  midpoints: true,
                  deletable: true,
                  snappable: snapping,
                },
              },
            },
          },
          styles: {
            selectedPolygonColor: BLUE,
            selectedPolygonFillOpacity: 0.15,
            selectedPolygonOutlineColor: BLUE,
            selectedPolygonOutlineWidth: 2,
            selectionPointColor: WHITE,
            selectionPointOutlineColor: BLUE,
            selectionPointWidth: 5,
            midPointColor: BLUE,
            midPointOutlineColor: WHITE,
            midPointWidth: 3,
          },
        }),
      ],
    })
    this.draw.on('change', (ids, type) => {
      if (type === 'delete' || this.stopped) return
      const outline = this.outline()
      if (outline) options.onChange(outline)
    })
    this.draw.on('finish', (id, context) => {
      if (context.mode !== 'polygon' || context.action !== 'draw') return
      this.featureId = id
      this.draw.setMode('select')
      this.draw.selectFeature(id)
      const outline = this.outline()
      if (outline) options.onClosed?.(outline)
    })
    this.draw.start()
  }

  /** Starts a new outline: each click places a point; the first point or Enter closes it. */
  startNew(): void {
    this.draw.setMode('polygon')
  }

  /** Edits the vertices of an outline (one ring, no holes). */
  startEdit(outline: Polygon): void {
    const [result] = this.draw.addFeatures([
      { type: 'Feature', geometry: outline, properties: { mode: 'polygon' } },
    ])
    if (!result?.valid)
      throw new Error(`terra-draw refused the outline: ${result?.reason ?? 'unknown reason'}`)
    this.featureId = result.id as string | number
    this.draw.setMode('select')
    this.draw.selectFeature(this.featureId)
  }

  /** The outline being drawn or edited, closed; null before the first point. */
  outline(): Polygon | null {
    const features = this.draw
      .getSnapshot()
      .filter((f) => f.geometry.type === 'Polygon' && f.properties.mode === 'polygon')
    const feature =
      this.featureId === null
        ? features[features.length - 1]
        : features.find((f) => f.id === this.featureId)
    return feature ? (feature.geometry as Polygon) : null
  }

  /** Whether the outline is closed (drawn to the end, or an existing one). */
  get closed(): boolean {
    return this.featureId !== null
  }

  stop(): void {
    if (this.stopped) return
    this.stopped = true
    this.draw.stop()
  }
}
