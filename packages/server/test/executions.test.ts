import { HttpApiClient, HttpClient, HttpClientRequest } from "@effect/platform"
import { assert, describe, layer } from "@effect/vitest"
import { CoreApi } from "@executor/api"
import type { ExecutionResponse } from "@executor/core"
import { FixtureApi, sqliteConfig, TEST_TOKEN, tempDir, testServerLayer } from "@executor/testing"
import { Effect, Fiber, Layer, Stream } from "effect"

const Api = CoreApi.add(FixtureApi)

const client = HttpApiClient.make(Api, {
  transformClient: HttpClient.mapRequest(HttpClientRequest.bearerToken(TEST_TOKEN))
})

const raw = (method: "GET" | "POST", path: string, body?: string) =>
  Effect.gen(function* () {
    const http = yield* HttpClient.HttpClient
    let request = HttpClientRequest.bearerToken(HttpClientRequest.make(method)(path), TEST_TOKEN)
    if (body !== undefined) request = HttpClientRequest.bodyText(request, body, "application/json")
    const response = yield* http.execute(request)
    return { status: response.status, json: (yield* response.json) as { _tag?: string; message?: string } }
  })

const structured = (r: ExecutionResponse) => r.structured as { status: string; result: unknown; error: { message: string } | null }

interface SseEvent {
  readonly id: number
  readonly type: string
}

/** Reads SSE frames until `take` events arrived (or the stream ended). */
const readSse = (path: string, headers: Record<string, string>, take: number) =>
  Effect.gen(function* () {
    const http = yield* HttpClient.HttpClient
    const response = yield* http.execute(
      HttpClientRequest.setHeaders(HttpClientRequest.bearerToken(HttpClientRequest.get(path), TEST_TOKEN), headers)
    )
    assert.strictEqual(response.headers["content-type"], "text/event-stream")
    let buffer = ""
    const events: Array<SseEvent> = []
    yield* response.stream.pipe(
      Stream.decodeText(),
      Stream.map((text) => {
        buffer += text
        const frames = buffer.split("\n\n")
        buffer = frames.pop() ?? ""
        for (const frame of frames) {
          const id = /^id: (\d+)$/m.exec(frame)
          const type = /^event: (.+)$/m.exec(frame)
          if (id && type) events.push({ id: Number(id[1]), type: type[1] ?? "" })
        }
        return events.length
      }),
      Stream.takeUntil((n) => n >= take),
      Stream.runDrain
    )
    return events.slice(0, take)
  })

/** A real-time wait (`it.effect` runs on the test clock). */
const pause = (ms: number) => Effect.promise(() => new Promise((resolve) => setTimeout(resolve, ms)))

const server = Layer.unwrapScoped(
  Effect.map(tempDir, (dir) =>
    testServerLayer({ database: sqliteConfig(dir), executions: { maxConcurrent: 2, maxQueued: 1 } })
  )
)

/** Registers the fixture shop once per server; every test may call it. */
const register = Effect.gen(function* () {
  const api = yield* client
  const existing = yield* api.integrations.list()
  if (existing.some((i) => i.slug === "shop")) return
  yield* api.fixture.register({
    payload: {
      slug: "shop",
      name: "Shop",
      tools: [
        { name: "orders.list", description: "List orders" },
        { name: "orders.cancel", description: "Cancel an order", write: true },
        { name: "orders.refund", description: "Refund an order", write: true }
      ]
    }
  })
  yield* api.connections.create({ payload: { owner: "org", integration: "shop", name: "prod", template: "token", value: "t" } })
})

