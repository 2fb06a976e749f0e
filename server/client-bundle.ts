import { existsSync, readdirSync, statSync } from 'node:fs'
import path from 'node:path'
import { projectRoot } from './config.ts'

export const clientDist = path.join(projectRoot, 'dist', 'client')

/** Inputs of the client build: when any is newer than the built page, the build is stale. */
const clientInputs = ['client', 'vite.config.ts', 'package-lock.json'].map((p) => path.join(projectRoot, p))

function newestMtime(file: string): number {
  if (!existsSync(file)) return 0
  const stat = statSync(file)
  if (!stat.isDirectory()) return stat.mtimeMs
  return Math.max(0, ...readdirSync(file).map((name) => newestMtime(path.join(file, name))))
}

export function isClientStale(): boolean {
  const page = path.join(clientDist, 'index.html')
  if (!existsSync(page)) return true
  const built = statSync(page).mtimeMs
  return clientInputs.some((input) => newestMtime(input) > built)
}

/** Builds the client with Vite when it is missing or older than its sources. */
export async function ensureClientBuilt(log: (message: string) => void): Promise<void> {
  if (!isClientStale()) return
  log('building the client (first start, or its sources changed)…')
  const { build } = await import('vite')
  await build({ root: projectRoot, logLevel: 'warn' })
}
