import { SqlClient } from "@effect/sql"
import { assert, describe, layer } from "@effect/vitest"
import {
  Catalog,
  Connections,
  CredentialProviders,
  Integrations,
  Policies
} from "@executor/core"
import { BACKENDS, testCoreLayer } from "@executor/testing"
import { Effect, Exit } from "effect"
import { inject } from "vitest"

const SECRET = "sk-storage-suite-7f3a9c1e5b"

const registerFixture = (slug: string, tools: ReadonlyArray<{ name: string; write?: boolean }>) =>
  Effect.flatMap(Integrations, (i) =>
    i.register({
      slug,
      kind: "fixture",
      name: slug,
      description: "",
      displayUrl: null,
      authMethods: [{ kind: "apikey", template: "token", inputs: ["token"] }],
      config: { tools: tools.map((t) => ({ description: `does ${t.name}`, ...t })) }
    })
  )

for (const backend of BACKENDS) {
  describe(`storage on ${backend}`, () => {
    layer(testCoreLayer(backend, inject("pgUrl")), { timeout: 60_000 })((it) => {
      it.effect("migrations are recorded once", () =>
        Effect.gen(function* () {
          const sql = yield* SqlClient.SqlClient
          const rows = yield* sql<{ migration_id: number | string }>`SELECT migration_id FROM effect_sql_migrations ORDER BY migration_id`
          assert.deepStrictEqual(rows.map((r) => Number(r.migration_id)), [1, 2])
        })
      )

      it.effect("integrations round-trip and the built-in one is always listed", () =>
        Effect.gen(function* () {
          const integrations = yield* Integrations
          yield* registerFixture("crm", [{ name: "contacts.list" }])
          const updated = yield* integrations.update("crm", { name: "CRM", displayUrl: "https://crm.example" })
          assert.strictEqual(updated.name, "CRM")
          const all = yield* integrations.list()
          assert.deepStrictEqual(all.map((i) => i.slug), ["executor", "crm"])
          const again = yield* Effect.exit(registerFixture("crm", []))
          assert.isTrue(Exit.isFailure(again))
        })
      )

      it.effect("a connection seals its credential and stores its tools", () =>
        Effect.gen(function* () {
          yield* registerFixture("mail", [{ name: "send", write: true }, { name: "inbox.list" }])
          const connections = yield* Connections
          const created = yield* connections.create({
            owner: "org",
            integration: "mail",
            name: "prod",
            template: "token",
            value: SECRET
          })
          assert.strictEqual(created.address, "tools.mail.org.prod")
          assert.strictEqual(created.toolCount, 2)
          assert.notInclude(JSON.stringify(created), SECRET)

          const sql = yield* SqlClient.SqlClient
          const sealed = yield* sql<{ sealed: string }>`SELECT sealed FROM secrets`
          assert.isAbove(sealed.length, 0)
          for (const row of sealed) assert.notInclude(row.sealed, SECRET)

          const record = yield* connections.getRecord({ owner: "org", integration: "mail", name: "prod" })
          const values = yield* connections.credentials(record)
          assert.deepStrictEqual(values, { token: SECRET })

          const catalog = yield* Catalog
          const tools = yield* catalog.list({ integration: "mail", includeAnnotations: true })
          assert.deepStrictEqual(
            tools.map((t) => [t.address, t.requiresApproval]),
            [
              ["tools.mail.org.prod.inbox.list", false],
              ["tools.mail.org.prod.send", true]
            ]
          )
        })
      )

      it.effect("removing a connection removes its tools and its sealed credential", () =>
        Effect.gen(function* () {
          yield* registerFixture("chat", [{ name: "post" }])
          const connections = yield* Connections
          const key = { owner: "user" as const, integration: "chat", name: "me" }
          yield* connections.create({ ...key, template: "token", values: { token: "chat-secret" } })
          const providers = yield* CredentialProviders
          const before = (yield* providers.defaultProvider.items).length
          yield* connections.remove(key)
          assert.strictEqual((yield* providers.defaultProvider.items).length, before - 1)
          const tools = yield* (yield* Catalog).list({ integration: "chat" })
          assert.strictEqual(tools.length, 0)
          const gone = yield* Effect.exit(connections.get(key))
          assert.isTrue(Exit.isFailure(gone))
        })
      )

      it.effect("policies keep their order and a block hides the tool", () =>
        Effect.gen(function* () {
          yield* registerFixture("docs", [{ name: "read" }, { name: "delete", write: true }])
          yield* (yield* Connections).create({
            owner: "org",
            integration: "docs",
            name: "main",
            template: "token",
            value: "docs-secret"
          })
          const policies = yield* Policies
          const first = yield* policies.create({ owner: "org", pattern: "docs.org.main.delete", action: "block" })
          const second = yield* policies.create({ owner: "org", pattern: "docs.*", action: "approve" })
          const listed = yield* policies.list("org")
          assert.deepStrictEqual(listed.map((p) => p.id), [first.id, second.id])

          const catalog = yield* Catalog
          const visible = yield* catalog.list({ integration: "docs", includeBlocked: false })
          assert.deepStrictEqual(visible.map((t) => t.name), ["read"])

          yield* policies.update(first.id, { owner: "org", action: "approve" })
          const all = yield* catalog.list({ integration: "docs", includeBlocked: false, includeAnnotations: true })
          assert.deepStrictEqual(all.map((t) => [t.name, t.requiresApproval]), [["delete", false], ["read", false]])
          yield* policies.remove(first.id, "org")
          yield* policies.remove(second.id, "org")
        })
      )

      it.effect("removing an integration cascades to its connections, tools and credentials", () =>
        Effect.gen(function* () {
          yield* registerFixture("temp", [{ name: "a" }])
          const connections = yield* Connections
          yield* connections.create({ owner: "org", integration: "temp", name: "x", template: "token", value: "temp-secret" })
          yield* (yield* Integrations).remove("temp")
          assert.strictEqual((yield* connections.list({ integration: "temp" })).length, 0)
          const sql = yield* SqlClient.SqlClient
          const tools = yield* sql<{ n: number | string }>`SELECT COUNT(*) AS n FROM tools WHERE integration = 'temp'`
          assert.strictEqual(Number(tools[0]?.n), 0)
        })
      )
    })
  })
}
