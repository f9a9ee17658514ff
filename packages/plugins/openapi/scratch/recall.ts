import * as fs from "node:fs"
import { Effect } from "effect"
import { buildSearchIndex, builtinTools, runSearch, toolSummary } from "@executor/core"
import { loadDocument } from "../src/document"
import { compile } from "../src/compile"
import { GITHUB_QUERIES as MAIN, GITHUB_HELD_OUT_QUERIES } from "../test/github-queries"
const GITHUB_QUERIES = process.env.HELD ? GITHUB_HELD_OUT_QUERIES : MAIN
const text = fs.readFileSync("packages/plugins/openapi/node_modules/@octokit/openapi/generated/api.github.com.json", "utf8")
const spec = compile(Effect.runSync(loadDocument(text)))
const names = new Set(spec.tools.map((t) => t.name))
for (const [, t] of GITHUB_QUERIES) if (!names.has(t)) console.log("MISSING", t)
const index = buildSearchIndex([...builtinTools.map(toolSummary), ...spec.tools.map((t) => ({ address: `tools.github.org.main.${t.name}`, owner: "org", integration: "github", connection: "main", name: t.name, pluginId: "openapi", description: t.description, requiresApproval: t.requiresApproval }))])
let hits = 0
const times: number[] = []
for (const [q, t] of GITHUB_QUERIES) {
  const s = performance.now()
  const r = runSearch(index, { query: q, limit: 5 })
  times.push(performance.now() - s)
  const top = r.items.map((i) => i.name)
  const rank = top.indexOf(t)
  if (rank >= 0 && rank < 3) hits++
  else console.log(`MISS "${q}" want ${t} got ${top.slice(0, 3).join(", ")}`)
}
times.sort((a, b) => a - b)
console.log(`recall@3 ${hits}/${GITHUB_QUERIES.length} = ${(hits / GITHUB_QUERIES.length).toFixed(2)}  p50 ${times[times.length >> 1]!.toFixed(2)} ms`)
const explain = process.argv[2]
if (explain) {
  const r = runSearch(index, { query: explain, limit: 100 })
  r.items.slice(0, 6).forEach((i, n) => console.log(n, i.name, i.score, JSON.stringify(i.description.slice(0, 60))))
  for (const [q, t] of GITHUB_QUERIES) if (q === explain) console.log("target", r.items.findIndex((i) => i.name === t), r.items.find((i) => i.name === t)?.score)
}
if (process.argv[3]) {
  const i = index.docs.findIndex((d) => d.tool.name === process.argv[3])
  for (const [t, row] of index.postings) if (row.has(i)) console.log(t, row.get(i)!.toFixed(2), index.idf.get(t)!.toFixed(2))
}
