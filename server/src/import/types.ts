// The shapes shared by the import readers: what goes in (bytes, options,
// limits), what comes out (features in EPSG:4490 lon/lat, one problem per
// feature that could not be taken as it is).
import type { Geometry } from 'geojson'

export interface ImportLimits {
  /** bytes of the uploaded file itself */
  maxUploadBytes: number
  /** entries in a zip's central directory, folders included */
  maxZipEntries: number
  /** bytes of the zip members we unpack, summed */
  maxUncompressedBytes: number
  maxFeatures: number
  maxVerticesPerFeature: number
}

export const DEFAULT_LIMITS: Readonly<ImportLimits> = {
  maxUploadBytes: 100 * 1024 * 1024,
  maxZipEntries: 1000,
  maxUncompressedBytes: 1024 * 1024 * 1024,
  maxFeatures: 200_000,
  maxVerticesPerFeature: 100_000,
}

export interface ReadOptions {
  /** the uploaded file's name, for dispatch and messages */
  fileName: string
  /** EPSG code of the coordinates; overrides a .prj or a GeoJSON "crs" */
  srid?: number
  /** text encoding of the DBF (an iconv-lite name or a code page); overrides .cpg and detection */
  encoding?: string
  /** the lon/lat are GCJ-02 (AMap, Tencent): convert them back to CGCS2000 */
  gcj02?: boolean
  limits: ImportLimits
}

export interface RawFeature {
  /** position of the feature in the file, from 0 (Shapefile record number − 1) */
  index: number
  /** EPSG:4490 lon/lat, rounded to 1e-9°, 2-D */
  geometry: Geometry
  properties: Record<string, unknown>
  /** a GeoJSON feature's "id", when it had one */
  id?: string | number
}

/**
 * Why a feature was not taken as it is. Every code but those in
 * KEPT_WITH_PROBLEM drops the feature from `features`.
 */
export const FEATURE_PROBLEM_CODES = [
  'null_geometry',
  'empty_geometry',
  'malformed_feature',
  'malformed_geometry',
  'corrupt_record',
  'unsupported_geometry_type',
  'non_finite_coordinates',
  'coordinates_out_of_range',
  'too_many_vertices',
  'outside_district',
  // set when mapping and loading, not by the readers
  'missing_code',
  'duplicate_code',
  'missing_property',
  'invalid_property',
  'invalid_code',
  'property_too_long',
  'unknown_category',
  'unknown_status',
  'unknown_problem',
  'unknown_town',
  'unknown_village',
  'invalid_geometry',
  'out_of_scope',
  'status_by_workflow',
  'initial_status_forbidden',
] as const

export type FeatureProblemCode = (typeof FEATURE_PROBLEM_CODES)[number]

/** Problems reported while the feature stays in `features`: the caller decides. */
export const KEPT_WITH_PROBLEM: readonly FeatureProblemCode[] = ['outside_district']

export interface FeatureProblem {
  index: number
  code: FeatureProblemCode
  /** names the feature (index, and its 地块编码 when known) and the value */
  message: string
  /** the same in Chinese, where the reader wrote one */
  zh?: string
}

export type CrsSource = 'prj' | 'geojson_crs' | 'ewkt' | 'detected' | 'given' | 'default'
export type EncodingSource = 'cpg' | 'ldid' | 'detected' | 'given'

export interface ReadResult {
  format: 'shapefile' | 'geojson' | 'csv'
  layerName: string
  features: RawFeature[]
  problems: FeatureProblem[]
  /** EPSG code of the source coordinates; 0 for a .prj that names no EPSG CRS */
  sourceSrid: number
  /** a readable name of the source CRS, e.g. "CGCS2000 / 3-degree Gauss-Kruger CM 120E" */
  sourceCrsName: string
  crsSource: CrsSource
  /** iconv-lite name of the DBF or CSV text encoding; null for GeoJSON */
  encoding: string | null
  encodingSource: EncodingSource | null
  gcj02: boolean
  warnings: string[]
}
