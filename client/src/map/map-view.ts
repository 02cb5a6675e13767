import type { FilterSpecification, StyleSpecification } from '@maplibre/maplibre-gl-style-spec'
import type { Feature, FeatureCollection, Geometry } from 'geojson'
import { TerraDrawMapLibreGLAdapter } from 'terra-draw-maplibre-gl-adapter'
import type { PlaceCollection } from '../api/geojson.ts'
import type { Bbox } from '../api/parcels.ts'
import { labelPoints } from '../../../server/src/domain/label-point.ts'
import type { ReferenceKey } from '../layers/layer-state.ts'
import { rasterBasemap, vectorBasemap, type Basemap } from './basemap.ts'
import { ICON_PIXEL_RATIO, mapIcons } from './icons.ts'
import { planningLayerIds, planningLayerSpecs, type PlanningLayerView } from './planning.ts'
import { maplibregl } from './setup.ts'
import {
  ANCHORS,
  buildStyle,
  LOCAL_FONT_FAMILY,
  PARCEL_LAYERS,
  parcelLabelField,
  SELECTED_LAYERS,
  SOURCES,
  type CategoryColor,
} from './style.ts'

/** The map's centre (lon, lat in degrees) and zoom. */
export interface View {
  center: [number, number]
  zoom: number
}

/** How a GeoJSON overlay is drawn; a feature's own `color` property wins over `color`. */
export interface OverlayStyle {
  color: string
  /** 0–1; default 0.35. */
  fillOpacity?: number
  /** Pixels; default 2. */
  lineWidth?: number
  dash?: number[]
  /** Pixels; default 5. */
  circleRadius?: number
}

export interface MapClick {
  lngLat: [number, number]
  /** The parcel under the pointer, if any. */
  parcelId: number | null
}

/** The style layers of each reference layer that can be switched on and off. */
const REFERENCE_LAYERS: Record<ReferenceKey, readonly string[]> = {
  district: ['ref-district-line'],
  towns: ['ref-town-line', 'ref-town-label'],
  villages: ['ref-village-line', 'ref-village-label'],
  roads: ['ref-road-casing', 'ref-road-line'],
  rivers: ['ref-river-line'],
  sea: ['ref-sea-fill'],
}

export interface MapViewOptions {
  container: HTMLElement
  /** The first view; `bounds` is shown when there is none. */
  view: View | null
  bounds: Bbox
  categories: CategoryColor[]
  /** URL templates of the vector tiles, `{z}/{x}/{y}` included. */
  parcelTiles: string
  zoneTiles: string
  unit: string
  onViewChange(view: View): void
  /** A click that no handler of `onClick` took: the parcel under it, or null. */
  onParcelClick(id: number | null): void
}

/** How often a loading map is checked for having settled, ms. */
const SETTLE_CHECK_MS = 250

/** Half the side of the box around a click, in pixels: points are small. */
const CLICK_TOLERANCE = 4

const overlayLayerIds = (id: string) => [`overlay-${id}-fill`, `overlay-${id}-line`, `overlay-${id}-point`]

/**
 * The district map, drawn by MapLibre: the only module that talks to it.
 * Everything else gives it plain data (views, bboxes, GeoJSON, filters as
 * query strings) and gets plain data back.
 */
export class MapView {
  private readonly map: maplibregl.Map
  private styled = false
  private pending: (() => void)[] = []
  private parcelTiles: string
  private planning: PlanningLayerView[] = []
  private basemapLayers: string[] = []
  private basemapSources: string[] = []
  private readonly clickHandlers: ((click: MapClick) => boolean | void)[] = []
  private readonly activityListeners = new Set<(loading: boolean) => void>()
  private parcelClicks = true
  private icons: Map<string, HTMLCanvasElement> | null = null
  private settleTimer: ReturnType<typeof setInterval> | undefined

