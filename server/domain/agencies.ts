/**
 * The agencies a co-governance station can hold (client i18n keys `agency.*` name them). Plain data,
 * shared by the API's validation and the client's editor.
 */
export const agencies = [
  'police',
  'water',
  'law_enforcement',
  'environment',
  'forestry',
  'agriculture',
  'natural_resources',
  'market_regulation',
  'culture_tourism',
  'transport',
  'fisheries',
  'township',
] as const
export type Agency = (typeof agencies)[number]
