import { type Static, type TSchema, Type } from 'typebox'

/** The body of every error answer: `{error, message, details[]}`. */
export const errorBody = <T extends TSchema>(detail: T) =>
  Type.Object({ error: Type.String(), message: Type.String(), details: Type.Array(detail) })

export const ErrorBody = errorBody(Type.Unknown())

/** Response schemas for the given error codes, all with the common error body. */
export const errorReplies = (...codes: number[]) => Object.fromEntries(codes.map((code) => [code, ErrorBody]))

/**
 * `T | null`. Where the schema has a single type or an enum it is written as a type list
 * (`"type": ["string", "null"]`) rather than anyOf: the response serializer writes a type list
 * directly, while anyOf makes it test every value against each branch.
 */
export const Nullable = <T extends TSchema>(schema: T) => {
  const { type, enum: values } = schema as { type?: unknown; enum?: unknown[] }
  if (values) return Type.Unsafe<Static<T> | null>({ ...schema, enum: [...values, null] })
  if (typeof type === 'string') return Type.Unsafe<Static<T> | null>({ ...schema, type: [type, 'null'] })
  return Type.Union([schema, Type.Null()])
}
