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

const decode = decodeRows(Row)
const encodeAuth = Schema.encodeSync(JsonColumn(Schema.Array(AuthMethodDescriptor)))

const PublicRow = Row.omit("config")

const toPublic = (row: typeof PublicRow.Type): Integration => ({
  slug: row.slug,
  kind: row.kind,
  name: row.name,
  description: row.description,
  displayUrl: row.display_url,
  canRemove: row.can_remove,
  canRefresh: row.can_refresh,
  authMethods: row.auth_methods,
  createdAt: row.created_at,
  updatedAt: row.updated_at
})

const decodePublic = decodeRows(PublicRow)

const toRecord = (row: typeof Row.Type): IntegrationRecord => ({ ...toPublic(row), config: row.config })

/**
 * Integration rows. Whole records (with the plugin's config) are kept in memory once
 * read: every tool call looks its integration up, and a config can be megabytes of
 * JSON (a compiled API description) that must not be parsed per call. A write drops
 * that row's copy; this process is the only writer of its database (the data-dir lock
 * on the daemon). Listing reads only the public columns.
 */
export class IntegrationsRepo extends Effect.Service<IntegrationsRepo>()("executor/core/IntegrationsRepo", {
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const cached = new Map<string, IntegrationRecord>()

    const invalidate =
      (slug: string) =>
      <A, E, R>(write: Effect.Effect<A, E, R>) =>
        Effect.ensuring(write, Effect.sync(() => cached.delete(slug)))

    const list = Effect.fn("IntegrationsRepo.list")(function* () {
      const rows = yield* orDieStorage(
        sql`SELECT slug, kind, name, description, display_url, can_remove, can_refresh, auth_methods, created_at, updated_at
            FROM integrations ORDER BY slug`.pipe(Effect.flatMap(decodePublic))
      )
      return rows.map(toPublic)
    })

    const read = (slug: string) =>
      Effect.map(orDieStorage(sql`SELECT * FROM integrations WHERE slug = ${slug}`.pipe(Effect.flatMap(decode))), (rows) => {
        const record = rows[0] ? toRecord(rows[0]) : undefined
        if (record) cached.set(slug, record)
        return Option.fromNullable(record)
      })

    // Not Effect.fn: this runs for every tool call, and a traced function costs about 10 µs.
    const get = (slug: string): Effect.Effect<Option.Option<IntegrationRecord>> =>
      Effect.suspend(() => {
        const hit = cached.get(slug)
        return hit ? Effect.succeed(Option.some(hit)) : read(slug)
      })

    const insert = Effect.fn("IntegrationsRepo.insert")(function* (record: IntegrationRecord) {
      yield* invalidate(record.slug)(orDieStorage(sql`INSERT INTO integrations ${sql.insert({
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
      yield* invalidate(record.slug)(orDieStorage(sql`UPDATE integrations SET ${sql.update({
        name: record.name,
        description: record.description,
        display_url: record.displayUrl,
        auth_methods: encodeAuth(record.authMethods),
        config: JSON.stringify(record.config ?? null),
        updated_at: record.updatedAt
      })} WHERE slug = ${record.slug}`))
    })

    const remove = Effect.fn("IntegrationsRepo.remove")(function* (slug: string) {
      yield* invalidate(slug)(orDieStorage(sql`DELETE FROM integrations WHERE slug = ${slug}`))
    })

    return { list, get, insert, update, remove } as const
  })
}) {}
