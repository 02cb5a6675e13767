// Style layers of the planning layers (国土空间规划): each layer of GET
// /api/layers drawn from the `zones` vector tiles, one fill and one outline
// per zone class it holds, with its own opacity, under or over the parcels.
import type {
  ExpressionSpecification,
  FilterSpecification,
  LayerSpecification,
} from '@maplibre/maplibre-gl-style-spec'
import { OTHER_ZONE, ZONE_STYLES, type ZoneStyle } from '../../../server/src/domain/zone-classes.ts'
import { SOURCES } from './style.ts'

export interface PlanningLayerView {
  id: number
  /** The zone classes the layer holds; lines (road, river) are drawn by the reference layers. */
  classes: string[]
  visible: boolean
  /** 0–1, of the fill; outlines stay firmer. */
  opacity: number
  /** Over the parcels rather than under them. */
  above: boolean
}

export function zoneStyle(zoneClass: string): ZoneStyle {
  return ZONE_STYLES[zoneClass] ?? OTHER_ZONE
}

export const hatchImage = (zoneClass: string) => `hatch-${zoneClass}`

/** The ids of the style layers drawn for one planning layer, bottom to top. */
export function planningLayerIds(layer: Pick<PlanningLayerView, 'id' | 'classes'>): string[] {
  return layer.classes.flatMap((c) => [`plan-${layer.id}-${c}-fill`, `plan-${layer.id}-${c}-line`])
}

function filterFor(layerId: number, zoneClass: string): FilterSpecification {
  return [
    'all',
    ['==', ['get', 'layer_id'], layerId],
    ['==', ['get', 'class'], zoneClass],
    ['==', ['geometry-type'], 'Polygon'],
  ]
}

/** Fill opacity for the layer's opacity; a hatched fill shows its pattern over a paler ground. */
function fillOpacity(style: ZoneStyle, opacity: number): number {
  return style.fill === null ? 0 : opacity
}

export function planningLayerSpecs(layer: PlanningLayerView): LayerSpecification[] {
  const visibility = layer.visible ? 'visible' : 'none'
  return layer.classes.flatMap((zoneClass): LayerSpecification[] => {
    const style = zoneStyle(zoneClass)
    const common = {
      source: SOURCES.zones,
      'source-layer': 'zones',
      filter: filterFor(layer.id, zoneClass),
      layout: { visibility } as const,
      metadata: { planningLayer: layer.id },
    }
    const fill: LayerSpecification = style.hatch
      ? {
          id: `plan-${layer.id}-${zoneClass}-fill`,
          type: 'fill',
          ...common,
          paint: { 'fill-pattern': hatchImage(zoneClass), 'fill-opacity': layer.opacity },
        }
      : {
          id: `plan-${layer.id}-${zoneClass}-fill`,
          type: 'fill',
          ...common,
          paint: { 'fill-color': style.fill ?? '#000000', 'fill-opacity': fillOpacity(style, layer.opacity) },
        }
    const width: ExpressionSpecification = ['interpolate', ['linear'], ['zoom'], 9, 0.8, 15, 2]
    const line: LayerSpecification = {
      id: `plan-${layer.id}-${zoneClass}-line`,
      type: 'line',
      ...common,
      paint: {
        'line-color': style.stroke,
        'line-width': style.fill === null ? ['interpolate', ['linear'], ['zoom'], 9, 1.5, 15, 3] : width,
        'line-opacity': Math.min(1, 0.35 + layer.opacity),
        ...(style.dash ? { 'line-dasharray': [...style.dash] } : {}),
      },
    }
    return [fill, line]
  })
}
