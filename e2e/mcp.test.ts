import { execFile } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"
import { startPetStore } from "@executor/testing"
import { Client } from "@modelcontextprotocol/sdk/client/index.js"
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js"
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js"
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js"
import { afterEach, assert, describe, it } from "vitest"
import { REAL_DAEMON, startDaemon, type RunningDaemon } from "./support/daemon"

const here = path.dirname(fileURLToPath(import.meta.url))
const INSPECTOR = path.join(here, "node_modules/.bin/mcp-inspector")
const run = promisify(execFile)

const cleanups: Array<() => Promise<unknown> | unknown> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

const dataDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "executor-e2e-mcp-"))
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }))
  return dir
}

const launch = async (dir: string) => {
  const daemon = await startDaemon({ dataDir: dir, entry: REAL_DAEMON })
  cleanups.push(() => (daemon.process.exitCode === null && daemon.process.signalCode === null ? daemon.stop("SIGKILL") : undefined))
  return daemon
}

const tokenOf = (dir: string) => fs.readFileSync(path.join(dir, "token"), "utf8").trim()

/** A new MCP session over streamable HTTP, closed after the test. */
const httpClient = async (daemon: RunningDaemon, token: string) => {
  const client = new Client({ name: "e2e-agent", version: "1.0.0" })
  await client.connect(new StreamableHTTPClientTransport(new URL(`${daemon.baseUrl}/mcp`), { requestInit: { headers: { authorization: `Bearer ${token}` } } }))
  cleanups.push(() => client.close())
  return client
}

const call = async (client: Client, name: string, args: Record<string, unknown>) => (await client.callTool({ name, arguments: args })) as CallToolResult
const text = (r: CallToolResult) => r.content.map((c) => (c.type === "text" ? c.text : "")).join("")
const structured = (r: CallToolResult) => r.structuredContent as { executionId: string; status: string; result: unknown }

describe("MCP with the real daemon", () => {
  it("an agent searches, describes, calls an OpenAPI write, is paused, and a new session after a restart resumes it", async () => {
    const store = await startPetStore()
    cleanups.push(() => store.close())
    const dir = dataDir()
    let daemon = await launch(dir)
    const token = tokenOf(dir)
    const api = (route: string, body: unknown) =>
      fetch(`${daemon.baseUrl}${route}`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify(body) })
    assert.strictEqual((await api("/api/openapi/specs", { slug: "pets", spec: { kind: "url", url: `${store.url}/openapi.yaml` } })).status, 201)
    assert.strictEqual((await api("/api/connections", { owner: "org", integration: "pets", name: "main", template: "apiKey", value: store.apiKey })).status, 201)

    const agent = await httpClient(daemon, token)
    const execute = (await agent.listTools()).tools.find((t) => t.name === "execute")
    assert.include(execute?.description ?? "", "pets (Pet Store; org.main)")

    const found = await call(agent, "execute", { code: `return (await tools.search({ query: "add a new pet to the store", limit: 3 })).items.map((i) => i.path)` })
    assert.strictEqual((structured(found).result as Array<string>)[0], "pets.org.main.pets.createPet")
    const described = await call(agent, "execute", { code: `return (await tools.describe.tool({ path: "pets.org.main.pets.createPet" })).signature` })
    assert.include(String(structured(described).result), "body: NewPet")

    const paused = await call(agent, "execute", { code: `const r = await tools.pets.org.main.pets.createPet({ body: { name: "Ada" } }); return r.data` })
    assert.strictEqual(structured(paused).status, "paused")
    const id = structured(paused).executionId
    assert.include(text(paused), id)
    assert.include(text(paused), "resume(")
    assert.strictEqual(store.created.length, 0)

    // Regression: an open MCP session (its client's SSE stream) once kept SIGTERM from ever finishing.
    assert.strictEqual(await daemon.stop("SIGTERM"), 0)
    daemon = await launch(dir)
    const later = await httpClient(daemon, token)
    const resumed = await call(later, "resume", { executionId: id, action: "accept" })
    assert.isNotTrue(resumed.isError, text(resumed))
    assert.deepStrictEqual(structured(resumed).result, { id: 1, name: "Ada" })
    assert.deepStrictEqual(store.created, [{ id: 1, name: "Ada" }])
  })

  it("stdio (`executor mcp`): the SDK client and the MCP Inspector CLI list the tools, run code and read skills", async () => {
    const dir = dataDir()
    const daemon = await launch(dir)
    const stdioArgs = [REAL_DAEMON, "mcp", "--data-dir", dir, "--port", String(daemon.port)]
    const transport = new StdioClientTransport({ command: process.execPath, args: stdioArgs, stderr: "pipe" })
    const client = new Client({ name: "stdio", version: "1.0.0" })
    await client.connect(transport)
    cleanups.push(() => client.close())
    assert.deepStrictEqual((await client.listTools()).tools.map((t) => t.name).sort(), ["execute", "resume", "skills"])
    assert.strictEqual(text(await call(client, "execute", { code: "return 6 * 7" })), "42")
    assert.include(text(await call(client, "skills", { name: "execute" })), "tools.search")
    const bad = await call(client, "resume", { executionId: "exe_missing", action: "accept" })
    assert.isTrue(bad.isError)
    assert.include(text(bad), "exe_missing")

    const inspector = (...args: Array<string>) =>
      run(INSPECTOR, ["--cli", process.execPath, ...stdioArgs, ...args], { timeout: 60_000 })
    const listed = JSON.parse((await inspector("--method", "tools/list")).stdout) as { tools: Array<{ name: string }> }
    assert.deepStrictEqual(listed.tools.map((t) => t.name).sort(), ["execute", "resume", "skills"])
    const called = JSON.parse((await inspector("--method", "tools/call", "--tool-name", "execute", "--tool-arg", "code=return 'from the inspector'")).stdout) as CallToolResult
    assert.strictEqual(text(called), "from the inspector")
  })

  it("`executor mcp` with no daemon says what to do and exits 1", async () => {
    const dir = dataDir()
    const result = await run(process.execPath, [REAL_DAEMON, "mcp", "--data-dir", dir, "--port", "9"]).then(
      () => ({ code: 0, stderr: "" }),
      (error: { code: number; stderr: string }) => error
    )
    assert.strictEqual(result.code, 1)
    assert.include(result.stderr, "executor serve")
  })
})
