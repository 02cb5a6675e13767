// The shared folder of real GIS test files from other projects
// (/work/shared/data-external, see its MANIFEST.md), read in place, never
// copied into the repository.
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
export const DATA_EXTERNAL = path.resolve(REPO_ROOT, '../shared/data-external')

/**
 * Whether the folder is there. Without it the tests that need it skip,
 * saying why; on CI (CI=true) its absence is an error instead.
 */
export function dataExternalPresent(): boolean {
  if (existsSync(DATA_EXTERNAL)) return true
  if (process.env.CI === 'true') {
    throw new Error(`${DATA_EXTERNAL} is missing; CI must provide the shared test data`)
  }
  console.warn(`skipping the tests on real files: ${DATA_EXTERNAL} is absent`)
  return false
}

export function externalFile(...parts: string[]): Uint8Array {
  return readFileSync(path.join(DATA_EXTERNAL, ...parts))
}

/** The loose members of one Shapefile in a folder: base.shp, base.dbf, … by name. */
export function externalMembers(folder: string, base: string): Map<string, Uint8Array> {
  const names = readdirSync(path.join(DATA_EXTERNAL, folder)).filter((f) =>
    f.startsWith(`${base}.`),
  )
  return new Map(names.map((name) => [name, externalFile(folder, name)]))
}

export function externalNames(folder: string, extension: string): string[] {
  return readdirSync(path.join(DATA_EXTERNAL, folder))
    .filter((f) => f.endsWith(extension))
    .sort()
}