describe("executions", () => {
  layer(server, { timeout: 120_000 })((it) => {
    it.effect("runs code and records it", () =>
      Effect.gen(function* () {
        yield* register
        const api = yield* client
        const done = yield* api.executions.execute({
          payload: { code: "```ts\nconst n: number = 20\nconsole.log('half', n)\nreturn n + 22\n```", labels: { team: "a" } }
        })
        assert.strictEqual(done.status, "completed")
        assert.strictEqual(done.text, "42")
        const record = yield* api.executions.get({ path: { executionId: done.executionId } })
        assert.strictEqual(record.status, "completed")
        assert.strictEqual(record.result, 42)
        assert.deepStrictEqual(record.logs, [{ level: "log", message: "half 20" }])
        assert.deepStrictEqual(record.labels, { team: "a" })

        const called = yield* api.executions.execute({
          payload: { code: "export default async () => (await tools.shop.org.prod.orders.list({ message: 'hi' })).data" }
        })
        assert.deepStrictEqual(structured(called).result, { tool: "orders.list", echo: { message: "hi" } })
        const calledRecord = yield* api.executions.get({ path: { executionId: called.executionId } })
        assert.strictEqual(calledRecord.toolCalls.length, 1)
        assert.strictEqual(calledRecord.toolCalls[0]?.address, "tools.shop.org.prod.orders.list")
        assert.strictEqual(calledRecord.toolCalls[0]?.outcome, "ok")
        assert.isAtLeast(calledRecord.timing.totalMs, calledRecord.timing.toolCallMs)

        const events = yield* api.executions.events({ path: { executionId: called.executionId }, urlParams: {} })
        assert.deepStrictEqual(events.events.map((e) => e.type), ["execution.created", "tool.called", "tool.result", "execution.completed"])
        assert.deepStrictEqual(events.events.map((e) => e.sequence), [1, 2, 3, 4])
        assert.strictEqual(events.latestSequence, 4)

        const failed = yield* api.executions.execute({ payload: { code: "throw new TypeError('nope')" } })
        assert.isTrue(failed.status === "completed" && failed.isError)
        assert.include(failed.text, "TypeError: nope")
        assert.notInclude(failed.text, "/work")

        const page = yield* api.executions.list({ urlParams: { label: "team=a" } })
        assert.deepStrictEqual(page.items.map((i) => i.id), [done.executionId])
        const first = yield* api.executions.list({ urlParams: { limit: 1 } })
        assert.strictEqual(first.items.length, 1)
        assert.isNotNull(first.nextCursor)
        const second = yield* api.executions.list({ urlParams: { limit: 1, cursor: first.nextCursor ?? "" } })
        assert.notStrictEqual(second.items[0]?.id, first.items[0]?.id)
        const failedOnly = yield* api.executions.list({ urlParams: { status: "failed" } })
        assert.deepStrictEqual(failedOnly.items.map((i) => i.id), [failed.executionId])
      })
    )

    it.effect("a call that needs approval pauses; accept runs it, decline throws in the sandbox, repeats answer the same", () =>
      Effect.gen(function* () {
        yield* register
        const api = yield* client
        const code = "const r = await tools.shop.org.prod.orders.cancel({ message: 'x' }); return r.data.echo"
        const paused = yield* api.executions.execute({ payload: { code } })
        assert.strictEqual(paused.status, "paused")
        const interaction = (paused.structured as { interaction: { kind: string; address: string; arguments: unknown } }).interaction
        assert.strictEqual(interaction.kind, "approval")
        assert.strictEqual(interaction.address, "tools.shop.org.prod.orders.cancel")
        assert.deepStrictEqual(interaction.arguments, { message: "x" })
        assert.include(paused.text, paused.executionId)
        const shown = yield* api.executions.get({ path: { executionId: paused.executionId } })
        assert.strictEqual(shown.status, "paused")
        assert.strictEqual(shown.pendingInteraction?.address, "tools.shop.org.prod.orders.cancel")

        const accepted = yield* api.executions.resume({ path: { executionId: paused.executionId }, payload: { action: "accept" } })
        assert.deepStrictEqual(structured(accepted).result, { message: "x" })
        const again = yield* api.executions.resume({ path: { executionId: paused.executionId }, payload: { action: "accept" } })
        assert.deepStrictEqual(again, accepted)
        const conflict = yield* raw("POST", `/api/executions/${paused.executionId}/resume`, JSON.stringify({ action: "decline" }))
        assert.strictEqual(conflict.status, 409)
        assert.strictEqual(conflict.json._tag, "ExecutionNotPaused")

        const other = yield* api.executions.execute({
          payload: { code: "try { await tools.shop.org.prod.orders.cancel({}) } catch (e) { return 'caught: ' + e.message }" }
        })
        const declined = yield* api.executions.resume({ path: { executionId: other.executionId }, payload: { action: "decline" } })
        assert.strictEqual(structured(declined).result, "caught: The call to tools.shop.org.prod.orders.cancel was declined by the user")

        const unknown = yield* raw("POST", "/api/executions/exe_missing/resume", JSON.stringify({ action: "accept" }))
        assert.strictEqual(unknown.status, 404)
        assert.strictEqual(unknown.json._tag, "ExecutionNotFoundError")
      })
    )

    it.effect("two approvals in one program pause twice and each call runs once", () =>
      Effect.gen(function* () {
        yield* register
        const api = yield* client
        const code = [
          "const a = await tools.shop.org.prod.orders.list({ message: 'read' })",
          "const stamp = Date.now() + Math.random()",
          "const b = await tools.shop.org.prod.orders.cancel({ message: 'one' })",
          "const c = await tools.shop.org.prod.orders.refund({ message: 'two' })",
          "return { stamp, same: stamp === stamp, calls: [a.ok, b.ok, c.ok] }"
        ].join("\n")
        const first = yield* api.executions.execute({ payload: { code } })
        assert.strictEqual(first.status, "paused")
        const second = yield* api.executions.resume({ path: { executionId: first.executionId }, payload: { action: "accept" } })
        assert.strictEqual(second.status, "paused")
        assert.strictEqual(
          (second.structured as { interaction: { address: string } }).interaction.address,
          "tools.shop.org.prod.orders.refund"
        )
        const done = yield* api.executions.resume({ path: { executionId: first.executionId }, payload: { action: "accept" } })
        assert.deepStrictEqual((structured(done).result as { calls: unknown }).calls, [true, true, true])
        const record = yield* api.executions.get({ path: { executionId: first.executionId } })
        assert.deepStrictEqual(
          record.toolCalls.map((c) => c.address.split(".").at(-1)),
          ["list", "cancel", "refund"]
        )
      })
    )

    it.effect("Date.now, new Date and Math.random replay the journaled values after a pause", () =>
      Effect.gen(function* () {
        yield* register
        const api = yield* client
        const code = [
          "const seen = [Date.now(), new Date().getTime(), Math.random()].join('|')",
          "await tools.shop.org.prod.orders.cancel({ message: seen })",
          "return [seen, [Date.now(), new Date().getTime(), Math.random()].join('|') === seen]"
        ].join("\n")
        const paused = yield* api.executions.execute({ payload: { code } })
        const shown = (paused.structured as { interaction: { arguments: { message: string } } }).interaction.arguments.message
        const done = yield* api.executions.resume({ path: { executionId: paused.executionId }, payload: { action: "accept" } })
        assert.isFalse(done.status === "completed" && done.isError, done.text)
        const [seen, sameAfter] = structured(done).result as [string, boolean]
        assert.strictEqual(seen, shown)
        assert.isFalse(sameAfter)
      })
    )

    it.effect("policies: block hides a tool and refuses it, require_approval pauses, approve overrides a plugin default", () =>
      Effect.gen(function* () {
        yield* register
        const api = yield* client
        const block = yield* api.policies.create({ payload: { owner: "org", pattern: "shop.org.prod.orders.list", action: "block" } })
        const search = yield* api.executions.execute({
          payload: { code: "return (await tools.search({ query: 'orders' })).items.map((i) => i.path)" }
        })
        assert.notInclude(structured(search).result as Array<string>, "shop.org.prod.orders.list")
        assert.include(structured(search).result as Array<string>, "shop.org.prod.orders.cancel")
        const described = yield* api.executions.execute({
          payload: { code: "return await tools.describe.tool({ path: 'shop.org.prod.orders.list' })" }
        })
        assert.strictEqual((structured(described).result as { found: boolean }).found, false)
        const blocked = yield* api.executions.execute({ payload: { code: "return await tools.shop.org.prod.orders.list({})" } })
        assert.deepStrictEqual((structured(blocked).result as { error: { code: string } }).error.code, "tool_blocked")
        yield* api.policies.remove({ path: { policyId: block.id }, urlParams: { owner: "org" } })

        const gate = yield* api.policies.create({ payload: { owner: "org", pattern: "shop.org.prod.orders.list", action: "require_approval" } })
        const gated = yield* api.executions.execute({ payload: { code: "return await tools.shop.org.prod.orders.list({})" } })
        assert.strictEqual(gated.status, "paused")
        yield* api.executions.cancel({ path: { executionId: gated.executionId } })
        yield* api.policies.remove({ path: { policyId: gate.id }, urlParams: { owner: "org" } })

        const approve = yield* api.policies.create({ payload: { owner: "org", pattern: "shop.org.prod.orders.cancel", action: "approve" } })
        const direct = yield* api.executions.execute({ payload: { code: "return (await tools.shop.org.prod.orders.cancel({})).ok" } })
        assert.strictEqual(direct.status, "completed")
        assert.isTrue(structured(direct).result as boolean)
        yield* api.policies.remove({ path: { policyId: approve.id }, urlParams: { owner: "org" } })

        const signature = yield* api.executions.execute({
          payload: { code: "return (await tools.describe.tool({ path: 'shop.org.prod.orders.list' })).signature" }
        })
        assert.include(structured(signature).result as string, "message?: string")
      })
    )

    it.effect("cancel interrupts running code and a pause; a finished execution answers 409", () =>
      Effect.gen(function* () {
        yield* register
        const api = yield* client
        const spinning = yield* Effect.fork(api.executions.execute({ payload: { code: "while (true) {}", timeoutMs: 60_000 } }))
        let id: string | undefined
        while (!id) {
          yield* pause(20)
          const page = yield* api.executions.list({ urlParams: { status: "running" } })
          id = page.items[0]?.id
        }
        const cancelled = yield* api.executions.cancel({ path: { executionId: id } })
        assert.strictEqual(cancelled.status, "cancelled")
        const response = yield* Fiber.join(spinning)
        assert.strictEqual(structured(response).status, "cancelled")
        const again = yield* raw("POST", `/api/executions/${id}/cancel`)
        assert.strictEqual(again.status, 409)
        assert.strictEqual(again.json._tag, "ExecutionFinishedError")

        const paused = yield* api.executions.execute({ payload: { code: "await tools.shop.org.prod.orders.cancel({})" } })
        const stopped = yield* api.executions.cancel({ path: { executionId: paused.executionId } })
        assert.strictEqual(stopped.status, "cancelled")
      })
    )

    it.effect("beyond the running bound requests wait in a bounded line, then get a 429", () =>
      Effect.gen(function* () {
        yield* register
        const api = yield* client
        const slow = (n: number) => api.executions.execute({ payload: { code: `while (true) {} // ${n}`, timeoutMs: 1_500 } })
        const running = yield* Effect.all([Effect.fork(slow(1)), Effect.fork(slow(2))])
        yield* pause(200)
        const queued = yield* Effect.fork(slow(3))
        yield* pause(100)
        const refused = yield* raw("POST", "/api/executions", JSON.stringify({ code: "return 1" }))
        assert.strictEqual(refused.status, 429)
        assert.strictEqual(refused.json._tag, "ExecutionQueueFullError")
        for (const fiber of [...running, queued]) {
          const response = yield* Fiber.join(fiber)
          assert.include(response.text, "ran out of time")
        }
        const after = yield* api.executions.execute({ payload: { code: "return 1" } })
        assert.strictEqual(after.text, "1")
      })
    )

    it.effect("SSE: a mid-run subscriber gets every later event once, in order; Last-Event-ID resumes without gap", () =>
      Effect.gen(function* () {
        yield* register
        const api = yield* client
        const code = "for (let i = 0; i < 1500; i++) await tools.shop.org.prod.orders.list({ message: String(i) }); return 'done'"
        const run = yield* Effect.fork(api.executions.execute({ payload: { code } }))
        let id: string | undefined
        while (!id) {
          yield* pause(10)
          id = (yield* api.executions.list({ urlParams: { status: "running" } })).items[0]?.id
        }
        const total = 1 + 1500 * 2 + 1
        const midRun = yield* readSse(`/api/executions/${id}/stream?after_sequence=5`, {}, total - 5)
        assert.deepStrictEqual(midRun.map((e) => e.id), Array.from({ length: total - 5 }, (_, i) => i + 6))
        assert.strictEqual(midRun.at(-1)?.type, "execution.completed")
        yield* Fiber.join(run)

        const head = yield* readSse(`/api/executions/${id}/stream`, {}, 100)
        const tail = yield* readSse(`/api/executions/${id}/stream`, { "last-event-id": String(head.at(-1)?.id) }, total)
        assert.deepStrictEqual([...head, ...tail].map((e) => e.id), Array.from({ length: total }, (_, i) => i + 1))
      })
    )

    it.effect("bad input is a tagged 4xx, never a 500", () =>
      Effect.gen(function* () {
        const cases: Array<[string, string, string | undefined]> = [
          ["/api/executions", JSON.stringify({ code: "   " }), undefined],
          ["/api/executions", JSON.stringify({ code: "x".repeat(300 * 1024) }), undefined],
          ["/api/executions", JSON.stringify({ code: "return 1", timeoutMs: -5 }), undefined],
          ["/api/executions", "{not json", undefined],
          ["/api/executions/exe_missing/resume", JSON.stringify({ action: "maybe" }), undefined]
        ]
        for (const [path, body] of cases) {
          const response = yield* raw("POST", path, body)
          assert.isAtLeast(response.status, 400, path)
          assert.isBelow(response.status, 500, path)
          assert.isString(response.json._tag)
        }
        const missing = yield* raw("GET", "/api/executions/exe_missing")
        assert.strictEqual(missing.status, 404)
        const badLabel = yield* raw("GET", "/api/executions?label=nokey")
        assert.strictEqual(badLabel.status, 400)
        const badCursor = yield* raw("GET", "/api/executions?cursor=zzz")
        assert.strictEqual(badCursor.status, 400)
        const events = yield* raw("GET", "/api/executions/exe_missing/events")
        assert.strictEqual(events.status, 404)
        const stream = yield* raw("GET", "/api/executions/exe_missing/stream")
        assert.strictEqual(stream.status, 404)
      })
    )
  })
})
