import type { SqlError } from "@effect/sql"
import type { ParseResult} from "effect";
import { Effect, Schema } from "effect"

/** BIGINT arrives as a number from SQLite and as a decimal string from PostgreSQL. */
export const BigIntColumn = Schema.Union(Schema.Number, Schema.NumberFromString)

/** Flags are stored as 0/1 in both dialects. */
export const FlagColumn = Schema.transform(Schema.Number, Schema.Boolean, {
  strict: true,
  decode: (n) => n !== 0,
  encode: (b) => (b ? 1 : 0)
})

export const JsonColumn = <A, I>(schema: Schema.Schema<A, I>) => Schema.parseJson(schema)

/**
 * Storage failures are not something a caller can act on: they become defects here
 * and an `InternalError{traceId}` at the HTTP edge, with the cause only in the log.
 */
export const orDieStorage = <A, R>(
  effect: Effect.Effect<A, SqlError.SqlError | ParseResult.ParseError, R>
): Effect.Effect<A, never, R> => Effect.orDie(effect)

export const decodeRows = <A, I>(schema: Schema.Schema<A, I>) => {
  const decode = Schema.decodeUnknown(Schema.Array(schema))
  return (rows: ReadonlyArray<unknown>) => decode(rows)
}

export const flag = (b: boolean | undefined): number => (b ? 1 : 0)