  constructor(private readonly options: MapViewOptions) {
    this.parcelTiles = options.parcelTiles
    const start = options.view
      ? { center: options.view.center, zoom: options.view.zoom }
      : { bounds: options.bounds, fitBoundsOptions: { padding: 20 } }
    this.map = new maplibregl.Map({
      container: options.container,
      style: buildStyle(options) as StyleSpecification,
      ...start,
      minZoom: 7,
      maxZoom: 20,
      attributionControl: false,
      localIdeographFontFamily: LOCAL_FONT_FAMILY,
      dragRotate: false,
      pitchWithRotate: false,
    })
    this.map.touchZoomRotate.disableRotation()
    this.map.keyboard.disableRotation()
    this.map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right')
    this.map.addControl(new maplibregl.ScaleControl({ unit: 'metric' }), 'bottom-right')
    this.map.addControl(new maplibregl.AttributionControl({ compact: true }), 'bottom-right')

    this.map.setMissingStyleImageResolver((id) => this.addIcon(id))
    this.map.once('load', () => {
      this.styled = true
      for (const action of this.pending.splice(0)) action()
    })
    this.map.on('moveend', () => options.onViewChange(this.view()))
    this.map.on('click', (event) => this.click(event.point, event.lngLat))
    this.map.on('mousemove', (event) => {
      const over = this.parcelClicks && this.parcelAt(event.point) !== null
      this.map.getCanvas().style.cursor = over ? 'pointer' : ''
    })
    this.map.on('dataloading', () => {
      this.activity(true)
      this.watchSettling()
    })
    this.map.on('idle', () => {
      this.stopWatchingSettling()
      this.activity(false)
    })
    this.markFirstParcels(options.container)
  }

  /**
   * Writes on the container, as `data-first-parcels-ms`, when the first
   * frame with parcels in it was drawn (ms since the page began to load):
   * the figure scripts/bench/tiles.ts measures.
   */
  private markFirstParcels(container: HTMLElement): void {
    const check = (): void => {
      if (!this.map.getLayer(PARCEL_LAYERS[0])) return
      if (this.map.queryRenderedFeatures({ layers: [...PARCEL_LAYERS] }).length === 0) return
      container.dataset.firstParcelsMs = String(Math.round(performance.now()))
      this.map.off('render', check)
    }
    this.map.on('render', check)
  }

  view(): View {
    const center = this.map.getCenter()
    return { center: [center.lng, center.lat], zoom: this.map.getZoom() }
  }

