import type { SessionUser } from './api/session.ts'
import { allowed } from './auth/permissions.ts'
import { categoryColors } from './domain/categories.ts'
import { EXTENSIONS } from './extensions.ts'
import { FilterState } from './filters/filter-state.ts'
import { parcelTileUrl } from './filters/filter.ts'
import { formatUrl, parseUrl, type UrlState } from './filters/url-state.ts'
import { bboxOf } from './geometry/bbox.ts'
import { onLanguageChange, t } from './i18n/index.ts'
import { Activity } from './layout/activity.ts'
import { ParcelPanel } from './layout/parcel-panel.ts'
import { Sidebar } from './layout/sidebar.ts'
import { LayerState } from './layers/layer-state.ts'
import { MapView } from './map/map-view.ts'
import { dashboardTab } from './panels/dashboard.ts'
import { h } from './panels/dom.ts'
import { filterTab } from './panels/filter.ts'
import type { Header } from './panels/header.ts'
import { layersTab } from './panels/layers.ts'
import { mountLegend } from './panels/legend.ts'
import { propertiesSection } from './panels/parcel-properties.ts'
import { mountStatusLine } from './panels/status-line.ts'
import { tableTab } from './panels/table.ts'
import { Selection } from './parcels/selection.ts'
import { Places } from './places/places.ts'
import { Readiness } from './readiness.ts'
import type { Workspace, WorkspaceExtension } from './workspace-api.ts'

/** Jimo district, lon/lat (DOMAIN.md, "Places"), until its outline has loaded. */
const DISTRICT_BOUNDS: [number, number, number, number] = [120.2, 36.2, 120.9, 36.6]

/** The tabs every user has; other modules add theirs through client/src/extensions.ts. */
const builtIn = (layers: LayerState): WorkspaceExtension[] => [
  layersTab(layers),
  filterTab,
  tableTab,
  dashboardTab,
]

