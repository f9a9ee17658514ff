import * as fs from "node:fs"
import { assert, describe, layer } from "@effect/vitest"
import { Effect } from "effect"
import { GITHUB_DESCRIPTION } from "./corpora"
import { GITHUB_HELD_OUT_QUERIES, GITHUB_QUERIES } from "./github-queries"
import { client, openApiServer, resultOf, run } from "./support"


/** Runs every query through `tools.search` in one execution and returns the top 3 of each. */
const topThree = (queries: ReadonlyArray<readonly [string, string]>) =>
  Effect.map(
    run(`
      const out = []
      for (const q of ${JSON.stringify(queries.map(([q]) => q))}) {
        const r = await tools.search({ query: q, limit: 3 })
        out.push(r.items.map((i) => i.name))
      }
      return out
    `),
    (r) => resultOf(r) as Array<Array<string>>
  )

const recall = (queries: ReadonlyArray<readonly [string, string]>, tops: ReadonlyArray<ReadonlyArray<string>>) =>
  queries.filter(([, tool], i) => tops[i]?.includes(tool)).length / queries.length

describe("GitHub's OpenAPI description", () => {
  layer(openApiServer, { timeout: 120_000 })((it) => {
    it.effect("registers; search finds what people mean; describe shows the TypeScript signature", () =>
      Effect.gen(function* () {
        const api = yield* client
        const text = fs.readFileSync(GITHUB_DESCRIPTION, "utf8")
        const added = yield* api.openapi.addSpec({ payload: { slug: "github", spec: { kind: "blob", value: text } } })
        assert.isAbove(added.toolCount, 1_000)
        yield* api.connections.create({ payload: { owner: "org", integration: "github", name: "main", template: "bearer", value: "ghp_not_a_real_token" } })

        const hits = yield* run(`return (await tools.search({ query: "list repositories for an organization", limit: 3 })).items.map((i) => i.path)`)
        assert.include(resultOf(hits) as Array<string>, "github.org.main.repos.listForOrg")

        const described = yield* run(`return await tools.describe.tool({ path: "github.org.main.repos.listForOrg" })`)
        const d = resultOf(described) as { signature: string; definitions: Record<string, string> }
        assert.match(d.signature, /^\(input: \{/)
        assert.include(d.signature, "org: string")
        assert.include(d.signature, 'type?: "all" | "public" | "private" | "forks" | "sources" | "member"')
        assert.include(d.signature, "Promise<ToolResult<MinimalRepository[]>>")
        assert.include(d.definitions.MinimalRepository ?? "", "full_name: string")
        assert.include(d.definitions.MinimalRepository ?? "", "owner: SimpleUser")
        assert.include(d.definitions.SimpleUser ?? "", "login: string")

        const write = yield* run(`return (await tools.search({ query: "open a new issue", limit: 1 })).items[0]`)
        assert.deepInclude(resultOf(write) as object, { name: "issues.create", requiresApproval: true })

        const tops = yield* topThree(GITHUB_QUERIES)
        const misses = GITHUB_QUERIES.flatMap(([q, tool], i) => (tops[i]?.includes(tool) ? [] : [`${q} → ${tool} (got ${tops[i]?.join(", ")})`]))
        const score = recall(GITHUB_QUERIES, tops)
        assert.isAtLeast(score, 0.9, `recall@3 ${score.toFixed(2)}; misses:\n${misses.join("\n")}`)
        // Queries the ranking was not tuned on: a lower floor, reported rather than chased.
        const heldOut = recall(GITHUB_HELD_OUT_QUERIES, yield* topThree(GITHUB_HELD_OUT_QUERIES))
        assert.isAtLeast(heldOut, 0.75)
      })
    )
  })
})
