import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { HttpApiClient, HttpClient, HttpClientRequest, HttpClientResponse } from "@effect/platform"
import { NodeHttpClient } from "@effect/platform-node"
import { CoreApi } from "@executor/api"
import { FixtureApi } from "@executor/testing"
import { Effect } from "effect"
import { afterEach, assert, describe, it } from "vitest"
import { REAL_DAEMON, runDaemonToExit, startDaemon, type RunningDaemon } from "./support/daemon"

const Api = CoreApi.add(FixtureApi)
const SECRET = "sk-e2e-known-secret-4b2f8e1d0c9a"
const ENV_SECRET = "env-provided-secret-77aa11"

const tempDirs: Array<string> = []
const running: Array<RunningDaemon> = []
const makeDataDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "executor-e2e-"))
  tempDirs.push(dir)
  return dir
}

afterEach(async () => {
  await Promise.all(running.splice(0).map((d) => (d.process.exitCode === null ? d.stop("SIGKILL") : undefined)))
  for (const dir of tempDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true })
})

const launch = async (options: Parameters<typeof startDaemon>[0]) => {
  const daemon = await startDaemon(options)
  running.push(daemon)
  return daemon
}

const clientFor = (daemon: RunningDaemon, token: string, bodies: Array<string>) =>
  HttpApiClient.make(Api, {
    baseUrl: daemon.baseUrl,
    transformClient: (client) =>
      client.pipe(
        HttpClient.mapRequest(HttpClientRequest.bearerToken(token)),
        HttpClient.transformResponse((effect) =>
          Effect.flatMap(effect, (response) =>
            Effect.map(response.text, (text) => {
              bodies.push(text)
              // The body was consumed: hand the decoder a response rebuilt from the recorded text.
              return HttpClientResponse.fromWeb(
                response.request,
                new Response(text.length > 0 ? text : null, { status: response.status, headers: response.headers })
              )
            })
          )
        )
      )
  })

const run = <A, E>(effect: Effect.Effect<A, E, HttpClient.HttpClient>) =>
  Effect.runPromise(Effect.provide(effect, NodeHttpClient.layer))

