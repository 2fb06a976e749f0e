import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { defineConfig, type Plugin } from 'vite'
import solid from 'vite-plugin-solid'

const projectRoot = path.dirname(fileURLToPath(import.meta.url))
const clientRoot = path.join(projectRoot, 'client')

/**
 * The app lives in client/. Callers that find this file by passing `root: <project>` to Vite's
 * build() (server/client-bundle.ts does) would otherwise build from the project folder, where there
 * is no index.html; a plugin's config hook runs after that merge, so the client root stands.
 */
const clientRootPlugin: Plugin = {
  name: 'shanshui-client-root',
  config: () => ({ root: clientRoot }),
}

/** Where `npm run dev` sends /api: the Fastify server scripts/dev.ts starts (PORT, default 8630). */
const apiTarget = `http://127.0.0.1:${process.env.PORT ?? 8630}`

export default defineConfig({
  root: clientRoot,
  // The page is served at / by Fastify and by Vite alike; assets are addressed from there.
  base: '/',
  plugins: [clientRootPlugin, solid()],
  server: {
    host: '127.0.0.1',
    proxy: {
      // A pattern, not the '/api' prefix: that would also send the module /api.ts to the server.
      '^/api/': {
        target: apiTarget,
        changeOrigin: false,
        // Server-sent events (/api/events) stream through the proxy: no buffering, no timeout.
        timeout: 0,
        proxyTimeout: 0,
        configure: (proxy) => {
          proxy.on('proxyRes', (res) => {
            if (String(res.headers['content-type'] ?? '').startsWith('text/event-stream')) {
              res.headers['cache-control'] = 'no-cache, no-transform'
              res.headers['x-accel-buffering'] = 'no'
            }
          })
        },
      },
    },
  },
  preview: { host: '127.0.0.1' },
  build: {
    outDir: path.join(projectRoot, 'dist', 'client'),
    emptyOutDir: true,
    target: 'es2022',
    // MapLibre and deck.gl are big by nature; they get chunks of their own, so the warning limit
    // is raised to their size rather than silenced.
    chunkSizeWarningLimit: 1600,
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            { name: 'maplibre', test: /node_modules[\\/](maplibre-gl|@maplibre)[\\/]/ },
            {
              name: 'deckgl',
              test: /node_modules[\\/](@deck\.gl|@luma\.gl|@math\.gl|@loaders\.gl|@probe\.gl)[\\/]/,
            },
            { name: 'turf', test: /node_modules[\\/](@turf|turf-jsts|robust-predicates|polyclip-ts)[\\/]/ },
          ],
        },
      },
    },
  },
})
