import { SqlClient } from "@effect/sql"
import { Effect, Option, Schema } from "effect"
import { Owner } from "../domain/ids"
import { BigIntColumn, decodeRows, orDieStorage } from "./rows"

/** A connection row: metadata plus where its credential lives (`provider` + `itemId`). */
export interface ConnectionRecord {
  readonly owner: Owner
  readonly integration: string
  readonly name: string
  readonly template: string
  readonly provider: string
  readonly itemId: string
  readonly oauthClient: string | null
  readonly expiresAt: number | null
  readonly identityLabel: string | null
  readonly description: string | null
  readonly createdAt: number
  readonly updatedAt: number
}

export interface ConnectionKey {
  readonly owner: Owner
  readonly integration: string
  readonly name: string
}

const Row = Schema.Struct({
  owner: Owner,
  integration: Schema.String,
  name: Schema.String,
  template: Schema.String,
  provider: Schema.String,
  item_id: Schema.String,
  oauth_client: Schema.NullOr(Schema.String),
  expires_at: Schema.NullOr(BigIntColumn),
  identity_label: Schema.NullOr(Schema.String),
  description: Schema.NullOr(Schema.String),
  created_at: BigIntColumn,
  updated_at: BigIntColumn,
  tool_count: BigIntColumn
})

export type ConnectionWithCount = ConnectionRecord & { readonly toolCount: number }

const toRecord = (row: typeof Row.Type): ConnectionWithCount => ({
  owner: row.owner,
  integration: row.integration,
  name: row.name,
  template: row.template,
  provider: row.provider,
  itemId: row.item_id,
  oauthClient: row.oauth_client,
  expiresAt: row.expires_at,
  identityLabel: row.identity_label,
  description: row.description,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
  toolCount: row.tool_count
})

const decode = decodeRows(Row)

export interface ConnectionFilter {
  readonly owner?: Owner | undefined
  readonly integration?: string | undefined
}

export class ConnectionsRepo extends Effect.Service<ConnectionsRepo>()("executor/core/ConnectionsRepo", {
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const select = sql`SELECT c.*, (SELECT COUNT(*) FROM tools t
      WHERE t.owner = c.owner AND t.integration = c.integration AND t.connection = c.name) AS tool_count
      FROM connections c`

    const list = Effect.fn("ConnectionsRepo.list")(function* (filter: ConnectionFilter) {
      const conditions = [
        ...(filter.owner ? [sql`c.owner = ${filter.owner}`] : []),
        ...(filter.integration ? [sql`c.integration = ${filter.integration}`] : [])
      ]
      const rows = yield* orDieStorage(
        sql`${select} WHERE ${sql.and(conditions)} ORDER BY c.integration, c.owner, c.name`.pipe(Effect.flatMap(decode))
      )
      return rows.map(toRecord)
    })

    const get = Effect.fn("ConnectionsRepo.get")(function* (key: ConnectionKey) {
      const rows = yield* orDieStorage(
        sql`${select} WHERE c.owner = ${key.owner} AND c.integration = ${key.integration} AND c.name = ${key.name}`.pipe(
          Effect.flatMap(decode)
        )
      )
      return Option.map(Option.fromNullable(rows[0]), toRecord)
    })

    const insert = Effect.fn("ConnectionsRepo.insert")(function* (r: ConnectionRecord) {
      yield* orDieStorage(sql`INSERT INTO connections ${sql.insert({
        owner: r.owner,
        integration: r.integration,
        name: r.name,
        template: r.template,
        provider: r.provider,
        item_id: r.itemId,
        oauth_client: r.oauthClient,
        expires_at: r.expiresAt,
        identity_label: r.identityLabel,
        description: r.description,
        created_at: r.createdAt,
        updated_at: r.updatedAt
      })}`)
    })

    const updateMetadata = Effect.fn("ConnectionsRepo.updateMetadata")(function* (
      key: ConnectionKey,
      patch: { identityLabel: string | null; description: string | null; updatedAt: number }
    ) {
      yield* orDieStorage(sql`UPDATE connections SET ${sql.update({
        identity_label: patch.identityLabel,
        description: patch.description,
        updated_at: patch.updatedAt
      })} WHERE owner = ${key.owner} AND integration = ${key.integration} AND name = ${key.name}`)
    })

    const remove = Effect.fn("ConnectionsRepo.remove")(function* (key: ConnectionKey) {
      yield* orDieStorage(
        sql`DELETE FROM connections WHERE owner = ${key.owner} AND integration = ${key.integration} AND name = ${key.name}`
      )
    })

    return { list, get, insert, updateMetadata, remove } as const
  })
}) {}
