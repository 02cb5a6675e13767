import type { Express } from 'express'

export interface RouteEntry {
  method: string
  /** OpenAPI style: /api/parcels/{id} */
  path: string
}

interface Layer {
  route?: { path: string | string[]; methods: Record<string, boolean> }
  handle?: { stack?: Layer[] }
}

/** Every method and path the app's routers register, catch-alls left out. */
export function listRoutes(app: Express): RouteEntry[] {
  const found: RouteEntry[] = []
  const walk = (stack: Layer[]) => {
    for (const layer of stack) {
      if (layer.route) {
        const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path]
        for (const path of paths) {
          if (path.includes('*')) continue
          for (const [method, on] of Object.entries(layer.route.methods)) {
            if (on && method !== '_all') found.push({ method, path: path.replace(/:(\w+)/g, '{$1}') })
          }
        }
      } else if (layer.handle?.stack) {
        walk(layer.handle.stack)
      }
    }
  }
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack)
  return found
}
