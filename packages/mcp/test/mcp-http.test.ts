import { HttpServer } from "@effect/platform"
import { assert, describe, layer } from "@effect/vitest"
import { FixtureApi, sqliteConfig, TEST_TOKEN, tempDir, testServerLayer } from "@executor/testing"
import { Client } from "@modelcontextprotocol/sdk/client/index.js"
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js"
import { type CallToolResult, ElicitRequestSchema } from "@modelcontextprotocol/sdk/types.js"
import { HttpApiClient, HttpClient, HttpClientRequest } from "@effect/platform"
import { CoreApi } from "@executor/api"
import { Effect, Layer } from "effect"
import { mcpRouteLayer } from "../src/index"

const server = Layer.unwrapScoped(
  Effect.map(tempDir, (dir) => testServerLayer({ database: sqliteConfig(dir), routes: [mcpRouteLayer("/mcp")] }))
)

const api = HttpApiClient.make(CoreApi.add(FixtureApi), {
  transformClient: HttpClient.mapRequest(HttpClientRequest.bearerToken(TEST_TOKEN))
})

const mcpUrl = Effect.map(HttpServer.HttpServer, (s) => {
  const address = s.address
  if (address._tag !== "TcpAddress") throw new Error("expected a TCP address")
  return new URL(`http://127.0.0.1:${address.port}/mcp`)
})

/** A connected SDK client (a new MCP session), closed with the scope. */
const connect = (options: { query?: string; elicit?: (message: string) => { action: "accept" | "decline" | "cancel"; content?: Record<string, unknown> } } = {}) =>
  Effect.gen(function* () {
    const url = yield* mcpUrl
    if (options.query) url.search = options.query
    const client = new Client({ name: "test", version: "1.0.0" }, { capabilities: options.elicit ? { elicitation: {} } : {} })
    if (options.elicit) {
      const answer = options.elicit
      client.setRequestHandler(ElicitRequestSchema, async (request) => answer(String(request.params.message)))
    }
    const transport = new StreamableHTTPClientTransport(url, { requestInit: { headers: { authorization: `Bearer ${TEST_TOKEN}` } } })
    yield* Effect.acquireRelease(
      Effect.promise(() => client.connect(transport)),
      () => Effect.promise(() => client.close())
    )
    return client
  })

const call = (client: Client, name: string, args: Record<string, unknown>) =>
  Effect.promise(async () => (await client.callTool({ name, arguments: args })) as CallToolResult)

const textOf = (result: CallToolResult) => result.content.map((c) => (c.type === "text" ? c.text : "")).join("")

const registerShop = Effect.gen(function* () {
  const client = yield* api
  if ((yield* client.integrations.list()).some((i) => i.slug === "shop")) return
  yield* client.fixture.register({
    payload: {
      slug: "shop",
      name: "Shop",
      tools: [
        { name: "orders.list", description: "List orders" },
        { name: "orders.cancel", description: "Cancel an order", write: true }
      ]
    }
  })
  yield* client.connections.create({ payload: { owner: "org", integration: "shop", name: "prod", template: "token", value: "t" } })
})

