import { Readable } from 'node:stream'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { userOf } from '../auth/access.ts'
import { parseBBox } from '../domain/bbox.ts'
import { DEFAULT_RADIUS_M, MAX_RADIUS_M, MIN_RADIUS_M, parseWindow } from '../domain/coverage.ts'
import { GAP_THRESHOLD } from '../domain/coverage-gaps.ts'
import { incidentStatuses } from '../domain/incident-lifecycle.ts'
import { incidentCategories, parseList } from '../domain/incidents.ts'
import { placeLayers } from '../domain/layers.ts'
import { badRequest } from '../errors.ts'
import {
  type Dataset,
  type ExportFormat,
  exportFormats,
  incidentExport,
  type Lang,
  patrolExport,
  placeExport,
} from '../export/datasets.ts'
import type { ExportHeader } from '../export/formats.ts'
import { errorReplies } from './schemas.ts'

const mediaTypes: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  geojson: 'application/geo+json; charset=utf-8',
  gpx: 'application/gpx+xml; charset=utf-8',
}

const ExportQuery = Type.Object({
  lang: Type.Optional(Type.Enum(['zh-CN', 'en'], { default: 'zh-CN', description: 'language of the names' })),
  from: Type.Optional(Type.String({ description: 'window start, ISO 8601; default 30 days before to' })),
  to: Type.Optional(Type.String({ description: 'window end (excluded), ISO 8601; default now' })),
  bbox: Type.Optional(Type.String({ description: 'incidents, patrols: minLon,minLat,maxLon,maxLat' })),
  category: Type.Optional(Type.String({ description: 'incidents: comma list of categories' })),
  status: Type.Optional(Type.String({ description: 'incidents: comma list of statuses' })),
  chief: Type.Optional(
    Type.String({ maxLength: 100, description: "patrols: a chief's; gaps, coverage: a chief's places" }),
  ),
  kind: Type.Optional(
    Type.Enum([...Object.values(placeLayers)], { description: 'gaps, coverage: kind of place' }),
  ),
  district: Type.Optional(Type.Integer({ description: 'gaps, coverage: district adcode' })),
  radius: Type.Optional(Type.Number({ minimum: MIN_RADIUS_M, maximum: MAX_RADIUS_M })),
  threshold: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
})

/**
 * `GET /api/export/<dataset>.<format>`: what is filtered on screen as a file, streamed (a year of
 * incidents goes out a page at a time), the filter written into it, names in `lang`.
 */
const exportRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/export/:file',
    {
      schema: {
        description: `Exports: ${Object.entries(exportFormats)
          .map(([dataset, formats]) => `${dataset}.{${formats.join(',')}}`)
          .join(', ')}`,
        params: Type.Object({ file: Type.String({ pattern: '^[a-z]+\\.[a-z]+$', maxLength: 30 }) }),
        querystring: ExportQuery,
        // The file is a stream, sent as it is read.
        response: { 200: Type.Unsafe<Readable>({}), ...errorReplies(400) },
      },
    },
    async (request, reply) => {
      const [dataset, format] = request.params.file.split('.') as [Dataset, ExportFormat]
      const formats: readonly string[] | undefined = exportFormats[dataset]
      if (!formats)
        throw badRequest(`no export "${dataset}": one of ${Object.keys(exportFormats).join(', ')}`)
      if (!formats.includes(format))
        throw badRequest(`${dataset} export as ${formats.join(', ')}, not ${format}`)
      const q = request.query
      const user = userOf(request)
      const lang = (q.lang ?? 'zh-CN') as Lang
      const window = parseWindow(q.from, q.to)
      const filter: Record<string, string> = { from: window.from.toISOString(), to: window.to.toISOString() }
      for (const key of [
        'bbox',
        'category',
        'status',
        'chief',
        'kind',
        'district',
        'radius',
        'threshold',
      ] as const)
        if (q[key] !== undefined) filter[key] = String(q[key])
      const header: ExportHeader = {
        dataset,
        filter,
        produced_at: new Date().toISOString(),
        produced_by: user.username,
      }
      const bbox = q.bbox === undefined ? undefined : parseBBox(q.bbox)
      let body: AsyncGenerator<string>
      if (dataset === 'incidents') {
        const incidentFilter = {
          ...window,
          bbox,
          categories:
            q.category === undefined ? undefined : parseList('category', q.category, incidentCategories),
          statuses: q.status === undefined ? undefined : parseList('status', q.status, incidentStatuses),
          viewer: user.id,
        }
        body = incidentExport(app.db, incidentFilter, format as 'csv' | 'geojson', header, lang)
      } else if (dataset === 'patrols') {
        const patrolFilter = { ...window, bbox, chief: q.chief, kind: 'actual' as const, viewer: user.id }
        body = patrolExport(app.db, patrolFilter, format, header, lang)
      } else {
        const placeQuery = {
          ...window,
          radius: q.radius ?? DEFAULT_RADIUS_M,
          threshold: q.threshold ?? GAP_THRESHOLD,
          kind: q.kind,
          district: q.district,
          chief: q.chief,
        }
        body = placeExport(app.db, placeQuery, dataset, format as 'csv' | 'geojson', header, lang)
      }
      // The first chunk is awaited before answering, so a failure of the query is a proper error
      // answer rather than a cut-off 200.
      const first = await body.next()
      const stamp = window.to.toISOString().slice(0, 10)
      return reply
        .type(mediaTypes[format])
        .header('content-disposition', `attachment; filename="shanshui-${dataset}-${stamp}.${format}"`)
        .send(Readable.from(prepend(first, body)))
    },
  )
}

async function* prepend(first: IteratorResult<string>, rest: AsyncGenerator<string>) {
  if (first.done) return
  yield first.value
  yield* rest
}

export default exportRoutes
