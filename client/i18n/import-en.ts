/** English strings of the incident import (admins). Spread into en.ts; import-zh-CN.ts must have every key. */
export const importEn = {
  'import.open': 'Import incidents',
  'import.title': 'Import incidents from CSV',
  'import.close': 'Close',
  'import.intro':
    'A UTF-8 CSV file whose first line names the columns: occurred_at, lon, lat and category are required; severity (1–3, default 2), source (default app), description, status (default reported), reported_at (default occurred_at) and place_id are optional. Times are ISO 8601 (UTC without a zone). All rows are imported or none.',
  'import.file': 'CSV file',
  'import.submit': 'Import',
  'import.uploading': 'Uploading… {percent} %',
  'import.working': 'Checking and importing on the server…',
  'import.done': '{count} {count|incident|incidents} imported (ids {first}–{last}).',
  'import.withoutDistrict': '{count} lie more than 50 km from every district and have no district.',
  'import.refused': 'Nothing was imported: {message}',
  'import.refusedRows':
    'Nothing was imported: some rows have problems. Correct them and import the whole file again.',
  'import.problems': 'First problems',
  'import.problem': 'line {line}',
} satisfies Record<string, string>

export type ImportMessageKey = keyof typeof importEn
