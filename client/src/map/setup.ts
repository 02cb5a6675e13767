import * as maplibregl from 'maplibre-gl'
import 'maplibre-gl/dist/maplibre-gl.css'
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?worker&url'

// Without a worker URL that Vite has bundled, the map never fires `load`.
maplibregl.setWorkerUrl(workerUrl)

export { maplibregl }
