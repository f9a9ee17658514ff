import { NodeContext } from "@effect/platform-node"
import { Migrator, SqlClient } from "@effect/sql"
import { PgClient, PgMigrator } from "@effect/sql-pg"
import { SqliteClient, SqliteMigrator } from "@effect/sql-sqlite-node"
import { Duration, Effect, Layer, type Redacted } from "effect"
import { migrations } from "./migrations"

export type DatabaseConfig =
  | { readonly kind: "sqlite"; readonly filename: string }
  | { readonly kind: "pg"; readonly url: Redacted.Redacted<string> }

const loader = Migrator.fromRecord(migrations)

/**
 * The SQL client for the configured backend, with every migration applied before
 * anything else can use it.
 */
export const databaseLayer = (config: DatabaseConfig) => {
  if (config.kind === "sqlite") {
    // Foreign keys are off by default in SQLite; WAL is on (the client's default). In WAL
    // mode `synchronous = NORMAL` keeps every commit across a process crash (kill -9) and
    // skips an fsync per commit; only a power cut can lose the last transactions.
    const client = Layer.effectDiscard(
      Effect.flatMap(SqlClient.SqlClient, (sql) => Effect.zipRight(sql`PRAGMA foreign_keys = ON`, sql`PRAGMA synchronous = NORMAL`))
    ).pipe(Layer.provideMerge(SqliteClient.layer({ filename: config.filename })))
    return SqliteMigrator.layer({ loader }).pipe(
      Layer.provideMerge(client),
      Layer.provide(NodeContext.layer)
    )
  }
  const client = PgClient.layer({
    url: config.url,
    connectTimeout: Duration.seconds(5),
    maxConnections: 10
  })
  return PgMigrator.layer({ loader }).pipe(
    Layer.provideMerge(client),
    Layer.provide(NodeContext.layer)
  )
}
