// The workspace as other modules see it. A module is a function that gets
// the workspace once someone has signed in, adds what it brings (a sidebar
// tab, a section of the parcel panel, map overlays, click handlers) and
// returns what undoes it; client/src/extensions.ts lists the modules.
//
//   export const importTool: WorkspaceExtension = (ws) => {
//     if (!ws.can('parcel.write')) return
//     const tab = ws.sidebar.addTab({ id: 'import', label: () => t('import.tab'), order: 50, mount })
//     return () => tab.remove()
//   }
import type { SessionUser } from './api/session.ts'
import type { Action } from './auth/permissions.ts'
import type { FilterState } from './filters/filter-state.ts'
import type { Activity } from './layout/activity.ts'
import type { ParcelPanel } from './layout/parcel-panel.ts'
import type { Sidebar } from './layout/sidebar.ts'
import type { MapView } from './map/map-view.ts'
import type { Selection } from './parcels/selection.ts'
import type { Places } from './places/places.ts'

export interface Workspace {
  readonly user: SessionUser
  /** Whether the user's role allows an action (server/src/auth/roles.ts): offer only what it allows. */
  can(action: Action): boolean
  /** The map: overlays, flying to a box, refreshing parcel tiles after an edit, a terra-draw adapter. */
  readonly map: MapView
  /** The tabs on the left: `addTab({ id, label, mount, order })`. */
  readonly sidebar: Sidebar
  /** The selected parcel's panel on the right: `addSection({ id, title, render, order })`. */
  readonly parcelPanel: ParcelPanel
  /** The filter the map, the table, the dashboard and the exports follow. */
  readonly filter: FilterState
  /** Which parcel is selected: `select(id, { fly })`, `reload()` after an edit, `onChange`. */
  readonly selection: Selection
  /** Towns and villages: names, extents, boundaries. */
  readonly places: Places
  /** The sign of life over the map for anything that takes a while. */
  readonly activity: Activity
}

export type WorkspaceExtension = (workspace: Workspace) => (() => void) | void
