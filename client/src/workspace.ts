import { parcelsInBbox, type Bbox } from './api/parcels.ts'
import type { SessionUser } from './api/session.ts'
import { townBoundaries } from './api/towns.ts'
import { villageBoundaries } from './api/villages.ts'
import { categoryColors } from './domain/categories.ts'
import { onLanguageChange } from './i18n/index.ts'
import { ParcelMap } from './map/parcel-map.ts'
import { h } from './panels/dom.ts'
import type { Header } from './panels/header.ts'
import { mountLegend } from './panels/legend.ts'
import { mountParcelPanel } from './panels/parcel-panel.ts'
import { mountStatusLine, type StatusLine } from './panels/status-line.ts'
import { toDisplay } from './parcels/display.ts'
import { ParcelStore } from './parcels/store.ts'
import { ViewLoader, type ParcelQuery } from './parcels/view-loader.ts'
import { Readiness } from './readiness.ts'

/** Jimo district, lon/lat (DOMAIN.md, "Places"). */
const DISTRICT_BOUNDS: Bbox = [120.2, 36.2, 120.9, 36.6]

/** The most parcels one view loads; `numberMatched` tells when there are more. */
const PARCEL_LIMIT = 10000

const parcelsInView: ParcelQuery = (bbox, signal) => parcelsInBbox(bbox, PARCEL_LIMIT, signal)

function showFailure(status: StatusLine, readiness: Readiness, error: unknown): void {
  const message = error instanceof Error ? error.message : String(error)
  status.show('map.loadFailed', { message }, true)
  readiness.fail()
}

/** Town and village boundaries on the map; their names for the header and the panel. */
async function loadPlaces(map: ParcelMap, placeNames: Map<string, string>): Promise<void> {
  const [towns, villages] = await Promise.all([townBoundaries(), villageBoundaries()])
  for (const place of [...towns.features, ...villages.features]) {
    placeNames.set(place.properties.code, place.properties.name)
  }
  map.setPlaces(towns, villages)
}

/**
 * The signed-in page: map, legend, parcel panel. The map container's
 * `data-map-state` turns `ready` once the boundaries and the parcels of the
 * view are drawn: end-to-end tests wait for it.
 */
export function mountWorkspace(root: HTMLElement, user: SessionUser, header: Header): () => void {
  const container = h('div', { class: 'map', 'data-map-state': 'loading' })
  root.append(container)
  const status = mountStatusLine(root)
  const removeLegend = mountLegend(root)
  const store = new ParcelStore()
  const placeNames = new Map<string, string>()
  const readiness = new Readiness((state) => (container.dataset.mapState = state))
  const drawn = (task: string, token = readiness.current(task)): void =>
    map.onceIdle(() => token !== undefined && readiness.finish(task, token))

  const panel = mountParcelPanel(root, {
    placeName: (code) => placeNames.get(code) ?? code,
    onClose: () => select(null),
  })
  const select = (id: string | null): void => {
    const parcel = id === null ? undefined : store.get(id)
    map.setSelected(parcel ? id : null)
    if (parcel) panel.show(parcel)
    else panel.hide()
  }

  const loader = new ViewLoader(parcelsInView, {
    onStart: () => status.show('map.loading'),
    onLoaded(collection) {
      store.replace(collection)
      map.setParcels(toDisplay(store.all()))
      const counts = { shown: store.size, matched: store.matched }
      status.show(store.matched > store.size ? 'map.truncated' : 'map.count', counts)
      drawn('parcels')
    },
    onError: (error) => showFailure(status, readiness, error),
  })
  const map = new ParcelMap({
    container,
    bounds: DISTRICT_BOUNDS,
    categories: categoryColors(),
    onViewChange(bbox) {
      // Not ready from the moment the view moves, not only once the request goes out.
      readiness.begin('parcels')
      loader.request(bbox)
    },
    onParcelClick: select,
  })

  readiness.begin('places')
  loadPlaces(map, placeNames)
    .then(() => {
      header.setUser(user, user.town ? placeNames.get(user.town) : null)
      drawn('places')
    })
    .catch((error: unknown) => showFailure(status, readiness, error))

  // Parcel labels carry the area unit, which is worded per language.
  const unsubscribe = onLanguageChange(() => map.setParcels(toDisplay(store.all())))
  return () => {
    unsubscribe()
    loader.dispose()
    map.remove()
    panel.dispose()
    status.dispose()
    removeLegend()
    container.remove()
  }
}
