/**
 * MCP benchmark against the real daemon process: `tools/call execute` with
 * `return 1` over streamable HTTP (the official SDK client, one session),
 * 200 sequential calls after a warm-up, p50 / p99. Compared with the same program
 * through POST /api/executions. Run with `pnpm bench:mcp` (or as part of `pnpm bench`).
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { Client } from "@modelcontextprotocol/sdk/client/index.js"
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js"
import { DAEMON, percentile, request, startToHealthy, stop, tmp } from "./bench-support"

const N = 200

const main = async () => {
  const dir = tmp()
  const daemon = await startToHealthy(DAEMON, dir)
  const token = fs.readFileSync(path.join(dir, "token"), "utf8").trim()
  const client = new Client({ name: "bench", version: "1.0.0" })
  await client.connect(
    new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${daemon.port}/mcp`), { requestInit: { headers: { authorization: `Bearer ${token}` } } })
  )
  const rounds = async (once: () => Promise<unknown>) => {
    for (let i = 0; i < 50; i++) await once()
    const samples: Array<number> = []
    for (let i = 0; i < N; i++) {
      const t = performance.now()
      await once()
      samples.push(performance.now() - t)
    }
    return samples.sort((a, b) => a - b)
  }
  const viaMcp = await rounds(() => client.callTool({ name: "execute", arguments: { code: "return 1" } }))
  const viaApi = await rounds(() => request(daemon.port, "POST", "/api/executions", token, { code: "return 1" }))
  const f = (s: Array<number>) => `p50 ${percentile(s, 50).toFixed(2)} ms, p99 ${percentile(s, 99).toFixed(2)} ms`
  console.log(`MCP tools/call execute "return 1" over streamable HTTP (${N} sequential): ${f(viaMcp)}`)
  console.log(`POST /api/executions "return 1" on the same daemon (${N} sequential): ${f(viaApi)}`)
  await client.close()
  await stop(daemon.child)
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
