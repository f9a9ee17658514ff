import { HttpClient, HttpClientRequest } from "@effect/platform"
import { assert, describe, it } from "@effect/vitest"
import { type AnyPlugin, Integrations } from "@executor/core"
import { dropDatabaseOf, fixturePlugin, sqliteConfig, TEST_TOKEN, tempDatabase, tempDir, testServerLayer } from "@executor/testing"
import { Effect, Layer, Redacted } from "effect"
import { inject } from "vitest"

/** A plugin whose tool source has a bug: discovery dies instead of failing. */
const brokenPlugin: AnyPlugin = {
  ...fixturePlugin,
  id: "broken",
  http: undefined,
  listTools: () => Effect.die(new Error("bug in the plugin: /home/dev/secret-path.ts")),
  detect: undefined
}

const get = (path: string, token: string | null = TEST_TOKEN) =>
  Effect.flatMap(HttpClient.HttpClient, (http) => {
    const request = HttpClientRequest.get(path)
    return http.execute(token ? HttpClientRequest.bearerToken(request, token) : request)
  }).pipe(Effect.flatMap((r) => Effect.map(r.text, (text) => ({ status: r.status, text }))))

describe("failure handling", () => {
  it.scoped("a defect becomes a 500 that carries only InternalError and a trace id", () =>
    Effect.gen(function* () {
      const dir = yield* tempDir
      const context = yield* Layer.build(
        testServerLayer({ database: sqliteConfig(dir), plugins: [fixturePlugin, brokenPlugin] })
      )
      yield* Effect.provide(
        Effect.gen(function* () {
          const integrations = yield* Integrations
          yield* integrations.register({
            slug: "flaky",
            kind: "broken",
            name: "Flaky",
            description: "",
            displayUrl: null,
            authMethods: [{ kind: "apikey", template: "token" }],
            config: {}
          })
          const http = yield* HttpClient.HttpClient
          const response = yield* http.execute(
            HttpClientRequest.post("/api/connections").pipe(
              HttpClientRequest.bearerToken(TEST_TOKEN),
              HttpClientRequest.bodyUnsafeJson({ owner: "org", integration: "flaky", name: "a", template: "token", value: "v" })
            )
          )
          assert.strictEqual(response.status, 500)
          const body = (yield* response.json) as Record<string, unknown>
          assert.deepStrictEqual(Object.keys(body).sort(), ["_tag", "traceId"])
          assert.strictEqual(body._tag, "InternalError")
          assert.match(String(body.traceId), /^[0-9a-f-]{36}$/)
          // The server keeps serving.
          assert.strictEqual((yield* get("/api/health")).status, 200)
        }),
        context
      )
    })
  )

  it.scoped("ready answers 503 SERVICE_UNAVAILABLE while the database cannot be reached", () =>
    Effect.gen(function* () {
      const database = yield* tempDatabase("postgres", inject("pgUrl"))
      const context = yield* Layer.build(testServerLayer({ database }))
      yield* Effect.provide(
        Effect.gen(function* () {
          assert.strictEqual((yield* get("/api/ready", null)).status, 200)
          if (database.kind !== "pg") return assert.fail("expected PostgreSQL")
          yield* Effect.promise(() => dropDatabaseOf(inject("pgUrl"), Redacted.value(database.url)))
          const ready = yield* get("/api/ready", null)
          assert.strictEqual(ready.status, 503)
          const body = JSON.parse(ready.text) as Record<string, unknown>
          assert.strictEqual(body.code, "SERVICE_UNAVAILABLE")
          assert.isString(body.error)
          const health = JSON.parse((yield* get("/api/health", null)).text) as { status: string; checks: Array<{ ok: boolean }> }
          assert.strictEqual(health.status, "degraded")
          assert.isFalse(health.checks[0]?.ok)
        }),
        context
      )
    })
  )
})
