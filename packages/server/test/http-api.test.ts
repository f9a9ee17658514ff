import { HttpApiClient, HttpClient, HttpClientRequest } from "@effect/platform"
import { assert, describe, layer } from "@effect/vitest"
import { CoreApi } from "@executor/api"
import { FixtureApi, REJECTED_TOKEN, sqliteConfig, TEST_TOKEN, tempDir, testServerLayer } from "@executor/testing"
import { Effect, Layer } from "effect"

const Api = CoreApi.add(FixtureApi)
const SECRET = "sk-http-suite-secret-9d8c7b6a"

const client = HttpApiClient.make(Api, {
  transformClient: HttpClient.mapRequest(HttpClientRequest.bearerToken(TEST_TOKEN))
})

/** A raw request, for inputs the typed client would refuse to send. */
const raw = (method: "GET" | "POST" | "PATCH" | "DELETE", path: string, body?: string, token: string | null = TEST_TOKEN) =>
  Effect.gen(function* () {
    const http = yield* HttpClient.HttpClient
    let request = HttpClientRequest.make(method)(path)
    if (token !== null) request = HttpClientRequest.bearerToken(request, token)
    if (body !== undefined) request = HttpClientRequest.bodyText(request, body, "application/json")
    const response = yield* http.execute(request)
    const text = yield* response.text
    return { status: response.status, text }
  })

const server = Layer.unwrapScoped(Effect.map(tempDir, (dir) => testServerLayer({ database: sqliteConfig(dir) })))

