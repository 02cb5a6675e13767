import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'

const repoRoot = fileURLToPath(new URL('.', import.meta.url))
const apiServer = 'http://localhost:8080'

export default defineConfig({
  root: 'client',
  build: {
    // Relative paths here would be taken from `root`, hence absolute ones.
    outDir: fileURLToPath(new URL('client/dist', import.meta.url)),
    emptyOutDir: true,
    // maplibre-gl alone is ~1 MB minified; it is one chunk on purpose.
    chunkSizeWarningLimit: 1500,
  },
  server: {
    port: 5173,
    strictPort: true,
    proxy: {
      '/api': apiServer,
      '/tiles': apiServer,
    },
    // The client imports shared domain modules from server/src/domain.
    fs: { allow: [repoRoot] },
  },
})
