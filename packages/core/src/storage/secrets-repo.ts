import { SqlClient } from "@effect/sql"
import { Effect, Option, Schema } from "effect"
import { BigIntColumn, decodeRows, orDieStorage } from "./rows"

/** Sealed credential blobs of the default provider; `sealed` is ciphertext, never a value. */
export interface SecretRecord {
  readonly id: string
  readonly name: string
  readonly sealed: string
  readonly createdAt: number
  readonly updatedAt: number
}

const Row = Schema.Struct({
  id: Schema.String,
  name: Schema.String,
  sealed: Schema.String,
  created_at: BigIntColumn,
  updated_at: BigIntColumn
})

const toRecord = (row: typeof Row.Type): SecretRecord => ({
  id: row.id,
  name: row.name,
  sealed: row.sealed,
  createdAt: row.created_at,
  updatedAt: row.updated_at
})

const decode = decodeRows(Row)

export class SecretsRepo extends Effect.Service<SecretsRepo>()("executor/core/SecretsRepo", {
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient

    const list = Effect.fn("SecretsRepo.list")(function* () {
      const rows = yield* orDieStorage(sql`SELECT * FROM secrets ORDER BY name, id`.pipe(Effect.flatMap(decode)))
      return rows.map(toRecord)
    })

    const get = Effect.fn("SecretsRepo.get")(function* (id: string) {
      const rows = yield* orDieStorage(sql`SELECT * FROM secrets WHERE id = ${id}`.pipe(Effect.flatMap(decode)))
      return Option.map(Option.fromNullable(rows[0]), toRecord)
    })

    const insert = Effect.fn("SecretsRepo.insert")(function* (r: SecretRecord) {
      yield* orDieStorage(sql`INSERT INTO secrets ${sql.insert({
        id: r.id,
        name: r.name,
        sealed: r.sealed,
        created_at: r.createdAt,
        updated_at: r.updatedAt
      })}`)
    })

    const remove = Effect.fn("SecretsRepo.remove")(function* (id: string) {
      yield* orDieStorage(sql`DELETE FROM secrets WHERE id = ${id}`)
    })

    return { list, get, insert, remove } as const
  })
}) {}
