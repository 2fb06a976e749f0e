/**
 * `npm run dev`: the API server (tsx server/main.ts, a child process) and Vite's dev server with hot
 * reload, which proxies /api to the API. Prints both addresses; Ctrl-C stops both.
 *
 * PORT is the API's port (default 8630; vite.config.ts proxies to the same one); SHANSHUI_DEV_PORT is
 * Vite's (default 5173).
 */
import { type ChildProcess, spawn } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { createServer, type ViteDevServer } from 'vite'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const apiPort = Number(process.env.PORT ?? 8630)
const devPort = Number(process.env.SHANSHUI_DEV_PORT ?? 5173)
const apiUrl = `http://127.0.0.1:${apiPort}`

const log = (message: string) => console.log(`[dev] ${message}`)

let api: ChildProcess | undefined
let vite: ViteDevServer | undefined
let stopping = false

/** Starts the API: the client is served by Vite here, so the server need not build it. */
function startApi(): ChildProcess {
  const tsxCli = fileURLToPath(import.meta.resolve('tsx/cli'))
  const child = spawn(process.execPath, [tsxCli, 'server/main.ts'], {
    cwd: root,
    env: { ...process.env, PORT: String(apiPort), SHANSHUI_SKIP_CLIENT_BUILD: '1' },
    stdio: 'inherit',
  })
  child.on('exit', (code, signal) => {
    if (stopping) return
    log(`the API server stopped (${signal ?? `exit code ${code}`}); stopping Vite too`)
    void stop(code ?? 1)
  })
  return child
}

/** Polls /api/health until the API answers (the embedded database's first start takes a while). */
async function waitForApi(timeoutMs = 180_000): Promise<void> {
  const started = Date.now()
  while (!stopping && Date.now() - started < timeoutMs) {
    try {
      const response = await fetch(`${apiUrl}/api/health`)
      if (response.ok) {
        const health = (await response.json()) as { db?: string; postgis?: string }
        log(`API ready at ${apiUrl}/api (database: ${health.db}, PostGIS ${health.postgis})`)
        return
      }
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 500))
  }
  if (!stopping)
    log(`the API did not answer at ${apiUrl}/api/health within ${timeoutMs / 1000} s; still waiting for it`)
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => child.once('exit', () => resolve()))
}

async function stop(code: number): Promise<void> {
  if (stopping) return
  stopping = true
  log('stopping…')
  const child = api
  if (child && child.exitCode === null && child.signalCode === null) {
    child.kill('SIGTERM')
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
    await exited(child)
    clearTimeout(timer)
  }
  await vite?.close()
  process.exit(code)
}

process.once('SIGINT', () => void stop(0))
process.once('SIGTERM', () => void stop(0))

async function main(): Promise<void> {
  log(`starting the API server on ${apiUrl} …`)
  api = startApi()
  vite = await createServer({
    configFile: path.join(root, 'vite.config.ts'),
    server: { port: devPort, strictPort: true },
  })
  await vite.listen()
  log('Vite dev server (open this one; /api goes to the API server):')
  vite.printUrls()
  await waitForApi()
}

main().catch((error: unknown) => {
  console.error(`[dev] could not start: ${error instanceof Error ? error.message : String(error)}`)
  void stop(1)
})