describe("MCP over streamable HTTP", () => {
  layer(server, { timeout: 60_000 })((it) => {
    it.scoped("lists the three tools, runs code, reads skills; execute's description names what is connected", () =>
      Effect.gen(function* () {
        yield* registerShop
        const client = yield* connect()
        const { tools } = yield* Effect.promise(() => client.listTools())
        assert.deepStrictEqual(tools.map((t) => t.name).sort(), ["execute", "resume", "skills"])
        const execute = tools.find((t) => t.name === "execute")
        assert.include(execute?.description ?? "", 'skills({name: "execute"})')
        assert.include(execute?.description ?? "", "shop (Shop; org.prod)")
        assert.isBelow((execute?.description ?? "").length, 2_000)

        const done = yield* call(client, "execute", { code: "return 1 + 1" })
        assert.strictEqual(textOf(done), "2")
        assert.isNotTrue(done.isError)
        assert.deepInclude(done.structuredContent as object, { status: "completed", result: 2 })

        const viaTool = yield* call(client, "execute", { code: "return (await tools.shop.org.prod.orders.list({ message: 'm' })).data" })
        assert.deepInclude(viaTool.structuredContent as object, { result: { tool: "orders.list", echo: { message: "m" } } })

        const list = yield* call(client, "skills", {})
        assert.include(textOf(list), "- execute:")
        const guide = yield* call(client, "skills", { name: "execute" })
        for (const phrase of ["tools.search", "tools.describe.tool", "ToolResult", "resume({executionId", "No fetch", "no timers"]) {
          assert.include(textOf(guide), phrase)
        }
      })
    )

    it.scoped("a paused execution is resumed from another session; bad input is an isError result and the server stays up", () =>
      Effect.gen(function* () {
        yield* registerShop
        const first = yield* connect()
        const paused = yield* call(first, "execute", { code: "const r = await tools.shop.org.prod.orders.cancel({ message: 'x' }); return r.data.echo" })
        const structured = paused.structuredContent as { executionId: string; status: string }
        assert.strictEqual(structured.status, "paused")
        assert.include(textOf(paused), `resume({executionId: "${structured.executionId}"`)
        assert.isNotTrue(paused.isError)

        const second = yield* connect()
        const resumed = yield* call(second, "resume", { executionId: structured.executionId, action: "accept" })
        assert.deepInclude(resumed.structuredContent as object, { status: "completed", result: { message: "x" } })

        const empty = yield* call(second, "execute", { code: "" })
        assert.isTrue(empty.isError)
        assert.include(textOf(empty), "code must not be empty")
        const unknown = yield* call(second, "resume", { executionId: "exe_nope", action: "accept" })
        assert.isTrue(unknown.isError)
        assert.include(textOf(unknown), "exe_nope")
        const badAction = yield* call(second, "resume", { executionId: structured.executionId, action: "maybe" })
        assert.isTrue(badAction.isError)
        assert.include(textOf(badAction), "action")
        const again = yield* call(second, "resume", { executionId: structured.executionId, action: "decline" })
        assert.isTrue(again.isError)
        assert.include(textOf(again), "not paused")
        const noSkill = yield* call(second, "skills", { name: "nope" })
        assert.isTrue(noSkill.isError)
        assert.strictEqual(textOf(yield* call(second, "execute", { code: "return 'still up'" })), "still up")
      })
    )

    it.scoped("with ?elicitation=native an approval is asked inline: accept runs the call, decline throws in the sandbox", () =>
      Effect.gen(function* () {
        yield* registerShop
        const asked: Array<string> = []
        const accepting = yield* connect({
          query: "elicitation=native",
          elicit: (message) => {
            asked.push(message)
            return { action: "accept", content: { approve: true } }
          }
        })
        const accepted = yield* call(accepting, "execute", { code: "return (await tools.shop.org.prod.orders.cancel({ message: 'y' })).data.echo" })
        assert.deepInclude(accepted.structuredContent as object, { status: "completed", result: { message: "y" } })
        assert.strictEqual(asked.length, 1)
        assert.include(asked[0], "tools.shop.org.prod.orders.cancel")

        const declining = yield* connect({ query: "elicitation=native", elicit: () => ({ action: "decline" }) })
        const declined = yield* call(declining, "execute", {
          code: "try { await tools.shop.org.prod.orders.cancel({ message: 'z' }); return 'ran' } catch (e) { return e.name }"
        })
        assert.deepInclude(declined.structuredContent as object, { status: "completed", result: "ToolCallDeclined" })

        // Dismissing the question leaves the execution paused, for a later resume.
        const dismissing = yield* connect({ query: "elicitation=native", elicit: () => ({ action: "cancel" }) })
        const dismissed = yield* call(dismissing, "execute", { code: "return (await tools.shop.org.prod.orders.cancel({ message: 'd' })).data" })
        assert.deepInclude(dismissed.structuredContent as object, { status: "paused" })

        // Without the query parameter the same client gets a paused result instead.
        const plain = yield* connect({ elicit: () => ({ action: "accept" }) })
        const paused = yield* call(plain, "execute", { code: "return (await tools.shop.org.prod.orders.cancel({ message: 'w' })).data" })
        assert.deepInclude(paused.structuredContent as object, { status: "paused" })
      })
    )

    it.scoped("native elicitation is asked on the tool call's own stream: a client with no GET stream still gets it", () =>
      Effect.gen(function* () {
        yield* registerShop
        const url = yield* mcpUrl
        url.search = "elicitation=native"
        const headers: Record<string, string> = {
          authorization: `Bearer ${TEST_TOKEN}`,
          "content-type": "application/json",
          accept: "application/json, text/event-stream"
        }
        const post = (body: unknown) => Effect.promise(() => fetch(url, { method: "POST", headers, body: JSON.stringify(body) }))
        const postAndRead = (body: unknown) => Effect.flatMap(post(body), (r) => Effect.promise(() => r.text()))
        const init = yield* post({
          jsonrpc: "2.0",
          id: 1,
          method: "initialize",
          params: { protocolVersion: "2025-06-18", capabilities: { elicitation: {} }, clientInfo: { name: "raw", version: "1" } }
        })
        yield* Effect.promise(() => init.text())
        headers["mcp-session-id"] = init.headers.get("mcp-session-id") ?? ""
        headers["mcp-protocol-version"] = "2025-06-18"
        yield* postAndRead({ jsonrpc: "2.0", method: "notifications/initialized" })
        const response = yield* post({
          jsonrpc: "2.0",
          id: 2,
          method: "tools/call",
          params: { name: "execute", arguments: { code: "return (await tools.shop.org.prod.orders.cancel({ message: 'raw' })).data.echo" } }
        })
        assert.include(response.headers.get("content-type") ?? "", "text/event-stream")
        const reader = response.body!.getReader()
        const decoder = new TextDecoder()
        let buffer = ""
        const nextMessage = Effect.promise(async () => {
          for (;;) {
            const frame = /^data: (.+)$/m.exec(buffer)
            if (frame) {
              buffer = buffer.slice(buffer.indexOf(frame[0]) + frame[0].length)
              return JSON.parse(frame[1] ?? "null") as { id?: number | string; method?: string; result?: { structuredContent?: unknown } }
            }
            const { value, done } = await reader.read()
            if (done) throw new Error("stream ended")
            buffer += decoder.decode(value)
          }
        })
        const asked = yield* nextMessage.pipe(Effect.timeout("10 seconds"))
        assert.strictEqual(asked.method, "elicitation/create")
        yield* postAndRead({ jsonrpc: "2.0", id: asked.id, result: { action: "accept", content: { approve: true } } })
        const done = yield* nextMessage.pipe(Effect.timeout("10 seconds"))
        assert.deepInclude(done.result?.structuredContent as object, { status: "completed", result: { message: "raw" } })
        yield* Effect.promise(() => reader.cancel())
      })
    )

    it.scoped("without the token: 401 with WWW-Authenticate; an unknown session is a 404", () =>
      Effect.gen(function* () {
        const url = yield* mcpUrl
        const initialize = { jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "t", version: "1" } } }
        const headers = { "content-type": "application/json", accept: "application/json, text/event-stream" }
        const denied = yield* Effect.promise(() => fetch(url, { method: "POST", headers, body: JSON.stringify(initialize) }))
        assert.strictEqual(denied.status, 401)
        assert.match(denied.headers.get("www-authenticate") ?? "", /^Bearer /)
        const wrong = yield* Effect.promise(() => fetch(url, { method: "POST", headers: { ...headers, authorization: "Bearer nope" }, body: JSON.stringify(initialize) }))
        assert.strictEqual(wrong.status, 401)
        const stale = yield* Effect.promise(() =>
          fetch(url, {
            method: "POST",
            headers: { ...headers, authorization: `Bearer ${TEST_TOKEN}`, "mcp-session-id": "gone" },
            body: JSON.stringify({ jsonrpc: "2.0", id: 2, method: "tools/list" })
          })
        )
        assert.strictEqual(stale.status, 404)
        assert.include(((yield* Effect.promise(() => stale.json())) as { error: { message: string } }).error.message, "initialize")
      })
    )
  })
})
