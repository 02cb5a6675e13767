// Whether an outline is valid, in the browser, before it goes to the server:
// jsts's IsValidOp gives the same verdicts as GEOS's ST_IsValid, which the
// server applies on save (STACK.md).
import type { MultiPolygon, Polygon, Position } from 'geojson'
import GeometryFactory from 'jsts/org/locationtech/jts/geom/GeometryFactory.js'
import GeoJSONReader from 'jsts/org/locationtech/jts/io/GeoJSONReader.js'
import IsValidOp from 'jsts/org/locationtech/jts/operation/valid/IsValidOp.js'
import TopologyValidationError from 'jsts/org/locationtech/jts/operation/valid/TopologyValidationError.js'

export const INVALID_REASONS = [
  'self_intersection',
  'ring_self_intersection',
  'hole_outside_shell',
  'nested_holes',
  'disconnected_interior',
  'nested_shells',
  'duplicate_rings',
  'too_few_points',
  'invalid_coordinate',
  'ring_not_closed',
  'repeated_point',
  'other',
] as const
export type InvalidReason = (typeof INVALID_REASONS)[number]

export type Validity =
  | { valid: true }
  | { valid: false; reason: InvalidReason; location: [number, number] | null }

const E = TopologyValidationError
const REASONS = new Map<number, InvalidReason>([
  [E.SELF_INTERSECTION, 'self_intersection'],
  [E.RING_SELF_INTERSECTION, 'ring_self_intersection'],
  [E.HOLE_OUTSIDE_SHELL, 'hole_outside_shell'],
  [E.NESTED_HOLES, 'nested_holes'],
  [E.DISCONNECTED_INTERIOR, 'disconnected_interior'],
  [E.NESTED_SHELLS, 'nested_shells'],
  [E.DUPLICATE_RINGS, 'duplicate_rings'],
  [E.TOO_FEW_POINTS, 'too_few_points'],
  [E.INVALID_COORDINATE, 'invalid_coordinate'],
  [E.RING_NOT_CLOSED, 'ring_not_closed'],
  [E.REPEATED_POINT, 'repeated_point'],
])

const reader = new GeoJSONReader(new GeometryFactory())

function rings(outline: Polygon | MultiPolygon): Position[][] {
  return outline.type === 'Polygon' ? outline.coordinates : outline.coordinates.flat()
}

/** GEOS's verdict on the outline, with the kind of fault and where it is (lon, lat). */
export function checkValidity(outline: Polygon | MultiPolygon): Validity {
  // jsts cannot even build a ring of fewer than four positions
  if (rings(outline).some((ring) => ring.length < 4))
    return { valid: false, reason: 'too_few_points', location: null }
  let op: IsValidOp
  try {
    op = new IsValidOp(reader.read(outline))
  } catch {
    return { valid: false, reason: 'other', location: null }
  }
  if (op.isValid()) return { valid: true }

  const error = op.getValidationError()
  const point = error.getCoordinate() as { x: number; y: number } | null
  return {
    valid: false,
    reason: REASONS.get(error.getErrorType() as number) ?? 'other',
    location: point ? [point.x, point.y] : null,
  }
}
