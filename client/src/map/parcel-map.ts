import type { GeoJSON } from 'geojson'
import type { PlaceCollection } from '../api/geojson.ts'
import type { Bbox } from '../api/parcels.ts'
import { labelPoints } from '../geometry/label-point.ts'
import type { ParcelDisplay } from '../parcels/display.ts'
import { maplibregl } from './setup.ts'
import {
  buildStyle,
  LOCAL_FONT_FAMILY,
  PARCEL_LAYERS,
  SELECTED_LAYER,
  SOURCES,
  type CategoryColor,
} from './style.ts'

export interface ParcelMapOptions {
  container: HTMLElement
  /** The first view, unless the page's URL hash names another one. */
  bounds: Bbox
  categories: CategoryColor[]
  onViewChange(bbox: Bbox): void
  /** The id of the clicked parcel, or null for a click beside all parcels. */
  onParcelClick(id: string | null): void
}

/** Half the side of the box around a click, in pixels: markers are small. */
const CLICK_TOLERANCE = 4

/** The district map: boundaries, parcels and their labels, drawn by MapLibre. */
export class ParcelMap {
  private readonly map: maplibregl.Map
  private styled = false
  private pending: (() => void)[] = []

  constructor(private readonly options: ParcelMapOptions) {
    this.map = new maplibregl.Map({
      container: options.container,
      style: buildStyle(options.categories),
      bounds: options.bounds,
      fitBoundsOptions: { padding: 20 },
      hash: true,
      minZoom: 7,
      maxZoom: 20,
      attributionControl: false,
      localIdeographFontFamily: LOCAL_FONT_FAMILY,
    })
    this.map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right')
    this.map.addControl(new maplibregl.ScaleControl({ unit: 'metric' }), 'bottom-right')

    this.map.once('load', () => {
      this.styled = true
      for (const action of this.pending.splice(0)) action()
      options.onViewChange(this.bbox())
    })
    this.map.on('moveend', () => options.onViewChange(this.bbox()))
    this.map.on('click', (event) => options.onParcelClick(this.parcelAt(event.point)))
    this.map.on('mousemove', (event) => {
      this.map.getCanvas().style.cursor = this.parcelAt(event.point) ? 'pointer' : ''
    })
  }

  bbox(): Bbox {
    const bounds = this.map.getBounds()
    return [bounds.getWest(), bounds.getSouth(), bounds.getEast(), bounds.getNorth()]
  }

  /** Town and village boundaries, each named once at a point inside it. */
  setPlaces(towns: PlaceCollection, villages: PlaceCollection): void {
    this.setData(SOURCES.towns, towns)
    this.setData(SOURCES.villages, villages)
    this.setData(SOURCES.townLabels, labelPoints(towns))
    this.setData(SOURCES.villageLabels, labelPoints(villages))
  }

  setParcels(display: ParcelDisplay): void {
    this.setData(SOURCES.parcels, display.areas)
    this.setData(SOURCES.parcelPoints, display.points)
  }

  setSelected(id: string | null): void {
    this.whenStyled(() => this.map.setFilter(SELECTED_LAYER, ['==', ['get', 'id'], id ?? '']))
  }

  /** Calls `callback` once everything set so far is drawn. */
  onceIdle(callback: () => void): void {
    this.map.once('idle', callback)
    this.map.triggerRepaint()
  }

  remove(): void {
    this.map.remove()
  }

  private parcelAt(point: maplibregl.Point): string | null {
    const box: [maplibregl.PointLike, maplibregl.PointLike] = [
      [point.x - CLICK_TOLERANCE, point.y - CLICK_TOLERANCE],
      [point.x + CLICK_TOLERANCE, point.y + CLICK_TOLERANCE],
    ]
    const layers = PARCEL_LAYERS.filter((id) => this.map.getLayer(id))
    const exact = this.map.queryRenderedFeatures(point, { layers })
    const near = exact.length > 0 ? exact : this.map.queryRenderedFeatures(box, { layers })
    const id = near[0]?.properties['id']
    return typeof id === 'string' ? id : null
  }

  private setData(sourceId: string, data: GeoJSON): void {
    this.whenStyled(() => this.map.getSource<maplibregl.GeoJSONSource>(sourceId)?.setData(data))
  }

  /** Sources and filters can be changed only once the style has loaded. */
  private whenStyled(action: () => void): void {
    if (this.styled) action()
    else this.pending.push(action)
  }
}