  bbox(): Bbox {
    const b = this.map.getBounds()
    return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]
  }

  jumpTo(view: View): void {
    this.map.jumpTo({ center: view.center, zoom: view.zoom })
  }

  /** Shows a box (lon/lat degrees), not closer than `maxZoom`. */
  fitBbox(bbox: Bbox, { maxZoom = 17, animate = true }: { maxZoom?: number; animate?: boolean } = {}): void {
    this.map.fitBounds(
      [
        [bbox[0], bbox[1]],
        [bbox[2], bbox[3]],
      ],
      { padding: 40, maxZoom, animate, duration: animate ? 600 : 0 },
    )
  }

  /** District, town and village boundaries; towns and villages named at a point inside. */
  setPlaces(district: PlaceCollection, towns: PlaceCollection, villages: PlaceCollection): void {
    this.setData(SOURCES.district, district)
    this.setData(SOURCES.towns, towns)
    this.setData(SOURCES.villages, villages)
    this.setData(SOURCES.townLabels, labelPoints(towns))
    this.setData(SOURCES.villageLabels, labelPoints(villages))
  }

  /** The parcel tiles' URL template; a new filter gives a new query and new tiles. */
  setParcelTiles(url: string): void {
    if (url === this.parcelTiles) return
    this.parcelTiles = url
    this.whenStyled(() => this.parcelSource()?.setTiles([url]))
  }

  /**
   * Loads the parcel tiles again, after an edit. The server answers an
   * unchanged tile with 304 by its ETag, so only changed tiles travel.
   */
  refreshParcels(): void {
    this.whenStyled(() => this.parcelSource()?.setTiles([this.parcelTiles]))
  }

  /** The planning layers in the order given, bottom first, each under or over the parcels. */
  setPlanningLayers(layers: PlanningLayerView[]): void {
    this.whenStyled(() => {
      const wanted = new Set(layers.flatMap(planningLayerIds))
      for (const old of this.planning) {
        for (const id of planningLayerIds(old)) {
          if (!wanted.has(id) && this.map.getLayer(id)) this.map.removeLayer(id)
        }
      }
      const wasAbove = new Map(this.planning.map((layer) => [layer.id, layer.above]))
      this.planning = layers.map((layer) => ({ ...layer, classes: [...layer.classes] }))
      for (const layer of this.planning) {
        const before = layer.above ? ANCHORS.aboveParcels : ANCHORS.belowParcels
        for (const spec of planningLayerSpecs(layer)) {
          if (!this.map.getLayer(spec.id)) {
            this.map.addLayer(spec, before)
            continue
          }
          // Changing paint and layout in place keeps the tiles; re-adding a layer would lay them out again.
          if (wasAbove.get(layer.id) !== layer.above) this.map.moveLayer(spec.id, before)
          const paint = (spec.paint ?? {}) as Record<string, unknown>
          for (const name of Object.keys(paint) as (keyof typeof paint & 'fill-opacity')[]) {
            // the names and values come from the spec just built for this very layer
            this.map.setPaintProperty(spec.id, name, paint[name] as number)
          }
          this.map.setLayoutProperty(spec.id, 'visibility', layer.visible ? 'visible' : 'none')
        }
      }
    })
  }

  setReferenceVisible(layer: ReferenceKey, visible: boolean): void {
    this.whenStyled(() => {
      for (const id of REFERENCE_LAYERS[layer]) {
        this.map.setLayoutProperty(id, 'visibility', visible ? 'visible' : 'none')
      }
    })
  }

  /** Puts a basemap under the district's layers, or takes it away (null). */
  async setBasemap(basemap: Basemap | null): Promise<void> {
    const parts =
      basemap === null
        ? null
        : basemap.kind === 'raster'
          ? rasterBasemap(basemap)
          : vectorBasemap(await fetchStyle(basemap.url))
    this.whenStyled(() => {
      for (const id of this.basemapLayers) if (this.map.getLayer(id)) this.map.removeLayer(id)
      for (const id of this.basemapSources) if (this.map.getSource(id)) this.map.removeSource(id)
      this.basemapLayers = []
      this.basemapSources = []
      if (!parts) return
      for (const [id, source] of Object.entries(parts.sources)) {
        this.map.addSource(id, source)
        this.basemapSources.push(id)
      }
      for (const layer of parts.layers) {
        this.map.addLayer(layer, ANCHORS.basemap)
        this.basemapLayers.push(layer.id)
      }
    })
  }

  setSelected(id: number | null): void {
    this.whenStyled(() => {
      const [line, point] = SELECTED_LAYERS
      const match: FilterSpecification = ['==', ['id'], id ?? -1]
      this.map.setFilter(line, ['all', ['==', ['geometry-type'], 'Polygon'], match])
      this.map.setFilter(point, ['all', ['==', ['geometry-type'], 'Point'], match])
    })
  }

  /** The area unit of parcel labels, in the interface language. */
  setLabelUnit(unit: string): void {
    this.whenStyled(() => this.map.setLayoutProperty('parcel-label', 'text-field', parcelLabelField(unit)))
  }

  /**
   * Draws GeoJSON over the parcels (a finding's piece, a drawing, a preview),
   * replacing what was shown under the same id.
   */
  showOverlay(id: string, data: FeatureCollection | Feature, style: OverlayStyle): void {
    this.whenStyled(() => {
      this.removeOverlayNow(id)
      const source = `overlay-${id}`
      const color = ['coalesce', ['get', 'color'], style.color] as unknown as string
      const [fillId, lineId, pointId] = overlayLayerIds(id)
      this.map.addSource(source, { type: 'geojson', data })
      const polygons: FilterSpecification = ['==', ['geometry-type'], 'Polygon']
      this.map.addLayer(
        {
          id: fillId!,
          type: 'fill',
          source,
          filter: polygons,
          paint: { 'fill-color': color, 'fill-opacity': style.fillOpacity ?? 0.35 },
        },
        ANCHORS.overlays,
      )
      this.map.addLayer(
        {
          id: lineId!,
          type: 'line',
          source,
          filter: ['!=', ['geometry-type'], 'Point'],
          paint: {
            'line-color': color,
            'line-width': style.lineWidth ?? 2,
            ...(style.dash ? { 'line-dasharray': style.dash } : {}),
          },
        },
        ANCHORS.overlays,
      )
      this.map.addLayer(
        {
          id: pointId!,
          type: 'circle',
          source,
          filter: ['==', ['geometry-type'], 'Point'],
          paint: {
            'circle-color': color,
            'circle-radius': style.circleRadius ?? 5,
            'circle-stroke-color': '#ffffff',
            'circle-stroke-width': 1.5,
          },
        },
        ANCHORS.overlays,
      )
    })
  }

  removeOverlay(id: string): void {
    this.whenStyled(() => this.removeOverlayNow(id))
  }

  /**
   * Adds a click handler that runs before parcel selection; returning true
   * takes the click (a drawing tool does), so no parcel gets selected.
   */
  onClick(handler: (click: MapClick) => boolean | void): () => void {
    this.clickHandlers.unshift(handler)
    return () => {
      const index = this.clickHandlers.indexOf(handler)
      if (index !== -1) this.clickHandlers.splice(index, 1)
    }
  }

  /** While drawing, a click on a parcel must not select it. */
  setParcelClicks(enabled: boolean): void {
    this.parcelClicks = enabled
  }

  /** Called with true when tiles start loading and false once the map is drawn. */
  onActivity(listener: (loading: boolean) => void): () => void {
    this.activityListeners.add(listener)
    return () => this.activityListeners.delete(listener)
  }

  /** Calls `callback` once everything set so far is drawn. */
  onceIdle(callback: () => void): void {
    this.whenStyled(() => {
      this.map.once('idle', callback)
      this.map.triggerRepaint()
      this.watchSettling()
    })
  }

  /** The parcels drawn in the view, as GeoJSON clipped to their tiles (for snapping, counts). */
  renderedParcels(): Feature<Geometry>[] {
    if (!this.styled) return []
    return this.map
      .queryRenderedFeatures({ layers: [PARCEL_LAYERS[0]] })
      .map((f) => ({ type: 'Feature', id: f.id, geometry: f.geometry, properties: f.properties }))
  }

  /**
   * A terra-draw adapter on this map, for the drawing tools (client/src/draw/),
   * which then never touch MapLibre themselves. It draws under the labels.
   */
  drawAdapter(
    config: Omit<ConstructorParameters<typeof TerraDrawMapLibreGLAdapter>[0], 'map'> = {},
  ): TerraDrawMapLibreGLAdapter<maplibregl.Map> {
    return new TerraDrawMapLibreGLAdapter({
      renderBelowLayerId: ANCHORS.overlays,
      ...config,
      map: this.map,
    })
  }

  remove(): void {
    this.stopWatchingSettling()
    this.map.remove()
  }

  private click(point: maplibregl.Point, lngLat: maplibregl.LngLat): void {
    const parcelId = this.parcelAt(point)
    const click: MapClick = { lngLat: [lngLat.lng, lngLat.lat], parcelId }
    for (const handler of [...this.clickHandlers]) if (handler(click) === true) return
    if (this.parcelClicks) this.options.onParcelClick(parcelId)
  }

  private parcelAt(point: maplibregl.Point): number | null {
    if (!this.styled) return null
    const layers = PARCEL_LAYERS.filter((id) => this.map.getLayer(id))
    const box: [maplibregl.PointLike, maplibregl.PointLike] = [
      [point.x - CLICK_TOLERANCE, point.y - CLICK_TOLERANCE],
      [point.x + CLICK_TOLERANCE, point.y + CLICK_TOLERANCE],
    ]
    const exact = this.map.queryRenderedFeatures(point, { layers })
    const near = exact.length > 0 ? exact : this.map.queryRenderedFeatures(box, { layers })
    const id = near[0]?.id
    return typeof id === 'number' ? id : null
  }

  /** The style asks for its symbols by name the first time it draws one. */
  private addIcon(id: string): void {
    this.icons ??= mapIcons()
    const icon = this.icons.get(id)
    if (!icon || this.map.hasImage(id)) return
    const image = icon.getContext('2d')!.getImageData(0, 0, icon.width, icon.height)
    this.map.addImage(id, image, { pixelRatio: ICON_PIXEL_RATIO })
  }

  /**
   * MapLibre fires no 'data' event for a tile the server answers with 304
   * (tile_manager.ts, `_tileLoaded` returns early for an unmodified tile):
   * when such a tile is the last to arrive, nothing repaints the map and
   * 'idle' never comes, leaving the loading sign on. While anything loads,
   * look a few times a second and repaint once all is in.
   */
  private watchSettling(): void {
    if (this.settleTimer !== undefined) return
    this.settleTimer = setInterval(() => {
      if (!this.map.loaded() || this.map.isMoving()) return
      this.stopWatchingSettling()
      this.map.triggerRepaint()
    }, SETTLE_CHECK_MS)
  }

  private stopWatchingSettling(): void {
    clearInterval(this.settleTimer)
    this.settleTimer = undefined
  }

  private activity(loading: boolean): void {
    for (const listener of this.activityListeners) listener(loading)
  }

  private parcelSource(): maplibregl.VectorTileSource | undefined {
    return this.map.getSource<maplibregl.VectorTileSource>(SOURCES.parcels)
  }

  private removeOverlayNow(id: string): void {
    for (const layer of overlayLayerIds(id)) if (this.map.getLayer(layer)) this.map.removeLayer(layer)
    if (this.map.getSource(`overlay-${id}`)) this.map.removeSource(`overlay-${id}`)
  }

  private setData(sourceId: string, data: FeatureCollection): void {
    this.whenStyled(() => this.map.getSource<maplibregl.GeoJSONSource>(sourceId)?.setData(data))
  }

  /** Sources and layers can be changed only once the style has loaded. */
  private whenStyled(action: () => void): void {
    if (this.styled) action()
    else this.pending.push(action)
  }
}

async function fetchStyle(url: string): Promise<StyleSpecification> {
  const response = await fetch(url)
  if (!response.ok) throw new Error(`${url}: ${response.status}`)
  return (await response.json()) as StyleSpecification
}
