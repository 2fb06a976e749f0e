/**
 * The export file formats, written as streams of text chunks (async generators) so that a large
 * export goes out while it is read, never whole in memory: CSV (RFC 4180, UTF-8 with a BOM for
 * spreadsheets), GeoJSON (a FeatureCollection with the filter as a foreign member) and GPX 1.1.
 */

/** What an export says about itself: written into the file's header or top-level properties. */
export interface ExportHeader {
  dataset: string
  /** The filter as the request gave it (after defaults), e.g. from, to, category. */
  filter: Record<string, string>
  produced_at: string
  produced_by: string
}

/**
 * One CSV field: quoted when it holds a comma, a quote or a line break, quotes doubled. A text that
 * a spreadsheet would run as a formula (=, +, -, @ first) gets a leading apostrophe; numbers stay numbers.
 */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return ''
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : ''
  let text = String(value)
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

export const csvLine = (values: readonly unknown[]) => `${values.map(csvField).join(',')}\r\n`

/** The header line of a CSV export: `# Shanshui <dataset>; key=value; …`, before the column names. */
const csvComment = (header: ExportHeader) =>
  `# ${[
    `Shanshui ${header.dataset}`,
    ...Object.entries(header.filter).map(([key, value]) => `${key}=${value}`),
    `produced_at=${header.produced_at}`,
    `produced_by=${header.produced_by}`,
  ]
    .join('; ')
    .replace(/[\r\n]/g, ' ')}\r\n`

export async function* csvStream<T>(
  header: ExportHeader,
  columns: readonly string[],
  rows: AsyncIterable<T> | Iterable<T>,
  toValues: (row: T) => unknown[],
): AsyncGenerator<string> {
  yield `\uFEFF${csvComment(header)}${csvLine(columns)}`
  let chunk = ''
  for await (const row of rows) {
    chunk += csvLine(toValues(row))
    if (chunk.length > 64_000) {
      yield chunk
      chunk = ''
    }
  }
  if (chunk) yield chunk
}

export interface ExportFeature {
  type: 'Feature'
  id?: string | number
  geometry: unknown
  properties: Record<string, unknown>
}

export async function* geojsonStream(
  header: ExportHeader,
  features: AsyncIterable<ExportFeature> | Iterable<ExportFeature>,
): AsyncGenerator<string> {
  yield `{"type":"FeatureCollection","shanshui":${JSON.stringify(header)},"features":[`
  let first = true
  let chunk = ''
  for await (const feature of features) {
    chunk += (first ? '\n' : ',\n') + JSON.stringify(feature)
    first = false
    if (chunk.length > 64_000) {
      yield chunk
      chunk = ''
    }
  }
  yield `${chunk}\n]}\n`
}

const xmlText = (text: string) =>
  text.replace(
    /[<>&'"]/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c] ?? c,
  )

export interface GpxTrack {
  name: string
  description: string
  /** [lon, lat] with the time of each point, epoch ms. */
  points: readonly (readonly [number, number, number])[]
}

/** GPX 1.1: one <trk> per patrol, its points with their times; the filter in <metadata><desc>. */
export async function* gpxStream(
  header: ExportHeader,
  tracks: AsyncIterable<GpxTrack> | Iterable<GpxTrack>,
): AsyncGenerator<string> {
  const desc = Object.entries(header.filter)
    .map(([key, value]) => `${key}=${value}`)
    .join('; ')
  yield `<?xml version="1.0" encoding="UTF-8"?>
<gpx version="1.1" creator="Shanshui" xmlns="http://www.topografix.com/GPX/1/1">
<metadata><name>Shanshui ${xmlText(header.dataset)}</name><desc>${xmlText(desc)}</desc><author><name>${xmlText(header.produced_by)}</name></author><time>${header.produced_at}</time></metadata>
`
  for await (const track of tracks) {
    let text = `<trk><name>${xmlText(track.name)}</name><desc>${xmlText(track.description)}</desc><trkseg>\n`
    for (const [lon, lat, at] of track.points) {
      text += `<trkpt lat="${lat.toFixed(6)}" lon="${lon.toFixed(6)}"><time>${new Date(at).toISOString()}</time></trkpt>\n`
    }
    yield `${text}</trkseg></trk>\n`
  }
  yield '</gpx>\n'
}
