import { Effect, Option, Ref } from "effect"
import { parseToolAddress } from "../domain/address"
import { ToolNotFoundError } from "../domain/errors"
import type { Owner } from "../domain/ids"
import { definitionsClosure, jsonSchemaToTypeScript } from "../domain/json-schema-ts"
import { Plugins } from "../plugin/plugins"
import { IntegrationsRepo } from "../storage/integrations-repo"
import { decide, type PolicySet } from "../domain/policy-resolve"
import type { CatalogTool } from "../domain/tool"
import { ToolsRepo } from "../storage/tools-repo"
import { builtinTools } from "./builtin-tools"
import { buildSearchIndex, runSearch, type SearchIndex, type SearchInput } from "./tool-search"
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

/** A tool's listing fields, without policy annotations. */
export const toolSummary = (tool: CatalogTool): ToolSummary => ({
  address: tool.address,
  owner: tool.owner,
  integration: tool.integration,
  connection: tool.connection,
  name: tool.name,
  pluginId: tool.pluginId,
  description: tool.description
})

const summarize = (tool: CatalogTool, policies: PolicySet, annotate: boolean): ToolSummary => {
  const base = toolSummary(tool)
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

const hasFilter = (q: ToolQuery) =>
  q.integration !== undefined || q.owner !== undefined || q.connection !== undefined || (q.query ?? "").trim() !== ""

/**
 * The tool catalog: built-in tools plus every connection's stored tools, held in
 * memory (sorted by address) and reloaded from storage after each write through
 * `reload`. Reads never touch the database.
 */
export class Catalog extends Effect.Service<Catalog>()("executor/core/Catalog", {
  effect: Effect.gen(function* () {
    const repo = yield* ToolsRepo
    const policies = yield* Policies
    const plugins = yield* Plugins
    const integrations = yield* IntegrationsRepo

    const load = Effect.map(repo.list({}), (stored) => ({
      tools: stored,
      byAddress: new Map<string, CatalogTool>([...builtinTools, ...stored].map((t) => [t.address, t]))
    }))
    const index = yield* Ref.make(yield* load)
    // The JSON of the unfiltered list, for the catalog and policy set it was computed from.
    const rendered = new Map<string, { tools: unknown; policies: PolicySet; json: string }>()

    const reload = Effect.flatMap(load, (next) => Ref.set(index, next)).pipe(Effect.withSpan("Catalog.reload"))

    const allTools = (query: ToolQuery, stored: ReadonlyArray<CatalogTool>) =>
      [...builtinTools, ...stored].filter(
        (t) =>
          (query.integration === undefined || query.integration === t.integration) &&
          (query.owner === undefined || query.owner === t.owner) &&
          (query.connection === undefined || query.connection === t.connection)
      )

    const list = Effect.fn("Catalog.list")(function* (query: ToolQuery) {
      const set = yield* policies.current
      const { tools } = yield* Ref.get(index)
      const terms = (query.query ?? "").toLowerCase().split(/\s+/).filter((t) => t.length > 0)
      const visible = allTools(query, tools).filter(matchesQuery(terms)).filter(
        (tool) => query.includeBlocked !== false || decide(set, tool.address, tool.requiresApproval).action !== "block"
      )
      return visible.map((tool) => summarize(tool, set, query.includeAnnotations === true))
    })

    /** The list as JSON text; the unfiltered list is rendered once per catalog and policy change. */
    const listJson = Effect.fn("Catalog.listJson")(function* (query: ToolQuery) {
      if (hasFilter(query)) return JSON.stringify(yield* list(query))
      const key = `${query.includeAnnotations === true}:${query.includeBlocked !== false}`
      const set = yield* policies.current
      const { tools } = yield* Ref.get(index)
      const cached = rendered.get(key)
      if (cached && cached.tools === tools && cached.policies === set) return cached.json
      const json = JSON.stringify(yield* list(query))
      rendered.set(key, { tools, policies: set, json })
      return json
    })

    /** A tool by address, unless it is unknown or blocked (both look the same to the caller). */
    const find = Effect.fn("Catalog.find")(function* (address: string) {
      const set = yield* policies.current
      const tool = (yield* Ref.get(index)).byAddress.get(address)
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

    /** Definitions the plugin shares across the integration's tools, for `$ref`s into `#/$defs`. */
    const sharedDefinitions = Effect.fn("Catalog.sharedDefinitions")(function* (tool: CatalogTool) {
      const plugin = plugins.byId.get(tool.pluginId)
      if (!plugin?.schemaDefinitions) return {}
      const record = yield* integrations.get(tool.integration)
      return Option.match(record, { onNone: () => ({}), onSome: (r) => plugin.schemaDefinitions?.(r) ?? {} })
    })

    const schema = Effect.fn("Catalog.schema")(function* (address: string) {
      const tool = yield* find(address)
      const own = { ...definitionsOf(tool.inputSchema), ...definitionsOf(tool.outputSchema) }
      const shared = yield* sharedDefinitions(tool)
      const definitions = { ...definitionsClosure([tool.inputSchema, tool.outputSchema], { ...shared, ...own }), ...own }
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

    /** A tool by address whatever the policies say; the invoke path decides what a block means. */
    const lookup = (address: string) => Effect.map(Ref.get(index), (i) => i.byAddress.get(address))

    /** Ranked search over visible tools; the index is rebuilt once per catalog or policy change. */
    let searchable: { tools: unknown; policies: PolicySet; index: SearchIndex } | undefined
    const search = Effect.fn("Catalog.search")(function* (input: SearchInput) {
      const set = yield* policies.current
      const { tools } = yield* Ref.get(index)
      if (!searchable || searchable.tools !== tools || searchable.policies !== set) {
        const visible = yield* list({ includeBlocked: false, includeAnnotations: true })
        searchable = { tools, policies: set, index: buildSearchIndex(visible) }
      }
      return runSearch(searchable.index, input)
    })

    /** Changes identity at every reload: caches keyed on connections and tools compare it. */
    const generation: Effect.Effect<object> = Ref.get(index)

    return { list, listJson, find, lookup, search, schema, reload, generation } as const
  }),
  dependencies: [ToolsRepo.Default]
}) {}
