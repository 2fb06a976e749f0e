/**
 * The seeded demo world of Shanshui: same seed and same end → the same world, to the last digit.
 * Everything here is synthetic except the outlines, Taihu and the context lakes and rivers of
 * data/base (see data/README.md).
 */
import { generateChiefs } from './chiefs.ts'
import { buildGeography } from './geography.ts'
import { generateIncidents } from './incidents.ts'
import { generatePatrols } from './patrols.ts'
import { generatePlaces } from './places.ts'
import { Rng } from './random.ts'
import { generateStations } from './stations.ts'
import type { DemoWorld } from './types.ts'

export interface DemoWorldOptions {
  seed: number
  /** The end of the simulated year (incidents and patrols run up to it). */
  end: Date
}

export function generateDemoWorld({ seed, end }: DemoWorldOptions): DemoWorld {
  const endSec = Math.floor(end.getTime() / 1000)
  if (!Number.isFinite(endSec)) throw new Error('generateDemoWorld: end is not a valid date')
  if (!Number.isInteger(seed)) throw new Error('generateDemoWorld: seed must be an integer')
  const rng = new Rng(seed, 'world')
  const geo = buildGeography(seed)
  const places = generatePlaces(geo, rng.fork('places'))
  const stations = generateStations(geo, places, rng.fork('stations'))
  const chiefs = generateChiefs(geo, places, stations, endSec, rng.fork('chiefs'))
  const ctx = { geo, places, chiefs, stations, end: endSec }
  const { incidents, fushiBirdTrap } = generateIncidents(ctx, rng.fork('incidents'))
  const patrols = generatePatrols(ctx, rng.fork('patrols'))
  return {
    seed,
    end: endSec,
    places: places.places,
    stations: stations.map((s) => s.station),
    chiefs: chiefs.chiefs,
    chiefPlaces: chiefs.chiefPlaces,
    incidents,
    patrols,
    highlights: { fushiBirdTrapIncidentId: fushiBirdTrap },
  }
}

export type { DemoWorld } from './types.ts'
