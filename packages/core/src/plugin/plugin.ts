import type { HttpApiGroup } from "@effect/platform"
import type { Effect, Layer, Option } from "effect"
import type { ToolDiscoveryError } from "../domain/errors"
import type { Owner } from "../domain/ids"
import type { IntegrationDetectionResult } from "../domain/integration"
import type { ToolDefinition, ToolResult } from "../domain/tool"
import type { CredentialValues } from "../secrets/credential-providers"
import type { CoreServices } from "../services/core-layer"
import type { IntegrationRecord } from "../storage/integrations-repo"

/** What a tool source sees of the connection it serves. */
export interface ToolSourceConnection {
  readonly owner: Owner
  readonly name: string
  readonly template: string
  /** Resolved credential inputs; in memory only, never logged or returned. */
  readonly credentials: CredentialValues
}

export interface ListToolsInput {
  readonly integration: IntegrationRecord
  readonly connection: ToolSourceConnection
}

export interface InvokeToolInput extends ListToolsInput {
  readonly tool: string
  readonly args: unknown
  readonly signal?: AbortSignal
  /** Opens values the plugin sealed into this integration's config with `sealIntegrationValue`. */
  readonly unseal: (sealed: string) => string | undefined
}

/**
 * The HTTP routes a plugin adds under `/api`. The group must carry the API's
 * `Authorization` middleware; its handler layer is built against an API named
 * "executor" and may require any core service.
 */
export interface PluginHttp<Group extends HttpApiGroup.HttpApiGroup.Any, R> {
  readonly group: Group
  /** Larger request bodies for some of the plugin's routes (say, whole API descriptions). */
  readonly bodyLimits?: ReadonlyArray<{ readonly pathPrefix: string; readonly bytes: number }>
  readonly handlers: Layer.Layer<HttpApiGroup.ApiGroup<"executor", HttpApiGroup.HttpApiGroup.Name<Group>>, never, R>
}

/**
 * Everything a plugin contributes. Integrations of `kind === id` belong to it:
 * it lists their tools per connection (with default approval annotations on each
 * definition), invokes them, and may recognise URLs it can register.
 */
export interface ExecutorPlugin<Group extends HttpApiGroup.HttpApiGroup.Any = HttpApiGroup.HttpApiGroup.Any, R = never> {
  readonly id: string
  readonly name: string
  readonly http?: PluginHttp<Group, R>
  readonly detect?: (url: string) => Effect.Effect<Option.Option<IntegrationDetectionResult>>
  readonly listTools: (input: ListToolsInput) => Effect.Effect<ReadonlyArray<ToolDefinition>, ToolDiscoveryError>
  readonly invokeTool: (input: InvokeToolInput) => Effect.Effect<ToolResult>
  /**
   * Schemas shared by an integration's tools: their schemas may point at them with
   * `{"$ref": "#/$defs/Name"}` instead of repeating them, and describe follows them.
   */
  readonly schemaDefinitions?: (integration: IntegrationRecord) => Readonly<Record<string, unknown>>
}

/** A plugin as the host holds it: its handlers may require any of the core services. */
export type AnyPlugin = ExecutorPlugin<HttpApiGroup.HttpApiGroup.Any, CoreServices>