describe("the local daemon process", () => {
  it("serves every core route, survives a restart with everything persisted, and never shows a secret", async () => {
    const dataDir = makeDataDir()
    const env = { EXECUTOR_SECRET_E2E: ENV_SECRET }
    const first = await launch({ dataDir, env })
    const token = fs.readFileSync(path.join(dataDir, "token"), "utf8").trim()
    const bodies: Array<string> = []

    const before = await run(
      Effect.gen(function* () {
        const api = yield* clientFor(first, token, bodies)
        yield* api.fixture.register({
          payload: {
            slug: "crm",
            name: "CRM",
            tools: [
              { name: "contacts.list", description: "List contacts" },
              { name: "contacts.delete", description: "Delete a contact", write: true }
            ]
          }
        })
        yield* api.integrations.update({ path: { slug: "crm" }, payload: { description: "Customer records" } })
        yield* api.integrations.detect({ payload: { url: "https://crm.test/fixture.json" } })
        yield* api.connections.create({
          payload: { owner: "org", integration: "crm", name: "prod", template: "token", value: SECRET }
        })
        yield* api.connections.create({
          payload: { owner: "user", integration: "crm", name: "mine", template: "token", from: { provider: "env", id: "EXECUTOR_SECRET_E2E" } }
        })
        yield* api.connections.update({ path: { owner: "org", integration: "crm", name: "prod" }, payload: { identityLabel: "ops" } })
        yield* api.connections.refresh({ path: { owner: "org", integration: "crm", name: "prod" } })
        yield* api.connections.get({ path: { owner: "org", integration: "crm", name: "prod" } })
        const policy = yield* api.policies.create({ payload: { owner: "org", pattern: "crm.*.*.contacts.delete", action: "block" } })
        yield* api.policies.update({ path: { policyId: policy.id }, payload: { owner: "org", position: "0001" } })
        const temp = yield* api.policies.create({ payload: { owner: "user", pattern: "crm.*", action: "approve" } })
        yield* api.policies.remove({ path: { policyId: temp.id }, urlParams: { owner: "user" } })
        yield* api.providers.list()
        yield* api.providers.items({ path: { key: "default" } })
        yield* api.providers.items({ path: { key: "env" } })
        yield* api.tools.schema({ urlParams: { address: "tools.crm.org.prod.contacts.list" } })
        return {
          integrations: yield* api.integrations.list(),
          connections: yield* api.connections.list({ urlParams: {} }),
          policies: yield* api.policies.list({ urlParams: {} }),
          tools: yield* api.tools.list({ urlParams: { includeAnnotations: "true" } })
        }
      })
    )
    assert.deepStrictEqual(before.connections.map((c) => c.address), ["tools.crm.org.prod", "tools.crm.user.mine"])
    assert.strictEqual(before.policies.length, 1)

    assert.strictEqual(await first.stop("SIGTERM"), 0, first.output())
    assert.isFalse(fs.existsSync(path.join(dataDir, "daemon.lock")), "the lock is released on shutdown")

    const second = await launch({ dataDir, env })
    const after = await run(
      Effect.gen(function* () {
        const api = yield* clientFor(second, token, bodies)
        yield* api.integrations.get({ path: { slug: "crm" } })
        return {
          integrations: yield* api.integrations.list(),
          connections: yield* api.connections.list({ urlParams: {} }),
          policies: yield* api.policies.list({ urlParams: {} }),
          tools: yield* api.tools.list({ urlParams: { includeAnnotations: "true" } })
        }
      })
    )
    assert.deepStrictEqual(after, before)

    const removed = await run(
      Effect.gen(function* () {
        const api = yield* clientFor(second, token, bodies)
        yield* api.connections.remove({ path: { owner: "user", integration: "crm", name: "mine" } })
        yield* api.policies.remove({ path: { policyId: before.policies[0]?.id ?? "missing" }, urlParams: { owner: "org" } })
        yield* api.integrations.remove({ path: { slug: "crm" } })
        return {
          integrations: yield* api.integrations.list(),
          connections: yield* api.connections.list({ urlParams: {} }),
          policies: yield* api.policies.list({ urlParams: {} })
        }
      })
    )
    assert.deepStrictEqual(removed.integrations.map((i) => i.slug), ["executor"])
    assert.deepStrictEqual(removed.connections, [])
    assert.deepStrictEqual(removed.policies, [])
    assert.strictEqual(await second.stop("SIGINT"), 0, second.output())

    for (const body of bodies) {
      assert.notInclude(body, SECRET)
      assert.notInclude(body, ENV_SECRET)
    }
    assert.isAbove(bodies.length, 20)
    assert.notInclude(first.output() + second.output(), SECRET)
    for (const file of fs.readdirSync(dataDir)) {
      const bytes = fs.readFileSync(path.join(dataDir, file))
      assert.strictEqual(bytes.indexOf(SECRET), -1, `${file} holds the secret in clear`)
    }
  })

  it("a second daemon on the same data dir refuses to start with a clear message", async () => {
    const dataDir = makeDataDir()
    const first = await launch({ dataDir })
    const refused = await runDaemonToExit(["serve", "--port", "0", "--data-dir", dataDir])
    assert.strictEqual(refused.code, 1)
    assert.include(refused.output, `already using the data dir ${dataDir}`)
    assert.include(refused.output, String(first.process.pid))
  })

  it("a daemon whose port is taken says so and exits 1", async () => {
    const first = await launch({ dataDir: makeDataDir() })
    const refused = await runDaemonToExit(["serve", "--port", String(first.port), "--data-dir", makeDataDir()])
    assert.strictEqual(refused.code, 1)
    assert.include(refused.output, `Port ${first.port} on 127.0.0.1 is already in use`)
  })

  it("the shipped binary binds loopback, writes a 0600 token and requires it", async () => {
    const dataDir = makeDataDir()
    const daemon = await launch({ dataDir, entry: REAL_DAEMON })
    assert.include(daemon.output(), path.join(dataDir, "token"))
    assert.strictEqual(fs.statSync(path.join(dataDir, "token")).mode & 0o777, 0o600)
    assert.strictEqual(fs.statSync(path.join(dataDir, "secret.key")).mode & 0o777, 0o600)
    const token = fs.readFileSync(path.join(dataDir, "token"), "utf8").trim()
    assert.isAtLeast(token.length, 40)
    assert.notInclude(daemon.output(), token)

    const health = await run(Effect.flatMap(HttpClient.HttpClient, (c) => c.get(`${daemon.baseUrl}/api/health`)))
    assert.strictEqual(health.status, 200)
    const denied = await run(Effect.flatMap(HttpClient.HttpClient, (c) => c.get(`${daemon.baseUrl}/api/integrations`)))
    assert.strictEqual(denied.status, 401)
    const allowed = await run(
      Effect.flatMap(HttpClient.HttpClient, (c) =>
        c.execute(HttpClientRequest.get(`${daemon.baseUrl}/api/integrations`).pipe(HttpClientRequest.bearerToken(token)))
      )
    )
    assert.strictEqual(allowed.status, 200)
    const addresses = Object.values(os.networkInterfaces())
      .flat()
      .filter((i) => i && !i.internal && i.family === "IPv4")
      .flatMap((i) => (i ? [i.address] : []))
    for (const address of addresses) {
      const outside = await run(
        Effect.flatMap(HttpClient.HttpClient, (c) => c.get(`http://${address}:${daemon.port}/api/health`)).pipe(Effect.either)
      )
      assert.isTrue(outside._tag === "Left", `reachable on ${address}`)
    }
    assert.strictEqual(await daemon.stop("SIGTERM"), 0)
  })
})
