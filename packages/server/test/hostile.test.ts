import { HttpApiClient, HttpClient, HttpClientRequest } from "@effect/platform"
import { assert, describe, layer } from "@effect/vitest"
import { CoreApi } from "@executor/api"
import { sqliteConfig, TEST_TOKEN, tempDir, testServerLayer } from "@executor/testing"
import { Effect, Fiber, Layer } from "effect"

const client = HttpApiClient.make(CoreApi, {
  transformClient: HttpClient.mapRequest(HttpClientRequest.bearerToken(TEST_TOKEN))
})

/** Programs that try to hang, exhaust or escape the sandbox, and what each must end with. */
const CORPUS: ReadonlyArray<readonly [string, string, RegExp, number?]> = [
  ["infinite loop", "while (true) {}", /ran out of time/],
  ["infinite loop after an await", "await tools.search({ query: 'x' }); for (;;) {}", /ran out of time/],
  ["array memory bomb", "const a = []; while (true) a.push(new Array(100000).fill(1))", /ran out of memory/, 60_000],
  ["string memory bomb", "let s = 'x'; while (true) s += s", /ran out of memory/],
  ["deep recursion", "function f(n) { return f(n + 1) + 1 } return f(0)", /call stack/],
  ["10 MB of console output", "for (let i = 0; i < 10000; i++) console.log('x'.repeat(1000))", /Console output exceeded/],
  ["100,000 tool calls", "for (let i = 0; i < 100000; i++) await tools.executor.org.core.providers.list({})", /more than 10000 tool calls/, 60_000],
  ["a promise that never settles", "await new Promise(() => {})", /never settle/],
  ["throwing a number", "throw 42", /Uncaught 42/],
  ["throwing an object", "throw { reason: 'nope' }", /Uncaught \{"reason":"nope"\}/],
  ["throwing null", "throw null", /Uncaught null/],
  ["reaching for process", "return process.env", /'process' is not defined/],
  ["reaching for require", "return require('fs')", /'require' is not defined/],
  ["reaching for fetch", "return await fetch('http://127.0.0.1/')", /'fetch' is not defined/],
  ["constructor chain to the host", "return (() => {}).constructor('return process')().env", /'process' is not defined/],
  ["timers", "setTimeout(() => {}, 1)", /'setTimeout' is not defined/]
]

const server = Layer.unwrapScoped(
  Effect.map(tempDir, (dir) => testServerLayer({ database: sqliteConfig(dir), executions: { maxConcurrent: 2 } }))
)

const now = () => performance.now()

describe("hostile programs", () => {
  layer(server, { timeout: 180_000 })((it) => {
    it.effect("each ends in a clear error while /api/health keeps answering within 50 ms", () =>
      Effect.gen(function* () {
        const api = yield* client
        const http = yield* HttpClient.HttpClient
        const health = Effect.gen(function* () {
          const start = now()
          const response = yield* http.execute(HttpClientRequest.get("/api/health"))
          assert.strictEqual(response.status, 200)
          return now() - start
        })
        yield* health
        for (const [name, code, expected, timeoutMs = 2_000] of CORPUS) {
          const run = yield* Effect.fork(api.executions.execute({ payload: { code, timeoutMs } }))
          const latencies: Array<number> = []
          while (!(yield* Fiber.poll(run))._tag.startsWith("Some")) {
            latencies.push(yield* health)
            yield* Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 10)))
          }
          const response = yield* Fiber.join(run)
          assert.isTrue(response.status === "completed" && response.isError, `${name}: ${response.text}`)
          assert.match(response.text, expected, name)
          assert.notMatch(response.text, /\/work\/|node_modules|file:\/\//, `${name} leaks a host path`)
          const worst = Math.max(0, ...latencies)
          assert.isBelow(worst, 50, `${name}: /api/health took ${worst.toFixed(1)} ms`)
          console.log(`${name}: ${latencies.length} health checks, worst ${worst.toFixed(1)} ms`)
        }
        const after = yield* api.executions.execute({ payload: { code: "return 'still fine'" } })
        assert.strictEqual(after.text, "still fine")
      })
    )
  })
})
