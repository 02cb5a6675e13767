// Just the part of shpjs 6 (no bundled types) that the tests call.
declare module 'shpjs' {
  import type { FeatureCollection } from 'geojson'

  interface ShapefileParts {
    shp: ArrayBuffer | Uint8Array
    dbf?: ArrayBuffer | Uint8Array
    cpg?: ArrayBuffer | Uint8Array | string
    prj?: ArrayBuffer | Uint8Array | string
  }

  type Named = FeatureCollection & { fileName?: string }

  export function parseZip(zip: ArrayBuffer | Uint8Array): Promise<Named | Named[]>
  export default function getShapefile(
    source: string | ArrayBuffer | Uint8Array | ShapefileParts,
  ): Promise<Named | Named[]>
}
