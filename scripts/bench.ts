/**
 * Benchmarks of the local daemon, printed as figures (never a pass/fail gate):
 * start to healthy, GET /api/tools with 10,000 tools, idle RSS.
 * Run with `pnpm bench` (it builds first).
 */
import { spawn } from "node:child_process"
import * as fs from "node:fs"
import * as http from "node:http"
import * as os from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")
const DAEMON = path.join(root, "apps/local/dist/executor.mjs")
const FIXTURE_DAEMON = path.join(root, "e2e/.build/fixture-daemon.mjs")
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })

const request = (port: number, method: string, url: string, token?: string, body?: unknown) =>
  new Promise<{ status: number; text: string }>((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body)
    const req = http.request(
      {
        host: "127.0.0.1",
        port,
        method,
        path: url,
        agent,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(payload ? { "content-type": "application/json", "content-length": Buffer.byteLength(payload) } : {})
        }
      },
      (res) => {
        const chunks: Array<Buffer> = []
        res.on("data", (c: Buffer) => chunks.push(c))
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }))
      }
    )
    req.on("error", reject)
    req.end(payload)
  })

const percentile = (sorted: ReadonlyArray<number>, p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN

const median = (values: ReadonlyArray<number>) => percentile([...values].sort((a, b) => a - b), 50)

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = http.createServer().listen(0, "127.0.0.1", () => {
      const address = server.address()
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0))
    })
  })

const startToHealthy = async (entry: string, dataDir: string) => {
  const port = await freePort()
  const started = performance.now()
  const child = spawn(process.execPath, [entry, "serve", "--port", String(port), "--data-dir", dataDir], { stdio: "ignore" })
  for (;;) {
    const ok = await request(port, "GET", "/api/health").then(
      (r) => r.status === 200,
      () => false
    )
    if (ok) break
    if (performance.now() - started > 20_000) throw new Error("daemon did not become healthy in 20 s")
    await new Promise((r) => setTimeout(r, 2))
  }
  return { ms: performance.now() - started, port, child }
}

const rssMiB = (pid: number) => {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8")
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN)
  return kb / 1024
}

const stop = (child: ReturnType<typeof spawn>) =>
  new Promise<void>((resolve) => {
    child.once("exit", () => resolve())
    child.kill("SIGTERM")
  })

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "executor-bench-"))

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
