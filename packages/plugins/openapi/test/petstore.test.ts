import * as http from "node:http"
import * as net from "node:net"
import { assert, describe, layer } from "@effect/vitest"
import { type PetStoreUpstream, petStoreDocument, startPetStore } from "@executor/testing"
import { Effect } from "effect"
import { client, openApiServer, raw, resultOf, run } from "./support"

/** A loopback port nothing listens on. */
const freePort = () =>
  new Promise<number>((resolve) => {
    const server = net.createServer()
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })

/** A server that records the headers of each request it gets. */
const startRecorder = () =>
  new Promise<{ url: string; seen: Array<http.IncomingHttpHeaders>; close: () => Promise<void> }>((resolve) => {
    const seen: Array<http.IncomingHttpHeaders> = []
    const server = http.createServer((req, res) => {
      seen.push(req.headers)
      res.writeHead(200, { "content-type": "application/json" })
      res.end(JSON.stringify({ landed: true }))
    })
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo
      resolve({ url: `http://127.0.0.1:${port}`, seen, close: () => new Promise((done) => server.close(() => done())) })
    })
  })

type Result = { ok: boolean; data?: unknown; error?: { code: string; message: string; status?: number }; http?: { status: number } }

const withPetStore = <A, E, R>(body: (store: PetStoreUpstream) => Effect.Effect<A, E, R>) =>
  Effect.acquireUseRelease(
    Effect.promise(() => startPetStore()),
    body,
    (store) => Effect.promise(() => store.close())
  )

const call = (address: string, args: unknown) =>
  Effect.map(run(`return await tools.${address}(${JSON.stringify(args)})`, { autoApprove: true }), (r) => resultOf(r) as Result)

