import { Effect, ParseResult, Schema } from "effect"
import type { Catalog } from "../services/catalog"
import type { CallOutcome } from "@executor/sandbox"

const SearchArgs = Schema.Struct({
  query: Schema.optionalWith(Schema.String.pipe(Schema.maxLength(1_000)), { default: () => "" }),
  namespace: Schema.optional(Schema.String.pipe(Schema.maxLength(512))),
  limit: Schema.optional(Schema.Int.pipe(Schema.between(1, 100))),
  offset: Schema.optional(Schema.NonNegativeInt)
})

const DescribeArgs = Schema.Struct({ path: Schema.String.pipe(Schema.minLength(1), Schema.maxLength(1_000)) })

const invalid = (name: string, error: ParseResult.ParseError): CallOutcome => ({
  ok: false,
  name: "TypeError",
  message: `tools.${name}: ${ParseResult.TreeFormatter.formatErrorSync(error)}`
})

const ok = (data: unknown): CallOutcome => ({ ok: true, json: JSON.stringify(data) })

/**
 * `tools.search` and `tools.describe.tool`, answered on the host from the
 * catalog. Blocked tools are invisible to both.
 */
export const discover = (catalog: Catalog, path: string, args: unknown): Effect.Effect<CallOutcome> => {
  if (path === "search") {
    return Schema.decodeUnknown(SearchArgs)(args ?? {}).pipe(
      Effect.flatMap((input) => catalog.search(input)),
      Effect.map(ok),
      Effect.catchAll((e) => Effect.succeed(invalid("search", e)))
    )
  }
  return Schema.decodeUnknown(DescribeArgs)(typeof args === "string" ? { path: args } : args).pipe(
    Effect.flatMap(({ path: toolPath }) => {
      const address = toolPath.startsWith("tools.") ? toolPath : `tools.${toolPath}`
      return catalog.schema(address).pipe(
        Effect.map((schema) =>
          ok({
            path: address.slice("tools.".length),
            name: schema.name,
            description: schema.description,
            signature: `(input: ${schema.inputTypeScript}) => Promise<ToolResult<${schema.outputTypeScript}>>`,
            inputTypeScript: schema.inputTypeScript,
            outputTypeScript: schema.outputTypeScript,
            definitions: schema.definitionsTypeScript
          })
        ),
        Effect.catchTag("ToolNotFoundError", (notFound) =>
          Effect.map(catalog.search({ query: toolPath.replace(/^tools\./, "").replace(/[.]/g, " "), limit: 5 }), (hits) => {
            const suggestions = [...new Set([...hits.items.map((h) => h.path), ...(notFound.suggestions ?? []).map((a) => a.replace(/^tools\./, ""))])].slice(0, 5)
            return ok({
              found: false,
              path: address.slice("tools.".length),
              message: `No tool at "${address.slice("tools.".length)}"`,
              suggestions
            })
          })
        )
      )
    }),
    Effect.catchTag("ParseError", (e) => Effect.succeed(invalid("describe.tool", e)))
  )
}
