import { fromVectorTileJs, GeoJSONWrapper } from '@maplibre/vt-pbf'
import type { Geometry } from 'geojson'
import type { Db } from '../db/db.ts'
import { badRequest, notFound } from '../errors.ts'
import { isPlaceLayer, type PlaceLayerId, placeLayers } from './layers.ts'

/**
 * Place layers as Mapbox Vector Tiles (EPSG:3857, 4096 units a side), so the map draws large layers
 * at low zoom from geometry simplified for that zoom instead of every vertex of every place.
 *
 * Both backends run the same query for what a tile holds: the places of one kind whose geometry
 * meets the tile (plus a buffer), clipped to it and simplified with a tolerance of about one pixel.
 * Encoding differs by what the database has (feature detection, DESIGN.md): ST_AsMVT where PostGIS
 * was built with protobuf-c (Debian's PostgreSQL), else the same clipped geometry is scaled to tile
 * units in SQL and encoded in Node with @maplibre/vt-pbf (PGlite's PostGIS has no protobuf-c).
 */

export const tileExtent = 4096
/** Units of the tile's extent drawn beyond its edge, so lines and outlines do not end at a seam. */
export const tileBuffer = 64
export const maxTileZoom = 20
/** Pixels a tile covers on screen: MapLibre and deck.gl draw tiles of zoom z at 512 px from z to z + 1. */
const tilePixels = 512
/** Half the circumference of the Earth in EPSG:3857 metres. */
const mercatorHalfWorld = 20037508.342789244

export type TileEncoder = 'postgis' | 'node'

export interface TileAddress {
  z: number
  x: number
  y: number
}

/** The properties every tile feature carries: what the hover card and the legend need. */
export interface TileFeatureProperties {
  id: string
  kind: string
  name_zh: string
  name_en: string
  district_code: number | null
  patrol_every_days: number | null
}

/** The layer of a tile URL; 404 with the layers there are when it is not a place layer. */
export function parseTileLayer(layer: string): PlaceLayerId {
  if (!isPlaceLayer(layer)) {
    throw notFound(
      `no tiles for layer "${layer}"; tiles are served for ${Object.keys(placeLayers).join(', ')}`,
    )
  }
  return layer
}

/** z, x and "y.mvt" (or "y.pbf") of a tile URL; 400 that says what is wrong. */
export function parseTileAddress(z: string, x: string, yWithFormat: string): TileAddress {
  const y = /^(\d+)\.(mvt|pbf)$/.exec(yWithFormat)?.[1]
  if (y === undefined) throw badRequest(`tile must end in "{y}.mvt" or "{y}.pbf", got "${yWithFormat}"`)
  if (!/^\d+$/.test(z) || Number(z) > maxTileZoom) {
    throw badRequest(`zoom must be an integer from 0 to ${maxTileZoom}, got "${z}"`)
  }
  const zoom = Number(z)
  const size = 2 ** zoom
  if (!/^\d+$/.test(x) || Number(x) >= size || Number(y) >= size) {
    throw badRequest(`at zoom ${zoom} x and y must be integers from 0 to ${size - 1}, got x=${x}, y=${y}`)
  }
  return { z: zoom, x: Number(x), y: Number(y) }
}

/** The simplification tolerance of a zoom in EPSG:3857 metres: one pixel of a tile drawn at 512 px. */
export const simplifyTolerance = (z: number) => (2 * mercatorHalfWorld) / 2 ** z / tilePixels

const encoders = new WeakMap<Db, Promise<TileEncoder>>()

/** ST_AsMVT where the database has it, else Node; asked once per database. */
export function tileEncoderOf(db: Db): Promise<TileEncoder> {
  let encoder = encoders.get(db)
  if (!encoder) {
    encoder = db
      .query('SELECT ST_AsMVTGeom(ST_Point(0, 0, 3857), ST_TileEnvelope(0, 0, 0)) IS NOT NULL AS ok')
      .then(
        () => 'postgis' as const,
        // PostGIS built without protobuf-c answers "Compiled without protobuf-c support".
        () => 'node' as const,
      )
    encoders.set(db, encoder)
  }
  return encoder
}

/**
 * The places of the layer in the tile ($1–$3 z/x/y, $4 kind, $5 buffer in metres, $6 tolerance),
 * in EPSG:3857, clipped to the buffered tile and simplified; with the tile envelope beside them.
 * Douglas-Peucker (ST_Simplify) rather than ST_SimplifyPreserveTopology: a tenth of the time on the
 * forest zones at zoom 7 (16 against 207 ms), and a tile is drawn, not measured; `true` keeps a
 * place smaller than the tolerance as a speck instead of dropping it.
 */
