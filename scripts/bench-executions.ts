/**
 * Execution benchmarks against the real daemon process, printed as figures:
 * `return 1+1` latency at one client and throughput at ten (autocannon, in this
 * process, against the daemon in another), the per-call cost of a built-in tool,
 * and the RSS that 1,000 paused executions add. Run with `pnpm bench`.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import autocannon from "autocannon"
import { agent, DAEMON, median, percentile, request, rssMiB, startToHealthy, stop, tmp } from "./bench-support"

const main = async () => {
  const dir = tmp()
  const daemon = await startToHealthy(DAEMON, dir, { EXECUTOR_MAX_QUEUED_EXECUTIONS: "2000" })
  const token = fs.readFileSync(path.join(dir, "token"), "utf8").trim()
  const execute = (code: string) => request(daemon.port, "POST", "/api/executions", token, { code })

  for (let i = 0; i < 200; i++) await execute("return 1+1")
  const samples: Array<number> = []
  for (let i = 0; i < 2000; i++) {
    const t = performance.now()
    const r = await execute("return 1+1")
    samples.push(performance.now() - t)
    if (r.status !== 200) throw new Error(`execute failed: ${r.status} ${r.text}`)
  }
  samples.sort((a, b) => a - b)
  console.log(`POST /api/executions "return 1+1", 1 client:  p50 ${percentile(samples, 50).toFixed(2)} ms  p99 ${percentile(samples, 99).toFixed(2)} ms  (2,000 sequential)`)

  const load = await autocannon({
    url: `http://127.0.0.1:${daemon.port}/api/executions`,
    method: "POST",
    connections: 10,
    duration: 10,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ code: "return 1+1" })
  })
  console.log(
    `POST /api/executions "return 1+1", 10 clients: ${load.requests.average.toFixed(0)} req/s average  (p50 ${load.latency.p50} ms, p99 ${load.latency.p99} ms, non-2xx ${load.non2xx})`
  )

  const timeOf = async (code: string) => {
    const t = performance.now()
    const r = await execute(code)
    if (!r.text.includes('"isError":false')) throw new Error(r.text.slice(0, 300))
    return performance.now() - t
  }
  const calls = "for (let i = 0; i < 1000; i++) await tools.executor.org.core.providers.list({})"
  const perCall: Array<number> = []
  for (let i = 0; i < 7; i++) {
    const base = await timeOf("let x = 0; for (let i = 0; i < 1000; i++) x += i; return x")
    const with1000 = await timeOf(calls)
    perCall.push(((with1000 - base) / 1000) * 1000)
  }
  console.log(`built-in tool call overhead: median ${median(perCall).toFixed(1)} µs per call  (7 runs of 1,000 sequential calls: ${perCall.map((v) => v.toFixed(0)).join(", ")})`)

  await new Promise((r) => setTimeout(r, 500))
  const before = rssMiB(daemon.child.pid ?? 0)
  for (let i = 0; i < 1000; i++) {
    const r = await execute(`await tools.executor.org.core.policies.create({ owner: "org", pattern: "p${i}.*", action: "block" })`)
    if (!r.text.includes('"status":"paused"')) throw new Error(r.text.slice(0, 300))
  }
  await new Promise((r) => setTimeout(r, 1000))
  const after = rssMiB(daemon.child.pid ?? 0)
  console.log(`RSS with 1,000 paused executions: ${after.toFixed(1)} MiB (before ${before.toFixed(1)} MiB, added ${(after - before).toFixed(1)} MiB)`)

  await stop(daemon.child)
  fs.rmSync(dir, { recursive: true, force: true })
  agent.destroy()
}

await main()
