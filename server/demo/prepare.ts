import type { Config } from '../config.ts'
import type { Db } from '../db/db.ts'
import { refreshBoundaryViews } from '../domain/boundary.ts'
import { addDemoUsers } from './demo-users.ts'
import { loadBaseData, loadDemoWorld } from './load-demo.ts'

export interface WorldOptions {
  seed: number
  /** The demo world's year of incidents and patrols ends here. */
  end: Date
  /** Password of the demo accounts. */
  password: string
}

/** Loads the real base data and a demo world with its accounts into an empty, migrated database. */
export async function prepareWorld(db: Db, world: WorldOptions): Promise<void> {
  await loadBaseData(db)
  await loadDemoWorld(db, world)
  await refreshBoundaryViews(db)
  await addDemoUsers(db, world.password)
}

/**
 * On start: the base data goes into every empty database (the map needs it); the demo world only
 * where configured (by default the embedded database) and only once, so later starts reuse it.
 */
export async function prepareDemoWorld(
  db: Db,
  config: Pick<Config, 'demo' | 'demoSeed' | 'demoPassword'>,
  log: (message: string) => void,
): Promise<void> {
  const [{ boundaries, demo }] = await db.query<{ boundaries: number; demo: number }>(
    `SELECT (SELECT count(*) FROM boundaries) AS boundaries,
            (SELECT count(*) FROM dataset_info WHERE key = 'demo') AS demo`,
  )
  if (boundaries === 0) {
    log('loading the base data (districts, provinces, lakes, rivers)…')
    await loadBaseData(db)
  }
  if (config.demo && demo === 0) {
    const started = Date.now()
    log(`generating the demo world (seed ${config.demoSeed}); this happens once…`)
    await loadDemoWorld(db, { seed: config.demoSeed, end: new Date() })
    log(`demo world loaded in ${((Date.now() - started) / 1000).toFixed(1)} s`)
  }
  // Also for a database made before the views existed.
  const [lines] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM province_lines')
  if (boundaries === 0 || (config.demo && demo === 0) || lines?.n === 0) await refreshBoundaryViews(db)
  if (config.demo) {
    const added = await addDemoUsers(db, config.demoPassword)
    if (added.length) log(`demo accounts added: ${added.join(', ')}`)
  }
}
