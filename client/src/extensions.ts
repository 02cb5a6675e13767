import { checksTool } from './panels/checks-panel.ts'
import { drawTool } from './panels/draw-panel.ts'
import { exportTool } from './panels/export-panel.ts'
import { importTool } from './panels/import-dialog.ts'
import { parcelRecord } from './panels/parcel-record.ts'
import type { WorkspaceExtension } from './workspace-api.ts'

/**
 * The modules that extend the workspace (client/src/workspace-api.ts), in the
 * order they are mounted, after the built-in tabs (图层, 筛选, 表格, 统计) and
 * the parcel's properties.
 */
export const EXTENSIONS: WorkspaceExtension[] = [parcelRecord, drawTool, checksTool, importTool, exportTool]
