import * as crypto from "node:crypto"
import { Cause, Effect, Option } from "effect"
import { parseToolAddress } from "../domain/address"
import { decide } from "../domain/policy-resolve"
import { type CatalogTool, toolError, type ToolResult } from "../domain/tool"
import { Plugins } from "../plugin/plugins"
import { IntegrationsRepo } from "../storage/integrations-repo"
import { isBuiltinName, builtinRunners } from "./builtin-run"
import { Catalog } from "./catalog"
import { Connections } from "./connections"
import { Policies } from "./policies"
import type { CredentialProviders, CredentialValues } from "../secrets/credential-providers"
import { unsealIntegrationValue } from "../secrets/cipher"
import { SecretKey } from "../secrets/secret-key"
import type { Integrations } from "./integrations"

export interface InvokeContext {
  /** A person approved this call (or the execution runs with auto-approve). */
  readonly approved: boolean
  readonly signal?: AbortSignal | undefined
}

/** Either the call ran (or was refused) and produced a result, or it waits on a person. */
export type InvokeOutcome =
  | { readonly _tag: "Result"; readonly result: ToolResult; readonly tool: CatalogTool | undefined }
  | { readonly _tag: "NeedsApproval"; readonly tool: CatalogTool }

const result = (r: ToolResult, tool?: CatalogTool): InvokeOutcome => ({ _tag: "Result", result: r, tool })

/**
 * The one verb: every tool call, from any surface, goes through `invoke` —
 * policy, then approval, then credentials, then the owning plugin. Expected
 * failures come back as `ToolResult` values; a defect becomes
 * `Internal tool error [id]` with its cause only in the server log.
 */
export class Invoker extends Effect.Service<Invoker>()("executor/core/Invoker", {
  effect: Effect.gen(function* () {
    const catalog = yield* Catalog
    const policies = yield* Policies
    const plugins = yield* Plugins
    const connections = yield* Connections
    const integrations = yield* IntegrationsRepo
    const secretKey = yield* SecretKey
    const context = yield* Effect.context<Integrations | Connections | Policies | CredentialProviders>()

    // Connections with their credentials from the encrypted store, whose items never change
    // once written: kept until the catalog next reloads (any connection or integration write).
    let cachedFor: object | undefined
    const resolved = new Map<string, { readonly template: string; readonly credentials: CredentialValues }>()
    const connectionOf = (tool: CatalogTool) => Effect.gen(function* () {
      const generation = yield* catalog.generation
      if (generation !== cachedFor) {
        resolved.clear()
        cachedFor = generation
      }
      const cacheKey = `${tool.owner}\u0000${tool.integration}\u0000${tool.connection}`
      const hit = resolved.get(cacheKey)
      if (hit) return hit
      const record = yield* connections.getRecord({ owner: tool.owner, integration: tool.integration, name: tool.connection })
      const entry = { template: record.template, credentials: yield* connections.credentials(record) }
      if (record.provider === "default") resolved.set(cacheKey, entry)
      return entry
    })

    const callPlugin = (tool: CatalogTool, args: unknown, signal: AbortSignal | undefined) =>
      Effect.gen(function* () {
        const plugin = plugins.byId.get(tool.pluginId)
        if (!plugin) return toolError("plugin_unavailable", `The plugin "${tool.pluginId}" that serves ${tool.address} is not loaded`)
        const key = { owner: tool.owner, integration: tool.integration, name: tool.connection }
        const integration = yield* integrations.get(tool.integration)
        if (Option.isNone(integration)) return toolError("tool_not_found", `The integration "${tool.integration}" is gone`)
        const { template, credentials } = yield* connectionOf(tool)
        return yield* plugin.invokeTool({
          integration: integration.value,
          connection: { owner: key.owner, name: key.name, template, credentials },
          tool: tool.name,
          args,
          unseal: (sealed) => unsealIntegrationValue(secretKey.key, tool.integration, sealed),
          ...(signal ? { signal } : {})
        })
      }).pipe(Effect.catchAll((e) => Effect.succeed(toolError("connection_unavailable", e.message))))

    const run = (tool: CatalogTool, args: unknown, signal: AbortSignal | undefined): Effect.Effect<ToolResult> =>
      tool.pluginId === "built-in"
        ? isBuiltinName(tool.name)
          ? Effect.provide(builtinRunners[tool.name](args), context)
          : Effect.succeed(toolError("tool_not_found", `No built-in tool "${tool.name}"`))
        : callPlugin(tool, args, signal)

    const notFound = Effect.fn("Invoker.notFound")(function* (address: string) {
      const failure = yield* Effect.flip(catalog.find(address))
      const suggestions = failure.suggestions ?? []
      return toolError(
        "tool_not_found",
        suggestions.length > 0 ? `${failure.message}. Did you mean: ${suggestions.join(", ")}?` : `${failure.message}; use tools.search to find tools`
      )
    })

    // A plain generator rather than Effect.fn: this runs for every tool call, and a traced
    // function costs about 10 µs per call.
    const invoke = (address: string, args: unknown, ctx: InvokeContext) => Effect.gen(function* () {
      const tool = parseToolAddress(address) ? yield* catalog.lookup(address) : undefined
      if (!tool) return result(yield* notFound(address))
      const decision = decide(yield* policies.current, tool.address, tool.requiresApproval)
      if (decision.action === "block") {
        return result(toolError("tool_blocked", `${tool.address} is blocked by a policy`), tool)
      }
      if (decision.action === "require_approval" && !ctx.approved) return { _tag: "NeedsApproval", tool } satisfies InvokeOutcome
      const ran = yield* run(tool, args, ctx.signal).pipe(
        Effect.catchAllCause((cause) => {
          const traceId = crypto.randomUUID()
          return Effect.as(
            Effect.logError("tool defect", { traceId, address }, Cause.pretty(cause)),
            toolError("internal_error", `Internal tool error [${traceId}]`)
          )
        })
      )
      return result(ran, tool)
    })

    return { invoke } as const
  })
}) {}
