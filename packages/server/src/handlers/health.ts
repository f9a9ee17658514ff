import { HttpApiBuilder } from "@effect/platform"
import { SqlClient } from "@effect/sql"
import { CoreApi } from "@executor/api"
import { ServiceUnavailable, VERSION } from "@executor/core"
import { Clock, Duration, Effect } from "effect"

/** `SELECT 1` within two seconds, or the reason it did not answer. */
const databaseCheck = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  return yield* sql`SELECT 1 AS ok`.pipe(
    Effect.timeoutFail({ duration: Duration.seconds(2), onTimeout: () => "no answer within 2 s" }),
    Effect.as({ name: "database", ok: true, message: "reachable" }),
    Effect.catchAll((e) =>
      Effect.succeed({
        name: "database",
        ok: false,
        message: typeof e === "string" ? e : "the database did not answer a query"
      })
    )
  )
})

export const HealthHandlers = HttpApiBuilder.group(CoreApi, "health", (handlers) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const startedAt = yield* Clock.currentTimeMillis
    const check = Effect.provideService(databaseCheck, SqlClient.SqlClient, sql)
    return handlers
      .handle("health", () =>
        Effect.gen(function* () {
          const checks = [yield* check]
          return {
            status: checks.every((c) => c.ok) ? ("ok" as const) : ("degraded" as const),
            version: VERSION,
            uptimeMs: (yield* Clock.currentTimeMillis) - startedAt,
            checks
          }
        })
      )
      .handle("ready", () =>
        Effect.flatMap(check, (db) =>
          db.ok
            ? Effect.succeed({ status: "ready" as const })
            : Effect.fail(new ServiceUnavailable({ error: `database: ${db.message}`, code: "SERVICE_UNAVAILABLE" }))
        )
      )
  })
)
