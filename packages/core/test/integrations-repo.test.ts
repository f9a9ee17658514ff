import { SqlClient } from "@effect/sql"
import { assert, describe, layer } from "@effect/vitest"
import { Integrations } from "@executor/core"
import { testCoreLayer } from "@executor/testing"
import { Effect, Option } from "effect"
import { inject } from "vitest"
import { IntegrationsRepo } from "../src/storage/integrations-repo"

const register = (slug: string, config: unknown) =>
  Effect.flatMap(Integrations, (i) =>
    i.register({ slug, kind: "fixture", name: slug, description: "", displayUrl: null, authMethods: [], config })
  )

// Regression: the repository once cached every row, re-reading and parsing every config
// (megabytes each for API descriptions) after each write, so registering the APIs.guru
// directory slowed quadratically. Reads now touch only the row asked for, and listing
// never reads configs; a row whose config cannot be parsed proves both.
describe("integrations repository", () => {
  layer(testCoreLayer("sqlite", inject("pgUrl")))((it) => {
    it.effect("get reads only its own row; list never parses configs; a write drops the cached row", () =>
      Effect.gen(function* () {
        const repo = yield* IntegrationsRepo
        const sql = yield* SqlClient.SqlClient
        yield* register("good", { version: 1 })
        yield* register("broken", {})
        yield* sql`UPDATE integrations SET config = ${"{not json"} WHERE slug = ${"broken"}`

        const good = yield* repo.get("good")
        assert.deepStrictEqual(Option.map(good, (r) => r.config), Option.some({ version: 1 }))
        const listed = yield* Effect.flatMap(Integrations, (i) => i.list())
        assert.deepStrictEqual(listed.map((i) => i.slug), ["executor", "broken", "good"])

        const first = Option.getOrThrow(good)
        assert.strictEqual(Option.getOrThrow(yield* repo.get("good")), first, "served from memory")
        yield* repo.update({ ...first, config: { version: 2 } })
        assert.deepStrictEqual(Option.map(yield* repo.get("good"), (r) => r.config), Option.some({ version: 2 }))
        assert.isTrue(Option.isNone(yield* repo.get("missing")))
      })
    )
  })
})