const clippedPlaces = `
  WITH tile AS (
    SELECT ST_TileEnvelope($1, $2, $3) AS envelope
  ), area AS (
    SELECT envelope, ST_Expand(envelope, $5) AS clip FROM tile
  )
  SELECT p.id, p.kind, p.name_zh, p.name_en, p.district_code, p.patrol_every_days, a.envelope,
         ST_Simplify(ST_ClipByBox2D(ST_Transform(p.geom, 3857), a.clip), $6, true) AS geom
  FROM places p CROSS JOIN area a
  WHERE p.kind = $4 AND p.geom && ST_Transform(a.clip, 4326)`

/** One tile of a place layer, encoded; empty (no bytes) when no place of the layer meets it. */
export async function placeTile(
  db: Db,
  layer: PlaceLayerId,
  { z, x, y }: TileAddress,
  encoder?: TileEncoder,
): Promise<{ tile: Uint8Array; encoder: TileEncoder }> {
  const use = encoder ?? (await tileEncoderOf(db))
  const tileMetres = (2 * mercatorHalfWorld) / 2 ** z
  const params = [z, x, y, placeLayers[layer], (tileMetres * tileBuffer) / tileExtent, simplifyTolerance(z)]
  if (use === 'postgis') {
    const [row] = await db.query<{ tile: Uint8Array | null }>(
      `SELECT ST_AsMVT(f, $7, ${tileExtent}, 'geom') AS tile
       FROM (
         SELECT id, kind, name_zh, name_en, district_code, patrol_every_days,
                ST_AsMVTGeom(geom, envelope, ${tileExtent}, ${tileBuffer}, true) AS geom
         FROM (${clippedPlaces}) clipped
       ) f
       WHERE f.geom IS NOT NULL`,
      [...params, layer],
    )
    return { tile: row?.tile ?? new Uint8Array(), encoder: use }
  }
  // Tile units: x from the envelope's west edge, y down from its north edge (as in the MVT spec);
  // exterior rings then need a positive (counter-clockwise in PostGIS's y-up terms) winding.
  const rows = await db.query<TileFeatureProperties & { geometry: Geometry }>(
    `SELECT id, kind, name_zh, name_en, district_code, patrol_every_days, ST_AsGeoJSON(tile_geom, 0)::json AS geometry
     FROM (
       SELECT *, ST_ForcePolygonCCW(ST_SnapToGrid(ST_Affine(geom,
                   scale, 0, 0, -scale, -ST_XMin(envelope) * scale, ST_YMax(envelope) * scale), 1)) AS tile_geom
       FROM (SELECT *, ${tileExtent} / (ST_XMax(envelope) - ST_XMin(envelope)) AS scale
             FROM (${clippedPlaces}) clipped) scaled
     ) f
     WHERE NOT ST_IsEmpty(tile_geom)`,
    params,
  )
  const features = rows.flatMap(({ geometry, ...tags }) => {
    const encoded = tileGeometry(geometry)
    return encoded ? [{ ...encoded, tags }] : []
  })
  if (features.length === 0) return { tile: new Uint8Array(), encoder: use }
  const wrapper = new GeoJSONWrapper(features, { version: 2, extent: tileExtent })
  wrapper.name = layer
  return { tile: fromVectorTileJs({ layers: { [layer]: wrapper } }), encoder: use }
}

type Position = [number, number]

/** A GeoJSON geometry in tile units as a vector tile feature's type and rings (MVT: 1 points, 2 lines, 3 polygons). */
function tileGeometry(
  geometry: Geometry,
): { type: 1; geometry: Position[] } | { type: 2 | 3; geometry: Position[][] } | undefined {
  switch (geometry.type) {
    case 'Point':
      return { type: 1, geometry: [geometry.coordinates as Position] }
    case 'MultiPoint':
      return { type: 1, geometry: geometry.coordinates as Position[] }
    case 'LineString':
      return { type: 2, geometry: [geometry.coordinates as Position[]] }
    case 'MultiLineString':
      return { type: 2, geometry: geometry.coordinates as Position[][] }
    case 'Polygon':
      return { type: 3, geometry: geometry.coordinates as Position[][] }
    case 'MultiPolygon':
      return { type: 3, geometry: geometry.coordinates.flat() as Position[][] }
    default:
      // A clip can leave a collection of mixed parts; its features are not drawn at this zoom.
      return undefined
  }
}
