import { describe, expect, it } from 'vitest'
import { buildFigure, extentAround, figureSvg, niceLength, type MapFeature } from '../../server/src/reports/figure.ts'

const frame = { x: 40, y: 100, width: 500, height: 300 }
const square = (x: number, y: number, size: number) => ({
  type: 'Polygon' as const,
  coordinates: [[[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]],
})

describe('the map figure', () => {
  it('picks a scale bar of 1, 2 or 5 × 10ⁿ metres', () => {
    expect(niceLength(130)).toBe(100)
    expect(niceLength(260)).toBe(200)
    expect(niceLength(999)).toBe(500)
    expect(niceLength(1000)).toBe(1000)
  })

  it('frames the parcel with a margin, in the shape of the frame', () => {
    const e = extentAround({ minX: 500000, minY: 4000000, maxX: 500100, maxY: 4000050 }, frame)
    expect((e.maxX - e.minX) / (e.maxY - e.minY)).toBeCloseTo(500 / 300, 6)
    expect(e.minX).toBeLessThanOrEqual(500000 - 60)
    expect(e.minY).toBeLessThanOrEqual(4000000 - 60)
  })

  it('puts north up: a greater northing is drawn higher on the page', () => {
    const extent = { minX: 0, minY: 0, maxX: 500, maxY: 300 }
    const features: MapFeature[] = [
      { layer: 'subject', class: null, category: 'intensive_use', code: 'A', width_m: null, geometry: square(100, 200, 10) },
      { layer: 'parcel', class: null, category: 'idle_industrial', code: 'B', width_m: null, geometry: square(100, 50, 10) },
    ]
    const figure = buildFigure(frame, extent, features, 'A')
    const top = (code: 'subject' | 'parcel') => Math.min(...figure.shapes.find((s) => s.style.fill && (code === 'subject' ? s.style.fillOpacity === 1 : s.style.fillOpacity !== 1))!.paths[0]!.map((p) => p[1]))
    expect(top('subject')).toBeLessThan(top('parcel'))
    // 1 pt per ground metre: 1 m is drawn 0.3528 mm long, so 1:2835
    expect(figure.scale).toBe(2835)
    expect(figure.scaleBar.metres).toBe(100)
    const svg = figureSvg(figure)
    expect(svg).toContain('#27ae60')
    expect(svg).toContain('EPSG:4549')
    expect(svg).toContain('>北<')
  })
})
