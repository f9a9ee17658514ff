import { SqlClient } from "@effect/sql"
import { Effect, Option, Schema } from "effect"
import { Owner } from "../domain/ids"
import { type Policy, PolicyAction } from "../domain/policy"
import { BigIntColumn, decodeRows, orDieStorage } from "./rows"

const Row = Schema.Struct({
  id: Schema.String,
  owner: Owner,
  pattern: Schema.String,
  action: PolicyAction,
  position: Schema.String,
  created_at: BigIntColumn,
  updated_at: BigIntColumn
})

const toPolicy = (row: typeof Row.Type): Policy => ({
  id: row.id,
  owner: row.owner,
  pattern: row.pattern,
  action: row.action,
  position: row.position,
  createdAt: row.created_at,
  updatedAt: row.updated_at
})

const decode = decodeRows(Row)

export class PoliciesRepo extends Effect.Service<PoliciesRepo>()("executor/core/PoliciesRepo", {
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient

    /** Every rule, in precedence order within each owner. */
    const list = Effect.fn("PoliciesRepo.list")(function* (owner?: Owner) {
      const where = owner ? sql`WHERE owner = ${owner}` : sql``
      const rows = yield* orDieStorage(
        sql`SELECT * FROM policies ${where} ORDER BY owner, position, created_at, id`.pipe(Effect.flatMap(decode))
      )
      return rows.map(toPolicy)
    })

    const get = Effect.fn("PoliciesRepo.get")(function* (id: string) {
      const rows = yield* orDieStorage(sql`SELECT * FROM policies WHERE id = ${id}`.pipe(Effect.flatMap(decode)))
      return Option.map(Option.fromNullable(rows[0]), toPolicy)
    })

    const insert = Effect.fn("PoliciesRepo.insert")(function* (p: Policy) {
      yield* orDieStorage(sql`INSERT INTO policies ${sql.insert({
        id: p.id,
        owner: p.owner,
        pattern: p.pattern,
        action: p.action,
        position: p.position,
        created_at: p.createdAt,
        updated_at: p.updatedAt
      })}`)
    })

    const update = Effect.fn("PoliciesRepo.update")(function* (p: Policy) {
      yield* orDieStorage(sql`UPDATE policies SET ${sql.update({
        pattern: p.pattern,
        action: p.action,
        position: p.position,
        updated_at: p.updatedAt
      })} WHERE id = ${p.id}`)
    })

    const remove = Effect.fn("PoliciesRepo.remove")(function* (id: string) {
      yield* orDieStorage(sql`DELETE FROM policies WHERE id = ${id}`)
    })

    return { list, get, insert, update, remove } as const
  })
}) {}
