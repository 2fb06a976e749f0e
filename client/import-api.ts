import { ApiError } from './api.ts'
import { sessionEnded } from './session.ts'

/** POST /api/incidents/import's answer. */
export interface IncidentImportResult {
  imported: number
  first_id: number | null
  last_id: number | null
  without_district: number
}

/** One problem of a refused file: the row's line (the header is line 1), the column, why. */
export interface ImportProblem {
  line: number
  column: string
  reason: string
}

export const isImportProblem = (detail: unknown): detail is ImportProblem =>
  typeof detail === 'object' && detail !== null && typeof (detail as ImportProblem).line === 'number'

/**
 * Sends a CSV file of incidents to POST /api/incidents/import. XMLHttpRequest rather than fetch: it
 * reports the upload's progress (`onUpload`, bytes sent of the total). Resolves with the import's
 * figures; rejects with an ApiError carrying the server's message and, for a refused file, the
 * problems with their lines in `details`.
 */
export function importIncidentsCsv(
  file: File,
  onUpload: (sent: number, total: number) => void,
): Promise<IncidentImportResult> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest()
    request.open('POST', '/api/incidents/import')
    request.setRequestHeader('content-type', 'text/csv; charset=utf-8')
    request.responseType = 'json'
    request.upload.onprogress = (event) => onUpload(event.loaded, event.total)
    request.onerror = () =>
      reject(new ApiError('could not reach the server for the import', 0, 'Network Error'))
    request.onload = () => {
      const body = request.response as
        | (IncidentImportResult & { error?: string; message?: string; details?: unknown[] })
        | null
      if (request.status === 401) sessionEnded()
      if (request.status === 200 && body) return resolve(body)
      reject(
        new ApiError(
          body?.message ?? `${request.status} ${request.statusText}`,
          request.status,
          body?.error ?? request.statusText,
          body?.details ?? [],
        ),
      )
    }
    request.send(file)
  })
}
