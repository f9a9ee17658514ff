import { Effect } from "effect"
import { parseToolAddress } from "../domain/address"
import { ToolNotFoundError } from "../domain/errors"
import type { Owner } from "../domain/ids"
import { jsonSchemaToTypeScript } from "../domain/json-schema-ts"
import { decide, type PolicySet } from "../domain/policy-resolve"
import type { CatalogTool } from "../domain/tool"
import { ToolsRepo } from "../storage/tools-repo"
import { BUILTIN_SLUG } from "./builtin"
import { builtinTools } from "./builtin-tools"
import { Policies } from "./policies"

export interface ToolQuery {
  readonly integration?: string | undefined
  readonly owner?: Owner | undefined
  readonly connection?: string | undefined
  readonly query?: string | undefined
  readonly includeAnnotations?: boolean | undefined
  readonly includeBlocked?: boolean | undefined
}

export interface ToolSummary {
  readonly address: string
  readonly owner: Owner
  readonly integration: string
  readonly connection: string
  readonly name: string
  readonly pluginId: string
  readonly description: string
  readonly requiresApproval?: boolean
  readonly mayElicit?: boolean
  readonly approvalDescription?: string
}

const matchesQuery = (terms: ReadonlyArray<string>) => (tool: CatalogTool) => {
  if (terms.length === 0) return true
  const haystack = `${tool.address} ${tool.description}`.toLowerCase()
  return terms.every((term) => haystack.includes(term))
}

const summarize = (tool: CatalogTool, policies: PolicySet, annotate: boolean): ToolSummary => {
  const base = {
    address: tool.address,
    owner: tool.owner,
    integration: tool.integration,
    connection: tool.connection,
    name: tool.name,
    pluginId: tool.pluginId,
    description: tool.description
  }
  if (!annotate) return base
  const decision = decide(policies, tool.address, tool.requiresApproval)
  return {
    ...base,
    requiresApproval: decision.action === "require_approval",
    mayElicit: tool.mayElicit ?? false,
    ...(tool.approvalDescription ? { approvalDescription: tool.approvalDescription } : {})
  }
}

/** Nested `$defs` / `definitions` of a schema, which `$ref`s in the preview point into. */
const definitionsOf = (schema: Readonly<Record<string, unknown>> | undefined): Record<string, unknown> => {
  const pick = (value: unknown): Record<string, unknown> =>
    typeof value === "object" && value !== null && !Array.isArray(value) ? { ...value } : {}
  return { ...pick(schema?.["$defs"]), ...pick(schema?.["definitions"]) }
}

export class Catalog extends Effect.Service<Catalog>()("executor/core/Catalog", {
  effect: Effect.gen(function* () {
    const repo = yield* ToolsRepo
    const policies = yield* Policies

    const allTools = Effect.fn("Catalog.allTools")(function* (query: ToolQuery) {
      const builtins = builtinTools.filter(
        (t) =>
          (query.integration === undefined || query.integration === BUILTIN_SLUG) &&
          (query.owner === undefined || query.owner === t.owner) &&
          (query.connection === undefined || query.connection === t.connection)
      )
      const stored = query.integration === BUILTIN_SLUG ? [] : yield* repo.list(query)
      return [...builtins, ...stored]
    })

    const list = Effect.fn("Catalog.list")(function* (query: ToolQuery) {
      const set = yield* policies.current
      const terms = (query.query ?? "").toLowerCase().split(/\s+/).filter((t) => t.length > 0)
      const visible = (yield* allTools(query)).filter(matchesQuery(terms)).filter(
        (tool) => query.includeBlocked !== false || decide(set, tool.address, tool.requiresApproval).action !== "block"
      )
      return visible.map((tool) => summarize(tool, set, query.includeAnnotations === true))
    })

    /** A tool by address, unless it is unknown or blocked (both look the same to the caller). */
    const find = Effect.fn("Catalog.find")(function* (address: string) {
      const set = yield* policies.current
      const tool = builtinTools.find((t) => t.address === address) ?? (yield* repo.get(address))
      if (tool && decide(set, tool.address, tool.requiresApproval).action !== "block") return tool
      const coords = parseToolAddress(address)
      const siblings = coords
        ? (yield* list({ integration: coords.integration, includeBlocked: false }))
            .filter((t) => coords.tool.split(".").some((part) => t.name.toLowerCase().includes(part.toLowerCase())))
            .slice(0, 5)
            .map((t) => t.address)
        : []
      return yield* Effect.fail(
        new ToolNotFoundError({
          address,
          message: `No tool at "${address}"`,
          ...(siblings.length > 0 ? { suggestions: siblings } : {})
        })
      )
    })

    const schema = Effect.fn("Catalog.schema")(function* (address: string) {
      const tool = yield* find(address)
      const definitions = { ...definitionsOf(tool.inputSchema), ...definitionsOf(tool.outputSchema) }
      return {
        address: tool.address,
        name: tool.name,
        description: tool.description,
        inputSchema: tool.inputSchema,
        outputSchema: tool.outputSchema ?? null,
        schemaDefinitions: definitions,
        inputTypeScript: jsonSchemaToTypeScript(tool.inputSchema),
        outputTypeScript: tool.outputSchema ? jsonSchemaToTypeScript(tool.outputSchema) : "unknown",
        definitionsTypeScript: Object.fromEntries(
          Object.entries(definitions).map(([name, def]) => [name, jsonSchemaToTypeScript(def)])
        )
      }
    })

    return { list, find, schema } as const
  }),
  dependencies: [ToolsRepo.Default]
}) {}
