// GCJ-02 back to CGCS2000: the offset has the size web maps show around
// Jimo, and the iterative inverse undoes the forward formula.
import { describe, expect, test } from 'vitest'
import { fromGcj02, toGcj02 } from '../../server/src/import/gcj02.ts'

// metres per degree at 36.4°N on the ellipsoid, near enough for a tolerance
const M_PER_DEG_LAT = 110_960
const M_PER_DEG_LON = 89_700

function metres(a: readonly number[], b: readonly number[]): number {
  const dx = ((a[0] as number) - (b[0] as number)) * M_PER_DEG_LON
  const dy = ((a[1] as number) - (b[1] as number)) * M_PER_DEG_LAT
  return Math.hypot(dx, dy)
}

describe('GCJ-02', () => {
  test('the offset near 120.45E 36.39N is a few hundred metres', () => {
    const shift = metres(toGcj02(120.45, 36.39), [120.45, 36.39])
    expect(shift).toBeGreaterThan(200)
    expect(shift).toBeLessThan(800)
  })

  test('points across Jimo return within 0.5 m (in fact within a millimetre) after forward and inverse', () => {
    for (let lon = 120.1; lon <= 121.0; lon += 0.1) {
      for (let lat = 36.1; lat <= 36.7; lat += 0.1) {
        const back = fromGcj02(...toGcj02(lon, lat))
        expect(metres(back, [lon, lat])).toBeLessThan(0.001)
      }
    }
  })

  test('outside China nothing is moved', () => {
    expect(toGcj02(13.4, 52.5)).toEqual([13.4, 52.5])
    expect(fromGcj02(13.4, 52.5)).toEqual([13.4, 52.5])
  })
})
