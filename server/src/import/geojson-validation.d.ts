// The part of geojson-validation 1.0.2 (no bundled types) the import uses.
// With trace = true each check returns its error messages, [] when valid.
declare module 'geojson-validation' {
  export function valid(object: unknown, trace: true): string[]
  export function isFeature(object: unknown, trace: true): string[]
  export function isGeometryObject(object: unknown, trace: true): string[]
}
