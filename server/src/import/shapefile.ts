// Reads one Shapefile from a set of members (a zip's, or loose files):
// geometry from the .shp, attributes from the .dbf in the encoding the
// .cpg/.cst, the DBF language driver or the bytes themselves say, and the
// CRS from the .prj. The .shx is not needed: records are walked in the .shp.
import { AppError, quote } from '../errors/app-error.ts'
import { crsFromPrj, type SourceCrs } from './crs-detect.ts'
import { openDbf, readDbfRows, textCells, type DbfTable } from './dbf.ts'
import {
  guessText,
  guessedEncoding,
  isWesternLdid,
  ldidEncoding,
  readCodePage,
  type TextGuess,
} from './encoding.ts'
import { featureProblem, type SourceFeature } from './problems.ts'
import { countShpRecords, readShp, type ShpRecord } from './shp.ts'
import { stage } from './stages.ts'
import type { EncodingSource, FeatureProblem, ImportLimits } from './types.ts'

/** Member extensions read; any other member (.sbn, .shp.xml, .qmd …) is ignored. */
export const SHAPEFILE_PARTS = ['shp', 'dbf', 'prj', 'cpg', 'cst'] as const
type Part = (typeof SHAPEFILE_PARTS)[number]

export interface ShapefileLayer {
  layerName: string
  features: SourceFeature[]
  problems: FeatureProblem[]
  crs: SourceCrs | null
  encoding: string | null
  encodingSource: EncodingSource | null
  warnings: string[]
}

interface Group {
  /** path without extension, as in the zip */
  path: string
  parts: Partial<Record<Part, { name: string; bytes: Uint8Array }>>
}

/** Whether a member is one we read: by extension, skipping macOS resource forks. */
export function isShapefilePart(name: string): boolean {
  return partOf(name) !== undefined
}

