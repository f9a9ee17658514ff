import { JSONSchema, Schema } from "effect"
import { toolAddress } from "../domain/address"
import { IntegrationSlug, Owner, PolicyId, ProviderKey } from "../domain/ids"
import {
  ConnectionKeyParams,
  CreateConnectionPayload,
  CreatePolicyPayload,
  UpdateConnectionPayload,
  UpdateIntegrationPayload,
  UpdatePolicyPayload
} from "../domain/payloads"
import type { CatalogTool } from "../domain/tool"
import { BUILTIN_CONNECTION, BUILTIN_OWNER, BUILTIN_SLUG } from "./builtin"

export interface BuiltinSpec {
  readonly name: string
  readonly description: string
  readonly input: Schema.Schema.AnyNoContext
  /** Writes that weaken security (credentials, policies) need a human's approval by default. */
  readonly requiresApproval: boolean
}

const None = Schema.Struct({})

/** The input of each built-in tool; the tools' JSON Schemas and their decoders both come from here. */
export const BuiltinInputs = {
  "integrations.list": None,
  "integrations.get": Schema.Struct({ slug: IntegrationSlug }),
  "integrations.update": Schema.extend(Schema.Struct({ slug: IntegrationSlug }), UpdateIntegrationPayload),
  "integrations.remove": Schema.Struct({ slug: IntegrationSlug }),
  "connections.list": Schema.Struct({ owner: Schema.optional(Owner), integration: Schema.optional(IntegrationSlug) }),
  "connections.create": CreateConnectionPayload,
  "connections.update": Schema.extend(ConnectionKeyParams, UpdateConnectionPayload),
  "connections.remove": ConnectionKeyParams,
  "connections.refresh": ConnectionKeyParams,
  "providers.list": None,
  "providers.items": Schema.Struct({ key: ProviderKey }),
  "policies.list": Schema.Struct({ owner: Schema.optional(Owner) }),
  "policies.create": CreatePolicyPayload,
  "policies.update": Schema.extend(Schema.Struct({ id: PolicyId }), UpdatePolicyPayload),
  "policies.remove": Schema.Struct({ id: PolicyId, owner: Owner })
} as const

export type BuiltinName = keyof typeof BuiltinInputs

const spec = (name: BuiltinName, description: string, requiresApproval: boolean): BuiltinSpec => ({
  name,
  description,
  input: BuiltinInputs[name],
  requiresApproval
})

export const builtinToolSpecs: ReadonlyArray<BuiltinSpec> = [
  spec("integrations.list", "List the registered integrations.", false),
  spec("integrations.get", "Get one integration by slug.", false),
  spec("integrations.update", "Change an integration's display name, description or URL.", false),
  spec("integrations.remove", "Remove an integration with its connections and their stored credentials.", true),
  spec("connections.list", "List connections (credentials bound to an integration), optionally by owner or integration.", false),
  spec("connections.create", "Create a connection from a credential value, named values, or a provider item.", true),
  spec("connections.update", "Change a connection's label or description.", true),
  spec("connections.remove", "Remove a connection and its stored credential.", true),
  spec("connections.refresh", "Re-discover a connection's tools from its upstream.", false),
  spec("providers.list", "List the credential providers.", false),
  spec("providers.items", "List the items a credential provider holds (names only, never values).", false),
  spec("policies.list", "List the tool policies.", false),
  spec("policies.create", "Create a policy that approves, requires approval for, or blocks the tools a pattern matches.", true),
  spec("policies.update", "Change a policy's pattern, action or position.", true),
  spec("policies.remove", "Remove a policy.", true)
]

/** Executor's own tools, addressed `tools.executor.org.core.<name>`. */
export const builtinTools: ReadonlyArray<CatalogTool> = builtinToolSpecs.map((spec) => ({
  address: toolAddress({ integration: BUILTIN_SLUG, owner: BUILTIN_OWNER, connection: BUILTIN_CONNECTION, tool: spec.name }),
  owner: BUILTIN_OWNER,
  integration: BUILTIN_SLUG,
  connection: BUILTIN_CONNECTION,
  pluginId: "built-in",
  name: spec.name,
  description: spec.description,
  inputSchema: { ...JSONSchema.make(spec.input) },
  requiresApproval: spec.requiresApproval,
  ...(spec.requiresApproval ? { approvalDescription: `${spec.name} changes Executor's credentials or rules` } : {}),
  mayElicit: false
}))
