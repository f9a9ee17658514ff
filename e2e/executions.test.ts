import { spawn } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { startCountingUpstream, type CountingUpstream } from "@executor/testing"
import { afterEach, assert, describe, it } from "vitest"
import { REAL_DAEMON, startDaemon, type RunningDaemon } from "./support/daemon"

const cleanups: Array<() => Promise<unknown> | unknown> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

const makeDataDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "executor-e2e-exec-"))
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }))
  return dir
}

const launch = async (dataDir: string) => {
  const daemon = await startDaemon({ dataDir })
  cleanups.push(() => (daemon.process.exitCode === null && daemon.process.signalCode === null ? daemon.stop("SIGKILL") : undefined))
  return daemon
}

const api = (daemon: RunningDaemon, token: string) => async (method: string, route: string, body?: unknown) => {
  const response = await fetch(`${daemon.baseUrl}${route}`, {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) })
  })
  return { status: response.status, body: (await response.json()) as Record<string, unknown> }
}

const killHard = async (daemon: RunningDaemon) => {
  const code = await daemon.stop("SIGKILL")
  assert.isNull(code)
}

describe("durable executions with the real daemon", () => {
  it("a paused execution survives kill -9; resume runs the rest and no tool call runs twice", async () => {
    const upstream: CountingUpstream = await startCountingUpstream()
    cleanups.push(() => upstream.close())
    const dataDir = makeDataDir()
    const first = await launch(dataDir)
    const token = fs.readFileSync(path.join(dataDir, "token"), "utf8").trim()
    const call = api(first, token)

    const registered = await call("POST", "/api/fixture/integrations", {
      slug: "shop",
      name: "Shop",
      upstream: upstream.url,
      tools: [
        { name: "orders.list", description: "List orders" },
        { name: "orders.cancel", description: "Cancel an order", write: true }
      ]
    })
    assert.strictEqual(registered.status, 201)
    const connected = await call("POST", "/api/connections", { owner: "org", integration: "shop", name: "prod", template: "token", value: "k" })
    assert.strictEqual(connected.status, 201)

    const code = [
      "const before = await tools.shop.org.prod.orders.list({ message: 'before' })",
      "const when = Date.now()",
      "const cancelled = await tools.shop.org.prod.orders.cancel({ message: 'cancel' })",
      "const after = await tools.shop.org.prod.orders.list({ message: 'after' })",
      "return { counts: [before.data.count, cancelled.data.count, after.data.count], when }"
    ].join("\n")
    const paused = await call("POST", "/api/executions", { code })
    assert.strictEqual(paused.body.status, "paused")
    const id = String(paused.body.executionId)
    assert.deepStrictEqual(upstream.calls.map((c) => c.args), [{ message: "before" }])

    // A second execution is left running when the daemon dies.
    void call("POST", "/api/executions", { code: "while (true) {}", timeoutMs: 600_000 }).catch(() => undefined)
    let runningId: string | undefined
    for (let i = 0; i < 100 && !runningId; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50))
      const page = await call("GET", "/api/executions?status=running")
      runningId = (page.body.items as Array<{ id: string }>)[0]?.id
    }
    assert.isString(runningId)

    await killHard(first)
    const second = await launch(dataDir)
    const again = api(second, token)

    const interrupted = await again("GET", `/api/executions/${runningId}`)
    assert.strictEqual(interrupted.body.status, "failed")
    assert.match(String((interrupted.body.error as { message: string }).message), /interrupted/)

    const shown = await again("GET", `/api/executions/${id}`)
    assert.strictEqual(shown.body.status, "paused")
    const done = await again("POST", `/api/executions/${id}/resume`, { action: "accept" })
    assert.strictEqual(done.body.status, "completed")
    assert.isFalse(done.body.isError)
    const result = (done.body.structured as { result: { counts: Array<number>; when: number } }).result
    assert.deepStrictEqual(result.counts, [1, 2, 3])
    assert.deepStrictEqual(
      upstream.calls.map((c) => [c.tool, c.args]),
      [
        ["orders.list", { message: "before" }],
        ["orders.cancel", { message: "cancel" }],
        ["orders.list", { message: "after" }]
      ]
    )
    const events = await again("GET", `/api/executions/${id}/events`)
    const sequences = (events.body.events as Array<{ sequence: number }>).map((e) => e.sequence)
    assert.deepStrictEqual(sequences, Array.from({ length: sequences.length }, (_, i) => i + 1))
    await second.stop("SIGTERM")
  })
})

const cli = (dataDir: string, port: number, args: ReadonlyArray<string>, stdin?: string) =>
  new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [REAL_DAEMON, "--port", String(port), "--data-dir", dataDir, ...args])
    let stdout = ""
    let stderr = ""
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString("utf8")))
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString("utf8")))
    child.once("exit", (code) => resolve({ code, stdout, stderr }))
    child.stdin.end(stdin ?? "")
  })

describe("the CLI against the running daemon", () => {
  it("runs, pauses, resumes, lists, shows, tails, searches and describes", async () => {
    const dataDir = makeDataDir()
    const daemon = await launch(dataDir)
    const run = (args: ReadonlyArray<string>, stdin?: string) => cli(dataDir, daemon.port, args, stdin)

    const ok = await run(["run", "-"], "const n: number = 6\nreturn n * 7")
    assert.strictEqual(ok.code, 0)
    assert.strictEqual(ok.stdout.trim(), "42")
    const failed = await run(["run", "-"], "throw new Error('boom')")
    assert.strictEqual(failed.code, 1)
    assert.include(failed.stdout, "Error: boom")
    const file = path.join(dataDir, "program.ts")
    fs.writeFileSync(file, "return (await tools.executor.org.core.policies.create({ owner: 'org', pattern: 'x.*', action: 'block' })).ok")
    const paused = await run(["run", file])
    assert.strictEqual(paused.code, 2)
    const id = /executionId: (\S+)/.exec(paused.stdout)?.[1] ?? ""
    assert.match(id, /^exe_/)

    const tailing = run(["executions", "tail", id])
    await new Promise((resolve) => setTimeout(resolve, 300))
    const resumed = await run(["resume", id, "accept"])
    assert.strictEqual(resumed.code, 0)
    assert.strictEqual(resumed.stdout.trim(), "true")
    const tailed = await tailing
    assert.strictEqual(tailed.code, 0)
    assert.match(tailed.stdout, /#3 execution\.paused[\s\S]*#6 execution\.completed/)

    const listed = await run(["executions", "list"])
    assert.include(listed.stdout, id)
    const shown = await run(["executions", "show", id])
    assert.include(shown.stdout, '"status": "completed"')
    const found = await run(["tools", "search", "remove", "a", "policy"])
    assert.strictEqual(found.stdout.split("\n")[0]?.split(" ")[0], "executor.org.core.policies.remove")
    const described = await run(["tools", "describe", "executor.org.core.policies.remove"])
    assert.include(described.stdout, 'owner: "org" | "user"')
    const unknown = await run(["tools", "describe", "executor.org.core.policies.remov"])
    assert.strictEqual(unknown.code, 1)
    assert.include(unknown.stdout, "executor.org.core.policies.remove")
    const noDaemon = await cli(dataDir, 1, ["executions", "list"])
    assert.strictEqual(noDaemon.code, 1)
    assert.include(noDaemon.stderr, "start it with `executor serve`")
  })
})