describe("OpenAPI plugin over HTTP", () => {
  layer(openApiServer, { timeout: 120_000 })((it) => {
    it.scoped("registers a YAML description from a URL; the config never shows sealed values; calls reach the upstream", () =>
      withPetStore((store) =>
        Effect.gen(function* () {
          const api = yield* client
          const preview = yield* api.openapi.preview({ payload: { spec: { kind: "url", url: `${store.url}/openapi.yaml` } } })
          assert.strictEqual(preview.title, "Pet Store")
          assert.strictEqual(preview.operationCount, 9)
          assert.deepStrictEqual(preview.authMethods.map((m) => m.template), ["apiKey", "none"])
          assert.deepStrictEqual([...preview.tags].sort(), ["pets", "photos"])
          assert.strictEqual((yield* api.integrations.list()).length, 1, "a preview stores nothing")

          const added = yield* api.openapi.addSpec({
            payload: {
              spec: { kind: "url", url: `${store.url}/openapi.yaml` },
              slug: "pets",
              headers: { "X-Extra": "extra-secret-value" }
            }
          })
          assert.deepStrictEqual(added, { slug: "pets", toolCount: 9 })
          const config = yield* api.openapi.config({ path: { slug: "pets" } })
          assert.deepStrictEqual(config.headers, ["X-Extra"])
          assert.notInclude(JSON.stringify(config), "extra-secret-value")
          const detail = yield* api.openapi.get({ path: { slug: "pets" } })
          assert.strictEqual(detail.baseUrl, `${store.url}/v1`, "server variables take their defaults")
          assert.deepStrictEqual(
            detail.operations.map((o) => o.name).sort(),
            ["fail.fail", "pets.addNote", "pets.createPet", "pets.listPhotos", "photos.downloadPhoto", "photos.uploadPhoto", "ping.ping", "redirect.redirect", "slow.slow"]
          )

          yield* api.connections.create({ payload: { owner: "org", integration: "pets", name: "main", template: "apiKey", value: store.apiKey } })
          yield* api.connections.create({ payload: { owner: "org", integration: "pets", name: "wrong", template: "apiKey", value: "not-the-key" } })

          const listed = yield* call("pets.org.main.pets.listPhotos", { petId: "rex/1 2", tags: ["a", "b c"], limit: 3, "X-Trace": "t-1" })
          assert.isTrue(listed.ok)
          assert.deepStrictEqual(listed.data, { petId: "rex/1 2", tags: ["a", "b c"], limit: "3", trace: "t-1", query: "?tags=a&tags=b%20c&limit=3" })
          assert.strictEqual(listed.http?.status, 200)
          const last = store.requests.at(-1)
          assert.strictEqual(last?.path, "/v1/pets/rex%2F1%202/photos?tags=a&tags=b%20c&limit=3")
          assert.match(last?.userAgent ?? "", /^executor\/\d+\.\d+\.\d+/)

          const rejected = yield* call("pets.org.wrong.pets.listPhotos", { petId: "rex" })
          assert.strictEqual(rejected.error?.code, "connection_rejected")
          assert.strictEqual(rejected.error?.status, 401)
          assert.notInclude(rejected.error?.message ?? "", "not-the-key")

          const failed = yield* call("pets.org.main.fail.fail", {})
          assert.strictEqual(failed.error?.code, "upstream_http_error")
          assert.strictEqual(failed.error?.status, 500)
          assert.include(failed.error?.message ?? "", "[redacted]")
          assert.notInclude(failed.error?.message ?? "", store.apiKey, "the key the upstream echoed is redacted")

          const pinged = yield* call("pets.org.wrong.ping.ping", {})
          assert.deepStrictEqual([pinged.ok, pinged.data], [true, "pong"], "security: [] sends no key")

          // Redirects: same origin keeps the key; another origin never sees it.
          const landing = yield* Effect.acquireRelease(Effect.promise(() => startRecorder()), (r) => Effect.promise(() => r.close()))
          const within = yield* call("pets.org.main.redirect.redirect", { to: `${store.url}/v1/pets/rex/photos?tags=z` })
          assert.deepInclude(within.data as object, { petId: "rex", tags: ["z"] })
          const away = yield* call("pets.org.main.redirect.redirect", { to: `${landing.url}/landing` })
          assert.isTrue(away.ok)
          assert.strictEqual(landing.seen.length, 1)
          assert.isUndefined(landing.seen[0]?.["x-api-key"], "the API key stays with its origin")
          assert.isUndefined(landing.seen[0]?.["x-extra"], "so do the registration's sealed headers")

          const unknownArg = yield* call("pets.org.main.pets.listPhotos", { petId: "rex", color: "red" })
          assert.strictEqual(unknownArg.error?.code, "invalid_arguments")
          assert.include(unknownArg.error?.message ?? "", '"color"')
          const missingArg = yield* call("pets.org.main.pets.listPhotos", {})
          assert.strictEqual(missingArg.error?.code, "invalid_arguments")
          assert.include(missingArg.error?.message ?? "", "petId")
        })
      )
    )

    it.effect("a timeout is its own error; describe shows the signature with circular definitions; writes need approval", () =>
      withPetStore((store) =>
        Effect.gen(function* () {
          const api = yield* client
          yield* api.openapi.addSpec({
            payload: { spec: { kind: "blob", value: petStoreDocument(store.url) }, slug: "quick", timeoutMs: 200 }
          })
          yield* api.connections.create({ payload: { owner: "user", integration: "quick", name: "me", template: "apiKey", value: store.apiKey } })
          const started = Date.now()
          const slow = yield* call("quick.user.me.slow.slow", { ms: 3_000 })
          assert.strictEqual(slow.error?.code, "upstream_timeout")
          assert.isBelow(Date.now() - started, 2_500)

          const described = yield* run(`return await tools.describe.tool({ path: "quick.user.me.pets.createPet" })`)
          const d = resultOf(described) as { signature: string; definitions: Record<string, string> }
          assert.include(d.signature, "body: NewPet")
          assert.include(d.signature, "ToolResult<Pet>")
          assert.include(d.definitions.Pet ?? "", "parent?: Pet")
          assert.include(d.definitions.NewPet ?? "", "/** The pet's name */")

          const paused = yield* run(`return await tools.quick.user.me.pets.createPet({ body: { name: "Rex" } })`)
          assert.strictEqual(paused.status, "paused")
          assert.strictEqual(store.created.length, 0)

          const get = yield* run(`return (await tools.quick.user.me.pets.listPhotos({ petId: "a" })).ok`)
          assert.strictEqual(resultOf(get), true, "reads run without approval")
        })
      )
    )

    it.effect("re-importing reports added and removed tools and refreshes connections; delete removes everything", () =>
      withPetStore((store) =>
        Effect.gen(function* () {
          const api = yield* client
          yield* api.openapi.addSpec({ payload: { spec: { kind: "url", url: `${store.url}/openapi.yaml` }, slug: "again" } })
          yield* api.connections.create({ payload: { owner: "org", integration: "again", name: "c", template: "none" } })
          const same = yield* api.openapi.updateSpec({ path: { slug: "again" }, payload: {} })
          assert.deepStrictEqual(same, { toolCount: 9, addedTools: [], removedTools: [] }, "names are stable across re-imports")
          const smaller = petStoreDocument(store.url).replace(/ {2}\/slow:[\s\S]*?(?= {2}\/fail:)/, "  /slower:\n    get:\n      operationId: slower\n      responses:\n        '200': { description: OK }\n")
          const changed = yield* api.openapi.updateSpec({ path: { slug: "again" }, payload: { spec: { kind: "blob", value: smaller } } })
          assert.deepStrictEqual(changed, { toolCount: 9, addedTools: ["slower.slower"], removedTools: ["slow.slow"] })
          const tools = yield* api.tools.list({ urlParams: { integration: "again" } })
          assert.isTrue(tools.some((t) => t.name === "slower.slower"))
          assert.isFalse(tools.some((t) => t.name === "slow.slow"))
          // A new description without the connection's auth template: the re-import says so, and calls say what to do.
          yield* api.connections.create({ payload: { owner: "org", integration: "again", name: "keyed", template: "apiKey", value: store.apiKey } })
          const rekeyed = petStoreDocument(store.url).replace("    apiKey:\n      type: apiKey\n      in: header\n      name: X-API-Key\n", "    token:\n      type: http\n      scheme: bearer\n")
          const warned = yield* api.openapi.updateSpec({ path: { slug: "again" }, payload: { spec: { kind: "blob", value: rekeyed } } })
          assert.deepStrictEqual(warned.warnings, ['Connection org.keyed uses the auth template "apiKey", which the new description does not have: recreate it'])
          const orphaned = yield* call("again.org.keyed.pets.listPhotos", { petId: "a" })
          assert.strictEqual(orphaned.error?.code, "connection_unavailable")
          assert.include(orphaned.error?.message ?? "", "token")

          yield* api.openapi.remove({ path: { slug: "again" } })
          const gone = yield* raw("GET", "/api/openapi/integrations/again")
          assert.strictEqual(gone.status, 404)
          assert.strictEqual(gone.json._tag, "IntegrationNotFoundError")
          assert.strictEqual((yield* api.tools.list({ urlParams: { integration: "again" } })).length, 0)
        })
      )
    )

    it.effect("detect recognises a URL that serves an OpenAPI document; baseUrl overrides the servers", () =>
      withPetStore((store) =>
        Effect.gen(function* () {
          const api = yield* client
          const found = yield* api.integrations.detect({ payload: { url: `${store.url}/openapi.yaml` } })
          assert.deepStrictEqual(found, [{ kind: "openapi", confidence: "high", endpoint: `${store.url}/openapi.yaml`, name: "Pet Store", slug: "pet-store" }])
          assert.deepStrictEqual(yield* api.integrations.detect({ payload: { url: `${store.url}/v1/ping` } }), [])

          const elsewhere = petStoreDocument("http://127.0.0.1:9")
          yield* api.openapi.addSpec({ payload: { slug: "moved", spec: { kind: "blob", value: elsewhere }, baseUrl: `${store.url}/v1` } })
          yield* api.connections.create({ payload: { owner: "org", integration: "moved", name: "m", template: "apiKey", value: store.apiKey } })
          const pinged = yield* call("moved.org.m.pets.listPhotos", { petId: "p" })
          assert.isTrue(pinged.ok, JSON.stringify(pinged))
          assert.strictEqual((yield* api.openapi.get({ path: { slug: "moved" } })).baseUrl, `${store.url}/v1`)
        })
      )
    )

    it.effect("a 65 MiB description is accepted, past the API's general 1 MiB body limit", () =>
      Effect.gen(function* () {
        const padding = "x".repeat(65 * 1024 * 1024)
        const doc = JSON.stringify({ openapi: "3.0.3", info: { title: "Big", version: "1", "x-padding": padding }, paths: { "/a": { get: { responses: { "200": { description: "ok" } } } } } })
        const added = yield* raw("POST", "/api/openapi/specs", { slug: "big", spec: { kind: "blob", value: doc } })
        assert.deepStrictEqual([added.status, added.json], [201, { slug: "big", toolCount: 1 }])
        const malformed = yield* raw("POST", "/api/openapi/specs", `{"slug": "big2", "spec": {"kind": "blob", "value": "${"y".repeat(2 * 1024 * 1024)}"`)
        assert.strictEqual(malformed.status, 400, "a large malformed body is still a 400")
        assert.isString(malformed.json._tag)
        const elsewhere = yield* raw("POST", "/api/policies", { pattern: "tools.*", action: "approve", owner: "org", padding: "x".repeat(2 * 1024 * 1024) })
        assert.strictEqual(elsewhere.status, 413, "other routes keep the general limit")
      })
    )

    it.effect("bad input is a tagged 4xx that says what is wrong, and the server stays healthy", () =>
      Effect.gen(function* () {
        const api = yield* client
        const notOpenApi = yield* raw("POST", "/api/openapi/specs", { slug: "x", spec: { kind: "blob", value: '{"hello": "world"}' } })
        assert.strictEqual(notOpenApi.status, 400)
        assert.strictEqual(notOpenApi.json._tag, "InvalidOpenApiSpecError")
        assert.include(notOpenApi.json.message, "not an OpenAPI description")

        const brokenYaml = yield* raw("POST", "/api/openapi/specs", { slug: "x", spec: { kind: "blob", value: "openapi: 3.0.0\npaths:\n  /a: [unclosed\n  b: {" } })
        assert.strictEqual(brokenYaml.status, 400)
        assert.strictEqual(brokenYaml.json._tag, "InvalidOpenApiSpecError")
        assert.include(brokenYaml.json.message, "YAML")

        const cyclic = yield* raw("POST", "/api/openapi/preview", { spec: { kind: "blob", value: "swagger: '2.0'\ninfo: &a\n  title: T\n  self: *a\npaths: {}\n" } })
        assert.strictEqual(cyclic.status, 400)
        assert.include(cyclic.json.message, "cycle")

        const oldVersion = yield* raw("POST", "/api/openapi/preview", { spec: { kind: "blob", value: { openapi: "4.0.0", paths: {} } } })
        assert.strictEqual(oldVersion.status, 400)
        assert.include(oldVersion.json.message, "4.0.0")

        const closedPort = yield* Effect.promise(() => freePort())
        const unreachable = yield* raw("POST", "/api/openapi/specs", { slug: "x", spec: { kind: "url", url: `http://127.0.0.1:${closedPort}/openapi.json` } })
        assert.strictEqual(unreachable.status, 400)
        assert.strictEqual(unreachable.json._tag, "OpenApiSpecFetchError")
        assert.include(unreachable.json.message, "ECONNREFUSED")

        const notUrl = yield* raw("POST", "/api/openapi/specs", { slug: "x", spec: { kind: "url", url: "file:///etc/passwd" } })
        assert.strictEqual(notUrl.status, 400)

        const doc = { openapi: "3.1.0", info: { title: "T", version: "1" }, paths: { "/a": { get: { responses: { "200": { description: "ok" } } } } } }
        yield* api.openapi.addSpec({ payload: { slug: "dup", spec: { kind: "blob", value: doc } } })
        const duplicate = yield* raw("POST", "/api/openapi/specs", { slug: "dup", spec: { kind: "blob", value: doc } })
        assert.strictEqual(duplicate.status, 409)
        assert.strictEqual(duplicate.json._tag, "IntegrationAlreadyExistsError")

        const badSlug = yield* raw("POST", "/api/openapi/specs", { slug: "no dots.here", spec: { kind: "blob", value: doc } })
        assert.strictEqual(badSlug.status, 400)

        const unknown = yield* raw("POST", "/api/openapi/integrations/nope/spec", {})
        assert.strictEqual(unknown.status, 404)
        const blobRefetch = yield* raw("POST", "/api/openapi/integrations/dup/spec", {})
        assert.strictEqual(blobRefetch.status, 400)
        assert.include(blobRefetch.json.message, "registered from a document")

        const health = yield* raw("GET", "/api/health")
        assert.strictEqual(health.status, 200)
      })
    )

    it.effect("Swagger 2.0 is converted: body and form parameters, collection formats, security definitions", () =>
      Effect.gen(function* () {
        const api = yield* client
        const swagger = {
          swagger: "2.0",
          info: { title: "Legacy", version: "2" },
          host: "legacy.example.com",
          basePath: "/api",
          schemes: ["https"],
          securityDefinitions: { basicAuth: { type: "basic" } },
          definitions: { Item: { type: "object", properties: { name: { type: "string" }, child: { $ref: "#/definitions/Item" } } } },
          paths: {
            "/items": {
              get: { operationId: "listItems", tags: ["items"], parameters: [{ name: "ids", in: "query", type: "array", items: { type: "integer" }, collectionFormat: "multi" }], responses: { "200": { description: "ok", schema: { type: "array", items: { $ref: "#/definitions/Item" } } } } },
              post: { operationId: "createItem", tags: ["items"], parameters: [{ name: "item", in: "body", required: true, schema: { $ref: "#/definitions/Item" } }], responses: { "201": { description: "ok" } } }
            },
            "/items/{id}/upload": {
              post: { operationId: "upload", tags: ["items"], consumes: ["multipart/form-data"], parameters: [{ name: "id", in: "path", required: true, type: "string" }, { name: "file", in: "formData", type: "file" }], responses: { "200": { description: "ok" } } }
            }
          }
        }
        const preview = yield* api.openapi.preview({ payload: { spec: { kind: "blob", value: swagger } } })
        assert.strictEqual(preview.openapi, "2.0")
        assert.deepStrictEqual(preview.servers.map((s) => s.url), ["https://legacy.example.com/api"])
        assert.deepStrictEqual(preview.authMethods.map((m) => [m.template, m.inputs]), [["basicAuth", ["username", "password"]], ["none", []]])
        yield* api.openapi.addSpec({ payload: { slug: "legacy", spec: { kind: "blob", value: swagger } } })
        yield* api.connections.create({ payload: { owner: "org", integration: "legacy", name: "l", template: "basicAuth", values: { username: "u", password: "p" } } })
        const described = yield* run(`return await tools.describe.tool({ path: "legacy.org.l.items.createItem" })`)
        const d = resultOf(described) as { signature: string; definitions: Record<string, string> }
        assert.include(d.signature, "body: Item")
        assert.include(d.definitions.Item ?? "", "child?: Item")
        const upload = yield* run(`return await tools.describe.tool({ path: "legacy.org.l.items.upload" })`)
        assert.include((resultOf(upload) as { signature: string }).signature, "base64: string")
      })
    )
  })
})
