import { SqlClient } from "@effect/sql"
import { Effect, Option, Schema } from "effect"
import { AuthMethodDescriptor, type Integration } from "../domain/integration"
import { BigIntColumn, decodeRows, FlagColumn, flag, JsonColumn, orDieStorage } from "./rows"

/** An integration with the plugin's own configuration (never returned by core routes). */
export interface IntegrationRecord extends Integration {
  readonly config: unknown
}

const Row = Schema.Struct({
  slug: Schema.String,
  kind: Schema.String,
  name: Schema.String,
  description: Schema.String,
  display_url: Schema.NullOr(Schema.String),
  can_remove: FlagColumn,
  can_refresh: FlagColumn,
  auth_methods: JsonColumn(Schema.Array(AuthMethodDescriptor)),
  config: JsonColumn(Schema.Unknown),
  created_at: BigIntColumn,
  updated_at: BigIntColumn
})

const toRecord = (row: typeof Row.Type): IntegrationRecord => ({
  slug: row.slug,
  kind: row.kind,
  name: row.name,
  description: row.description,
  displayUrl: row.display_url,
  canRemove: row.can_remove,
  canRefresh: row.can_refresh,
  authMethods: row.auth_methods,
  config: row.config,
  createdAt: row.created_at,
  updatedAt: row.updated_at
})

const decode = decodeRows(Row)
const encodeAuth = Schema.encodeSync(JsonColumn(Schema.Array(AuthMethodDescriptor)))

/**
 * Integration rows, read through an in-memory copy: every tool call looks its
 * integration up, and a plugin's config can be megabytes of JSON (a compiled API
 * description) that must not be parsed per call. Each write drops the copy; this
 * process is the only writer of its database (the data-dir lock on the daemon).
 */
export class IntegrationsRepo extends Effect.Service<IntegrationsRepo>()("executor/core/IntegrationsRepo", {
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    let cached: ReadonlyMap<string, IntegrationRecord> | undefined

    const load = () => Effect.suspend(() => (cached ? Effect.succeed(cached) : loadRows))
    const loadRows = Effect.gen(function* () {
      const rows = yield* orDieStorage(sql`SELECT * FROM integrations ORDER BY slug`.pipe(Effect.flatMap(decode)))
      const loaded = new Map(rows.map((row) => [row.slug, toRecord(row)]))
      cached = loaded
      return loaded
    })
    const invalidate = <A, E, R>(write: Effect.Effect<A, E, R>) =>
      Effect.ensuring(write, Effect.sync(() => (cached = undefined)))

    const list = Effect.fn("IntegrationsRepo.list")(function* () {
      return [...(yield* load()).values()]
    })

    const get = (slug: string) => Effect.map(load(), (rows) => Option.fromNullable(rows.get(slug)))

    const insert = Effect.fn("IntegrationsRepo.insert")(function* (record: IntegrationRecord) {
      yield* invalidate(orDieStorage(sql`INSERT INTO integrations ${sql.insert({
        slug: record.slug,
        kind: record.kind,
        name: record.name,
        description: record.description,
        display_url: record.displayUrl,
        can_remove: flag(record.canRemove),
        can_refresh: flag(record.canRefresh),
        auth_methods: encodeAuth(record.authMethods),
        config: JSON.stringify(record.config ?? null),
        created_at: record.createdAt,
        updated_at: record.updatedAt
      })}`))
    })

    const update = Effect.fn("IntegrationsRepo.update")(function* (record: IntegrationRecord) {
      yield* invalidate(orDieStorage(sql`UPDATE integrations SET ${sql.update({
        name: record.name,
        description: record.description,
        display_url: record.displayUrl,
        auth_methods: encodeAuth(record.authMethods),
        config: JSON.stringify(record.config ?? null),
        updated_at: record.updatedAt
      })} WHERE slug = ${record.slug}`))
    })

    const remove = Effect.fn("IntegrationsRepo.remove")(function* (slug: string) {
      yield* invalidate(orDieStorage(sql`DELETE FROM integrations WHERE slug = ${slug}`))
    })

    return { list, get, insert, update, remove } as const
  })
}) {}