function partOf(name: string): Part | undefined {
  if (/(^|\/)__MACOSX\//.test(name) || /(^|\/)\._/.test(name)) return undefined
  const ext = /\.([^./]+)$/.exec(name)?.[1]?.toLowerCase()
  return SHAPEFILE_PARTS.find((p) => p === ext)
}

export interface ShapefileInput {
  members: ReadonlyMap<string, Uint8Array>
  /** every name the container held, for the no_shapefile message */
  names: readonly string[]
  /** the upload's name, for messages */
  fileName: string
  encoding?: string
  /** the caller's EPSG code: the .prj is then not read at all */
  srid?: number
  limits: ImportLimits
}

export function readShapefile(input: ShapefileInput): ShapefileLayer {
  const group = pickGroup(input)
  const shp = group.parts.shp as { name: string; bytes: Uint8Array }
  const count = countShpRecords(shp.bytes, shp.name)
  if (count > input.limits.maxFeatures) {
    throw new AppError('too_many_features', {
      file: quote(input.fileName),
      count,
      limit: input.limits.maxFeatures,
    })
  }
  const layer = stage('parse .shp', () => readShp(shp.bytes, shp.name))
  const warnings = [...layer.warnings]
  if (layer.droppedZM) warnings.push(`${shp.name}: Z and M values were dropped; features are 2-D`)
  const attributes = readAttributes(group, input.encoding, count, warnings)
  const crs = input.srid === undefined ? readPrj(group, warnings) : null
  const { features, problems } = combine(layer.records, attributes.rows, warnings)
  return {
    layerName: baseName(group.path),
    features,
    problems,
    crs,
    encoding: attributes.encoding,
    encodingSource: attributes.encodingSource,
    warnings,
  }
}

function pickGroup(input: ShapefileInput): Group {
  const groups = new Map<string, Group>()
  for (const [name, bytes] of input.members) {
    const part = partOf(name)
    if (!part) continue
    const path = name.slice(0, name.length - part.length - 1)
    const key = path.toLowerCase()
    const group = groups.get(key) ?? { path, parts: {} }
    if (part === 'cst' && group.parts.cpg) continue // a .cpg wins over GeoServer's .cst
    group.parts[part === 'cst' ? 'cpg' : part] = { name, bytes }
    if (part === 'shp') group.path = path
    groups.set(key, group)
  }
  const shapefiles = [...groups.values()].filter((g) => g.parts.shp)
  if (shapefiles.length === 0) {
    const members = input.names.length > 0 ? input.names.slice(0, 20).join(', ') : 'nothing'
    throw new AppError('no_shapefile', { file: quote(input.fileName), members })
  }
  if (shapefiles.length > 1) {
    const names = shapefiles.map((g) => `${g.path}.shp`).join(', ')
    throw new AppError('several_shapefiles', {
      file: quote(input.fileName),
      count: shapefiles.length,
      names,
    })
  }
  return shapefiles[0] as Group
}

interface Attributes {
  rows: (Record<string, unknown> | null)[] | null
  encoding: string | null
  encodingSource: EncodingSource | null
}

function readAttributes(
  group: Group,
  given: string | undefined,
  count: number,
  warnings: string[],
): Attributes {
  const dbf = group.parts.dbf
  if (!dbf) {
    warnings.push(`${group.path}.dbf is missing: the features have no attributes`)
    return { rows: null, encoding: null, encodingSource: null }
  }
  const table = openDbf(dbf.bytes, dbf.name)
  warnings.push(...table.warnings)
  const cpg = group.parts.cpg
  const choice = stage('detect encoding', () =>
    chooseEncoding(table, cpg && { name: cpg.name, text: latin1(cpg.bytes) }, given, warnings),
  )
  const { rows } = stage('decode .dbf', () => readDbfRows(table, choice.encoding))
  if (rows.length !== count) {
    warnings.push(
      `${dbf.name} has ${rows.length} records, ${group.path}.shp has ${count}; ` +
        'features without a record have no attributes',
    )
  }
  return { rows, encoding: choice.encoding, encodingSource: choice.source }
}

interface EncodingChoice {
  encoding: string
  source: EncodingSource
}

/**
 * The DBF's text encoding, in this order: the caller's; the .cpg (unless it
 * says UTF-8 and the bytes are not); the language-driver byte (unless it
 * says a Western single-byte code page and the bytes are clearly UTF-8 or
 * GBK, as written by tools that always put 0x57); the bytes.
 */
export function chooseEncoding(
  table: DbfTable,
  cpg: { name: string; text: string } | undefined,
  given: string | undefined,
  warnings: string[],
): EncodingChoice {
  if (given !== undefined) return { encoding: givenEncoding(given), source: 'given' }
  let guessed: TextGuess | undefined
  const guess = () => (guessed ??= guessText(textCells(table)))
  if (cpg) {
    const reading = readCodePage(cpg.text)
    if (!reading.ok) {
      warnings.push(`${cpg.name} ignored: ${reading.reason}`)
    } else if (reading.encoding === 'utf-8' && !['ascii', 'utf-8'].includes(guess())) {
      warnings.push(
        `${cpg.name} says UTF-8 but ${table.member} is not valid UTF-8; the code page was detected instead`,
      )
    } else {
      return { encoding: reading.encoding, source: 'cpg' }
    }
  }
  const fromLdid = ldidEncoding(table.ldid)
  if (fromLdid) {
    const kind = guess()
    if (!isWesternLdid(table.ldid) || kind === 'ascii' || kind === 'single-byte') {
      return { encoding: fromLdid, source: 'ldid' }
    }
    warnings.push(
      `${table.member}: its language driver 0x${table.ldid.toString(16)} says ${fromLdid}, ` +
        `but the text reads as ${kind}; read as ${kind}`,
    )
  }
  const kind = guess()
  if (kind === 'single-byte') {
    warnings.push(
      `${table.member}: no code page is given and the text is neither UTF-8 nor GBK; ` +
        'read as Windows-1252 (Latin): give the encoding if it looks wrong',
    )
  }
  return { encoding: guessedEncoding(kind), source: 'detected' }
}

function givenEncoding(given: string): string {
  const reading = readCodePage(given)
  if (!reading.ok) {
    throw new AppError('invalid_parameter', {
      field: 'encoding',
      value: quote(given),
      reason: reading.reason,
    })
  }
  return reading.encoding
}

function readPrj(group: Group, warnings: string[]): SourceCrs | null {
  const prj = group.parts.prj
  if (!prj) return null
  const reading = crsFromPrj(utf8OrLatin1(prj.bytes), prj.name)
  if (!reading.ok) {
    warnings.push(`${prj.name} ignored: ${reading.reason}; the CRS is judged from the coordinates`)
    return null
  }
  return reading.crs
}

/**
 * Records and rows side by side. A record whose DBF row is flagged deleted
 * is left out, as GDAL does; a record that could not be read is reported.
 */
function combine(
  records: readonly ShpRecord[],
  rows: Attributes['rows'],
  warnings: string[],
): { features: SourceFeature[]; problems: FeatureProblem[] } {
  const features: SourceFeature[] = []
  const problems: FeatureProblem[] = []
  let deleted = 0
  for (const record of records) {
    const row = rows ? rows[record.index] : {}
    if (row === null) {
      deleted++
      continue
    }
    const feature: SourceFeature = {
      index: record.index,
      geometry: record.geometry,
      properties: row ?? {},
    }
    if (record.problem) {
      const { code, detail } = record.problem
      const n = record.index + 1
      problems.push(
        featureProblem(feature, code, {
          en: `record ${n}: ${detail}`,
          zh: `第 ${n} 条记录无法读取：${detail}`,
        }),
      )
    } else {
      features.push(feature)
    }
  }
  if (deleted > 0) warnings.push(`${deleted} records flagged deleted in the .dbf were left out`)
  return { features, problems }
}

function latin1(bytes: Uint8Array): string {
  return new TextDecoder('latin1').decode(bytes)
}

function utf8OrLatin1(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    return latin1(bytes)
  }
}

function baseName(path: string): string {
  return path.split('/').pop() || path
}
