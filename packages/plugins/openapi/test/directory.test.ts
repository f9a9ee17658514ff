import * as fs from "node:fs"
import * as path from "node:path"
import { assert, describe, layer } from "@effect/vitest"
import { Effect } from "effect"
import { DIRECTORY, directoryFiles } from "./corpora"
import { openApiServer, raw } from "./support"

/** Every 25th description of the APIs.guru directory (2,639 real APIs): a fixed sample of 106. */
const SAMPLE = directoryFiles().filter((_, i) => i % 25 === 0)

describe("the APIs.guru directory", () => {
  layer(openApiServer, { timeout: 300_000 })((it) => {
    it.effect(`a fixed sample of ${SAMPLE.length} real descriptions registers, every fifth with a connection whose tools describe`, () =>
      Effect.gen(function* () {
        assert.isAtLeast(SAMPLE.length, 100)
        const failures: Array<string> = []
        let tools = 0
        let described = 0
        for (const [i, file] of SAMPLE.entries()) {
          const id = path.relative(DIRECTORY, file)
          const added = yield* raw("POST", "/api/openapi/specs", { slug: `api${i}`, spec: { kind: "blob", value: fs.readFileSync(file, "utf8") } })
          if (added.status !== 201) {
            failures.push(`${id}: ${added.status} ${added.json.message ?? JSON.stringify(added.json)}`)
            continue
          }
          tools += Number(added.json.toolCount)
          if (i % 5 !== 0 || Number(added.json.toolCount) === 0) continue
          // Every fifth: a connection, and the TypeScript signature of each of its first tools.
          const connected = yield* raw("POST", "/api/connections", { owner: "org", integration: `api${i}`, name: "c", template: "none" })
          if (connected.status !== 201) failures.push(`${id}: connection ${connected.status} ${connected.json.message}`)
          const listed = yield* raw("GET", `/api/tools?integration=api${i}`)
          const addresses: Array<string> = Array.isArray(listed.json) ? listed.json.map((t: { address: string }) => t.address) : []
          for (const address of addresses.slice(0, 3)) {
            const schema = yield* raw("GET", `/api/tools/schema?address=${encodeURIComponent(address)}`)
            if (schema.status !== 200 || typeof schema.json.inputTypeScript !== "string") failures.push(`${id}: describe ${address} ${schema.status}`)
            described++
          }
        }
        assert.deepStrictEqual(failures, [])
        assert.isAbove(tools, SAMPLE.length * 5)
        assert.isAtLeast(described, 40)
      })
    )
  })
})
