import helmet from 'helmet'
import type { RequestHandler } from 'express'

/**
 * Security headers (helmet) with a Content-Security-Policy the map client
 * works under:
 *
 * - scripts from this origin only (Vite builds no inline script); no plugins,
 *   no framing by other sites;
 * - workers from this origin or blob: (MapLibre's worker; browsers that build
 *   it from a blob need the latter);
 * - images data: and blob: (MapLibre's sprites and canvases, the page icon),
 *   and tiles and images from any http(s) host: a user may put a basemap
 *   under the map (天地图 over https, an intranet tile server over http), and
 *   MapLibre fetches its tiles (connect-src) and draws them (img-src);
 * - inline styles: the public notice page carries its own stylesheet.
 *
 * No upgrade-insecure-requests: the app is often served over plain http on a
 * district intranet, where upgrading its requests to https would break it.
 */
export function securityHeaders(): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: true,
      directives: {
        'script-src': ["'self'"],
        'worker-src': ["'self'", 'blob:'],
        'child-src': ["'self'", 'blob:'],
        'img-src': ["'self'", 'data:', 'blob:', 'https:', 'http:'],
        'connect-src': ["'self'", 'https:', 'http:'],
        'style-src': ["'self'", "'unsafe-inline'"],
        'font-src': ["'self'", 'data:'],
        'object-src': ["'none'"],
        'frame-ancestors': ["'self'"],
        'upgrade-insecure-requests': null,
      },
    },
    // Another site's page cannot embed our tiles or images; desktop GIS and
    // scripts are not browsers and are not affected.
    crossOriginResourcePolicy: { policy: 'same-origin' },
    // Basemap hosts see our origin and nothing more: 天地图 checks a browser
    // key against it, and a path (a public notice's token) never leaves.
    referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
  })
}