/** Folds the sidebar away for a wider map (a tablet held upright), and back. */
function sidebarToggle(onToggle: () => boolean): [HTMLButtonElement, () => void] {
  const button = h('button', { type: 'button', class: 'sidebar-toggle', 'aria-expanded': 'true' }, '☰')
  const label = () => {
    button.title = t('sidebar.toggle')
    button.setAttribute('aria-label', t('sidebar.toggle'))
  }
  label()
  button.addEventListener('click', () => button.setAttribute('aria-expanded', String(!onToggle())))
  return [button, onLanguageChange(label)]
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/**
 * The signed-in page: the sidebar of tabs on the left, the map in the middle,
 * the selected parcel's panel on the right. The map container's
 * `data-map-state` turns `ready` once the boundaries and the tiles of the
 * current view and filter are drawn: end-to-end tests wait for it.
 */
export function mountWorkspace(root: HTMLElement, user: SessionUser, header: Header): () => void {
  const initial = parseUrl(location.search, location.hash)
  const filter = new FilterState(initial.filter)
  const layerState = new LayerState()
  const sidebar = new Sidebar(() => t('sidebar.label'))
  const activity = new Activity()
  const selection = new Selection()
  const panel = new ParcelPanel({ onClose: () => void selection.select(null) })
  const container = h('div', { class: 'map', 'data-map-state': 'loading' })
  const [toggle, untoggle] = sidebarToggle(() => layout.classList.toggle('sidebar-hidden'))
  const mapArea = h('div', { class: 'map-area' }, container, activity.element, toggle)
  const layout = h('div', { class: 'workspace' }, sidebar.element, mapArea, panel.element)
  root.append(layout)
  const status = mountStatusLine(mapArea)
  const readiness = new Readiness((state) => (container.dataset.mapState = state))
  const cleanups: (() => void)[] = [untoggle]

  const map = new MapView({
    container,
    view: initial.view,
    bounds: DISTRICT_BOUNDS,
    categories: categoryColors(),
    parcelTiles: parcelTileUrl(location.origin, filter.get()),
    zoneTiles: `${location.origin}/tiles/zones/{z}/{x}/{y}.mvt`,
    unit: t('unit.mu'),
    onViewChange: () => {
      writeUrl()
      redrawn()
    },
    onParcelClick: (id) => void selection.select(id),
  })

  /** Not ready from the moment something changes until the map has drawn it. */
  const redrawn = (): void => {
    const token = readiness.begin('tiles')
    map.onceIdle(() => readiness.finish('tiles', token))
  }
  redrawn()

  // One task for all tile loading: it ends when the map is idle.
  let tiles: ReturnType<Activity['start']> | null = null
  cleanups.push(
    map.onActivity((loading) => {
      if (loading && !tiles) tiles = activity.start('activity.tiles')
      if (!loading && tiles) {
        tiles.done()
        tiles = null
      }
    }),
  )

  const urlState = (): UrlState => ({
    view: map.view(),
    filter: filter.get(),
    tab: sidebar.selected,
    parcel: selection.id,
  })
  const writeUrl = (): void => {
    const { search, hash } = formatUrl(urlState())
    history.replaceState(history.state, '', `${location.pathname}${search}${hash}`)
  }
  // A hash typed or pasted into the address bar moves the map.
  const onHashChange = (): void => {
    const view = parseUrl('', location.hash).view
    if (view) map.jumpTo(view)
    redrawn()
  }
  addEventListener('hashchange', onHashChange)
  cleanups.push(() => removeEventListener('hashchange', onHashChange))

  cleanups.push(
    filter.onChange((next) => {
      map.setParcelTiles(parcelTileUrl(location.origin, next))
      writeUrl()
      redrawn()
    }),
    sidebar.onSelect(() => writeUrl()),
    selection.onChange((parcel, options) => {
      map.setSelected(parcel?.properties.id ?? null)
      if (parcel) panel.show(parcel)
      else panel.hide()
      if (parcel && options.fly) {
        const box = bboxOf(parcel.geometry)
        if (box) map.fitBbox(box, { maxZoom: 16 })
      }
      writeUrl()
    }),
    selection.onError((error) => status.show('parcel.loadFailed', { message: errorText(error) }, true)),
    onLanguageChange(() => map.setLabelUnit(t('unit.mu'))),
    layerState.onChange(() => redrawn()),
  )

  const places = activity.track('activity.places', Places.load())
  readiness.begin('places')
  places
    .then((loaded) => {
      map.setPlaces(loaded.district, loaded.townBoundaries, loaded.villageBoundaries)
      header.setUser(user, user.town ? loaded.name(user.town) : null)
      if (!initial.view) {
        // a link without a view shows what its filter names, else the user's town, else the district
        const place = initial.filter.village ?? initial.filter.town ?? user.town
        const home = place ? loaded.get(place)?.bbox : loaded.districtBbox()
        if (home) map.fitBbox(home, { animate: false, maxZoom: 14 })
      }
      const workspace: Workspace = {
        user,
        can: (action) => allowed(user, action),
        map,
        sidebar,
        parcelPanel: panel,
        filter,
        selection,
        places: loaded,
        activity,
      }
      cleanups.push(panel.addSection(propertiesSection(loaded)))
      cleanups.push(mountLegend(mapArea, layerState))
      for (const extension of [...builtIn(layerState), ...EXTENSIONS]) {
        const undo = extension(workspace)
        if (undo) cleanups.push(undo)
      }
      if (initial.tab) sidebar.select(initial.tab)
      if (initial.parcel !== null) void selection.select(initial.parcel)
      map.onceIdle(() => readiness.finish('places', readiness.current('places')!))
    })
    .catch((error: unknown) => {
      status.show('map.loadFailed', { message: errorText(error) }, true)
      readiness.fail()
    })

  return () => {
    for (const cleanup of cleanups.reverse()) cleanup()
    sidebar.dispose()
    panel.dispose()
    activity.dispose()
    status.dispose()
    map.remove()
    layout.remove()
  }
}
