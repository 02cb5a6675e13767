import { describe, expect, it } from 'vitest'
import { createApp } from '../../server/src/app.ts'
import { readConfig } from '../../server/src/config.ts'
import type { Db } from '../../server/src/db/db.ts'
import { ERRORS } from '../../server/src/errors/catalogue.ts'
import { OPENAPI } from '../../server/src/http/openapi.ts'
import { listRoutes } from '../helpers/routes.ts'

const unusedDb = {} as Db
const app = createApp({ config: readConfig({}), db: unusedDb, postgis: 'none' })

describe('the OpenAPI description', () => {
  it('describes every route the server registers, with its method', () => {
    const routes = listRoutes(app)
    expect(routes.length).toBeGreaterThan(15)
    const paths = OPENAPI.paths as Record<string, Record<string, unknown>>
    for (const { method, path } of routes) {
      expect(paths[path]?.[method], `${method.toUpperCase()} ${path}`).toBeDefined()
    }
  })

  it('describes no route the server does not have', () => {
    const registered = new Set(listRoutes(app).map((r) => `${r.method} ${r.path}`))
    for (const [path, operations] of Object.entries(OPENAPI.paths)) {
      for (const method of Object.keys(operations)) expect(registered, `${method} ${path}`).toContain(`${method} ${path}`)
    }
  })

  it('lists every error code of the catalogue', () => {
    expect(OPENAPI.components.schemas.Error.properties.error.properties.code.enum).toEqual(Object.keys(ERRORS))
  })
})

describe('the error catalogue', () => {
  it('has a Chinese and an English message for every code, with the same placeholders', () => {
    for (const [code, entry] of Object.entries(ERRORS)) {
      const names = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort()
      expect(names(entry.zh), code).toEqual(names(entry.en))
      expect(entry.zh, code).toMatch(/[\u4e00-\u9fff]/)
      expect(entry.status, code).toBeGreaterThanOrEqual(400)
    }
  })
})
