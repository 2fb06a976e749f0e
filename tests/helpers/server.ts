import { clientDist, ensureClientBuilt } from '../../server/client-bundle.ts'
import { buildTestApp } from './test-app.ts'

/** A real HTTP server on a free port of 127.0.0.1, serving the built client over a test world. */
export async function startTestServer(): Promise<{ url: string; close(): Promise<void> }> {
  await ensureClientBuilt(() => {})
  const test = await buildTestApp({ clientDir: clientDist })
  const address = await test.app.listen({ host: '127.0.0.1', port: 0 })
  return { url: address, close: () => test.close() }
}
