/**
 * Benchmarks of the local daemon, printed as figures (never a pass/fail gate):
 * start to healthy, GET /api/tools with 10,000 tools, idle RSS.
 * Run with `pnpm bench` (it builds first).
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { agent, DAEMON, FIXTURE_DAEMON, median, percentile, request, rssMiB, startToHealthy, stop, tmp } from "./bench-support"

const main = async () => {
  const fresh: Array<number> = []
  const warm: Array<number> = []
  const idle: Array<number> = []
  for (let i = 0; i < 5; i++) {
    const dir = tmp()
    const first = await startToHealthy(DAEMON, dir)
    fresh.push(first.ms)
    await new Promise((r) => setTimeout(r, 1000))
    idle.push(rssMiB(first.child.pid ?? 0))
    await stop(first.child)
    const again = await startToHealthy(DAEMON, dir)
    warm.push(again.ms)
    await stop(again.child)
    fs.rmSync(dir, { recursive: true, force: true })
  }
  console.log(`start to healthy, new data dir:      median ${median(fresh).toFixed(0)} ms  (runs: ${fresh.map((m) => m.toFixed(0)).join(", ")})`)
  console.log(`start to healthy, existing data dir: median ${median(warm).toFixed(0)} ms  (runs: ${warm.map((m) => m.toFixed(0)).join(", ")})`)
  console.log(`idle RSS after start:                median ${median(idle).toFixed(1)} MiB`)

  const dir = tmp()
  const daemon = await startToHealthy(FIXTURE_DAEMON, dir)
  const token = fs.readFileSync(path.join(dir, "token"), "utf8").trim()
  // 10 integrations of 1,000 tools each: one request body stays under the 1 MiB limit.
  for (let n = 0; n < 10; n++) {
    const slug = `bench${n}`
    const tools = Array.from({ length: 1000 }, (_, i) => ({
      name: `group${i % 50}.operation${i}`,
      description: `Operation number ${i} of benchmark integration ${n}`,
      write: i % 4 === 0
    }))
    const registered = await request(daemon.port, "POST", "/api/fixture/integrations", token, { slug, name: slug, tools })
    if (registered.status !== 201) throw new Error(`register failed: ${registered.status} ${registered.text.slice(0, 200)}`)
    const created = await request(daemon.port, "POST", "/api/connections", token, {
      owner: "org",
      integration: slug,
      name: "main",
      template: "token",
      value: "bench-token"
    })
    if (created.status !== 201) throw new Error(`connection failed: ${created.status} ${created.text.slice(0, 200)}`)
  }

  const measure = async (url: string, n: number) => {
    for (let i = 0; i < 20; i++) await request(daemon.port, "GET", url, token)
    const samples: Array<number> = []
    let count = 0
    for (let i = 0; i < n; i++) {
      const t = performance.now()
      const r = await request(daemon.port, "GET", url, token)
      samples.push(performance.now() - t)
      if (i === 0) count = (JSON.parse(r.text) as Array<unknown>).length
    }
    samples.sort((a, b) => a - b)
    return { p50: percentile(samples, 50), p99: percentile(samples, 99), count }
  }
  for (const url of ["/api/tools", "/api/tools?includeAnnotations=true", "/api/tools?query=operation42", "/api/tools?integration=bench3&connection=main&owner=org"]) {
    const r = await measure(url, 200)
    console.log(`GET ${url.padEnd(52)} ${String(r.count).padStart(6)} tools  p50 ${r.p50.toFixed(2)} ms  p99 ${r.p99.toFixed(2)} ms`)
  }
  console.log(`RSS with 10,000 tools in the catalog: ${rssMiB(daemon.child.pid ?? 0).toFixed(1)} MiB`)
  await stop(daemon.child)
  fs.rmSync(dir, { recursive: true, force: true })
  agent.destroy()
}

await main()
