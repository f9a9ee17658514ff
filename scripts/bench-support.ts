/** Helpers shared by the benchmark scripts: raw HTTP against a daemon process, percentiles, RSS. */
import { spawn } from "node:child_process"
import * as fs from "node:fs"
import * as http from "node:http"
import * as os from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")
export const DAEMON = path.join(root, "apps/local/dist/executor.mjs")
export const FIXTURE_DAEMON = path.join(root, "e2e/.build/fixture-daemon.mjs")
export const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })

export const request = (port: number, method: string, url: string, token?: string, body?: unknown) =>
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

export const percentile = (sorted: ReadonlyArray<number>, p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN

export const median = (values: ReadonlyArray<number>) => percentile([...values].sort((a, b) => a - b), 50)

export const freePort = () =>
  new Promise<number>((resolve) => {
    const server = http.createServer().listen(0, "127.0.0.1", () => {
      const address = server.address()
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0))
    })
  })

export const startToHealthy = async (entry: string, dataDir: string, env: Record<string, string> = {}) => {
  const port = await freePort()
  const started = performance.now()
  const child = spawn(process.execPath, [entry, "serve", "--port", String(port), "--data-dir", dataDir], { stdio: "ignore", env: { ...process.env, ...env } })
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

export const rssMiB = (pid: number) => {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8")
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN)
  return kb / 1024
}

export const stop = (child: ReturnType<typeof spawn>) =>
  new Promise<void>((resolve) => {
    child.once("exit", () => resolve())
    child.kill("SIGTERM")
  })

export const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "executor-bench-"))

