import { describe, expect, it } from 'vitest'
import { readConfig } from '../../server/src/config.ts'

describe('the basemap setting of a deployment', () => {
  it('is none unless JIYUAN_BASEMAP_URL is set', () => {
    expect(readConfig({}).basemap).toBeNull()
    expect(readConfig({ JIYUAN_BASEMAP_URL: '' }).basemap).toBeNull()
  })

  it('takes XYZ raster tiles by default, or a style, with an attribution', () => {
    expect(readConfig({ JIYUAN_BASEMAP_URL: 'http://tiles.intranet/{z}/{x}/{y}.png' }).basemap).toEqual({
      kind: 'raster',
      url: 'http://tiles.intranet/{z}/{x}/{y}.png',
    })
    const style = readConfig({
      JIYUAN_BASEMAP_URL: 'https://maps.example/style.json',
      JIYUAN_BASEMAP_KIND: 'style',
      JIYUAN_BASEMAP_ATTRIBUTION: '© 天地图',
    })
    expect(style.basemap).toEqual({ kind: 'style', url: 'https://maps.example/style.json', attribution: '© 天地图' })
  })

  it('refuses a URL that is not http(s) and a kind it does not know, naming the value', () => {
    expect(() => readConfig({ JIYUAN_BASEMAP_URL: 'file:///etc/passwd' })).toThrow('"file:///etc/passwd"')
    expect(() => readConfig({ JIYUAN_BASEMAP_URL: 'https://a/{z}', JIYUAN_BASEMAP_KIND: 'wms' })).toThrow('"wms"')
  })
})