describe("core HTTP API", () => {
  layer(server, { timeout: 60_000 })((it) => {
    it.effect("every core route works through the typed client", () =>
      Effect.gen(function* () {
        const api = yield* client
        const registered = yield* api.fixture.register({
          payload: { slug: "shop", name: "Shop", tools: [{ name: "orders.list", description: "List orders" }, { name: "orders.cancel", description: "Cancel an order", write: true }] }
        })
        assert.strictEqual(registered.kind, "fixture")

        const integrations = yield* api.integrations.list()
        assert.deepStrictEqual(integrations.map((i) => i.slug), ["executor", "shop"])
        assert.strictEqual((yield* api.integrations.get({ path: { slug: "shop" } })).name, "Shop")
        const patched = yield* api.integrations.update({ path: { slug: "shop" }, payload: { description: "Orders" } })
        assert.strictEqual(patched.description, "Orders")
        const detected = yield* api.integrations.detect({ payload: { url: "https://example.test/fixture.json" } })
        assert.deepStrictEqual(detected.map((d) => [d.kind, d.confidence]), [["fixture", "high"]])
        assert.deepStrictEqual(yield* api.integrations.detect({ payload: { url: "https://example.test/other" } }), [])

        const connection = yield* api.connections.create({
          payload: { owner: "org", integration: "shop", name: "prod", template: "token", value: SECRET, identityLabel: "ops@shop" }
        })
        assert.strictEqual(connection.address, "tools.shop.org.prod")
        assert.strictEqual(connection.provider, "default")
        assert.notInclude(JSON.stringify(connection), SECRET)
        const key = { owner: "org" as const, integration: "shop", name: "prod" }
        assert.strictEqual((yield* api.connections.get({ path: key })).identityLabel, "ops@shop")
        assert.strictEqual((yield* api.connections.list({ urlParams: { integration: "shop" } })).length, 1)
        const updated = yield* api.connections.update({ path: key, payload: { description: "production" } })
        assert.strictEqual(updated.description, "production")
        const refreshed = yield* api.connections.refresh({ path: key })
        assert.deepStrictEqual(refreshed.map((t) => t.name), ["orders.list", "orders.cancel"])

        const tools = yield* api.tools.list({ urlParams: { integration: "shop", includeAnnotations: "true" } })
        assert.deepStrictEqual(
          tools.map((t) => [t.address, t.requiresApproval]),
          [
            ["tools.shop.org.prod.orders.cancel", true],
            ["tools.shop.org.prod.orders.list", false]
          ]
        )
        const searched = yield* api.tools.list({ urlParams: { query: "cancel order" } })
        assert.deepStrictEqual(searched.map((t) => t.name), ["orders.cancel"])
        const schema = yield* api.tools.schema({ urlParams: { address: "tools.shop.org.prod.orders.cancel" } })
        assert.include(schema.inputTypeScript, "message?: string")

        const builtins = yield* api.tools.list({ urlParams: { integration: "executor", includeAnnotations: "true" } })
        const approval = Object.fromEntries(builtins.map((t) => [t.name, t.requiresApproval]))
        assert.isTrue(approval["policies.create"])
        assert.isTrue(approval["connections.create"])
        assert.isFalse(approval["integrations.list"])

        const providers = yield* api.providers.list()
        assert.deepStrictEqual(providers.map((p) => p.key), ["default", "env"])
        const items = yield* api.providers.items({ path: { key: "default" } })
        assert.strictEqual(items.length, 1)
        assert.notInclude(JSON.stringify(items), SECRET)

        const policy = yield* api.policies.create({ payload: { owner: "org", pattern: "shop.org.prod.orders.cancel", action: "block" } })
        const visible = yield* api.tools.list({ urlParams: { integration: "shop", includeBlocked: "false" } })
        assert.deepStrictEqual(visible.map((t) => t.name), ["orders.list"])
        const hidden = yield* Effect.flip(api.tools.schema({ urlParams: { address: "tools.shop.org.prod.orders.cancel" } }))
        assert.strictEqual(hidden._tag, "ToolNotFoundError")
        const changed = yield* api.policies.update({ path: { policyId: policy.id }, payload: { owner: "org", action: "approve" } })
        assert.strictEqual(changed.action, "approve")
        assert.strictEqual((yield* api.policies.list({ urlParams: {} })).length, 1)
        assert.deepStrictEqual(yield* api.policies.remove({ path: { policyId: policy.id }, urlParams: { owner: "org" } }), { removed: true })

        assert.deepStrictEqual(yield* api.connections.remove({ path: key }), { removed: true })
        assert.deepStrictEqual(yield* api.integrations.remove({ path: { slug: "shop" } }), { removed: true })
        const builtinRemoval = yield* Effect.flip(api.integrations.remove({ path: { slug: "executor" } }))
        assert.strictEqual(builtinRemoval._tag, "IntegrationRemovalNotAllowedError")
      })
    )

    it.effect("bad input gets a tagged 4xx, never a 500", () =>
      Effect.gen(function* () {
        const api = yield* client
        yield* api.fixture.register({ payload: { slug: "bad", name: "Bad", tools: [{ name: "x", description: "x" }] } })
        const big = JSON.stringify({ owner: "org", pattern: "a".repeat(2 * 1024 * 1024), action: "block" })
        const cases: ReadonlyArray<[string, ReturnType<typeof raw>, number, string]> = [
          ["malformed JSON", raw("POST", "/api/policies", "{\"owner\": "), 400, "InvalidRequestError"],
          ["wrong types", raw("POST", "/api/policies", JSON.stringify({ owner: 1, pattern: [], action: "x" })), 400, "HttpApiDecodeError"],
          ["missing fields", raw("POST", "/api/connections", JSON.stringify({ owner: "org" })), 400, "HttpApiDecodeError"],
          ["body over 1 MiB", raw("POST", "/api/policies", big), 413, "PayloadTooLargeError"],
          ["invalid policy pattern", raw("POST", "/api/policies", JSON.stringify({ owner: "org", pattern: "a..b", action: "block" })), 400, "InvalidPolicyPatternError"],
          ["unknown integration", raw("GET", "/api/integrations/nope"), 404, "IntegrationNotFoundError"],
          ["unknown connection", raw("GET", "/api/connections/org/bad/nope"), 404, "ConnectionNotFoundError"],
          ["unknown policy", raw("PATCH", "/api/policies/pol_x", JSON.stringify({ owner: "org", action: "block" })), 404, "PolicyNotFoundError"],
          ["unknown provider", raw("GET", "/api/providers/vault/items"), 409, "CredentialProviderNotRegisteredError"],
          ["unknown tool", raw("GET", "/api/tools/schema?address=tools.bad.org.x.y"), 404, "ToolNotFoundError"],
          ["unknown route", raw("GET", "/api/nothing/here"), 404, "RouteNotFoundError"],
          ["bad owner in path", raw("GET", "/api/connections/team/bad/x"), 400, "HttpApiDecodeError"],
          ["two credential origins", raw("POST", "/api/connections", JSON.stringify({ owner: "org", integration: "bad", name: "c", template: "token", value: "a", values: { token: "b" } })), 400, "InvalidConnectionInputError"],
          ["no credential origin", raw("POST", "/api/connections", JSON.stringify({ owner: "org", integration: "bad", name: "c", template: "token" })), 400, "InvalidConnectionInputError"],
          ["unknown auth template", raw("POST", "/api/connections", JSON.stringify({ owner: "org", integration: "bad", name: "c", template: "oauth", value: "a" })), 400, "InvalidConnectionInputError"],
          ["connection on unknown integration", raw("POST", "/api/connections", JSON.stringify({ owner: "org", integration: "ghost", name: "c", template: "token", value: "a" })), 404, "IntegrationNotFoundError"],
          ["unknown provider item", raw("POST", "/api/connections", JSON.stringify({ owner: "org", integration: "bad", name: "c", template: "token", from: { provider: "env", id: "EXECUTOR_SECRET_NOPE" } })), 404, "ProviderItemNotFoundError"],
          ["upstream refuses the credential", raw("POST", "/api/connections", JSON.stringify({ owner: "org", integration: "bad", name: "c", template: "token", value: REJECTED_TOKEN })), 502, "ToolDiscoveryError"],
          ["detect URL too long", raw("POST", "/api/integrations/detect", JSON.stringify({ url: "h".repeat(3000) })), 400, "HttpApiDecodeError"]
        ]
        for (const [name, request, status, tag] of cases) {
          const response = yield* request
          assert.strictEqual(response.status, status, `${name}: ${response.text.slice(0, 200)}`)
          assert.include(response.text, `"_tag":"${tag}"`, name)
        }
        const health = yield* raw("GET", "/api/health", undefined, null)
        assert.strictEqual(health.status, 200)
      })
    )

    it.effect("without the token every non-public route in the OpenAPI document answers 401", () =>
      Effect.gen(function* () {
        const doc = yield* raw("GET", "/api/openapi.json")
        assert.strictEqual(doc.status, 200)
        const spec = JSON.parse(doc.text) as { paths: Record<string, Record<string, unknown>> }
        const publicRoutes = new Set(["GET /api/health", "GET /api/ready"])
        let checked = 0
        for (const [route, methods] of Object.entries(spec.paths)) {
          const path = route.replace(/\{[^}]+\}/g, "x")
          for (const method of Object.keys(methods)) {
            const upper = method.toUpperCase()
            if (publicRoutes.has(`${upper} ${route}`)) continue
            if (upper !== "GET" && upper !== "POST" && upper !== "PATCH" && upper !== "DELETE") continue
            for (const token of [null, "", "wrong-token"]) {
              const response = yield* raw(upper, path, upper === "GET" || upper === "DELETE" ? undefined : "{}", token)
              assert.strictEqual(response.status, 401, `${upper} ${route} with token ${JSON.stringify(token)}`)
              assert.include(response.text, '"_tag":"Unauthorized"')
            }
            checked++
          }
        }
        assert.isAtLeast(checked, 18)
      })
    )

    it.effect("the OpenAPI document validates and Swagger UI is served without external assets", () =>
      Effect.gen(function* () {
        const doc = yield* raw("GET", "/api/openapi.json")
        const SwaggerParser = (yield* Effect.promise(() => import("@apidevtools/swagger-parser"))).default
        yield* Effect.promise(() => SwaggerParser.validate(JSON.parse(doc.text)))
        const docs = yield* raw("GET", "/api/docs")
        assert.strictEqual(docs.status, 200)
        assert.include(docs.text, "swagger")
        assert.notMatch(docs.text, /<script[^>]+src="https?:/)
        assert.notMatch(docs.text, /<link[^>]+href="https?:/)
      })
    )
  })
})
