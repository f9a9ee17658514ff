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

interface BuiltinSpec {
  readonly name: string
  readonly description: string
  readonly input: Schema.Schema.AnyNoContext
  /** Writes that weaken security (credentials, policies) need a human's approval by default. */
  readonly requiresApproval: boolean
}

const None = Schema.Struct({})

const specs: ReadonlyArray<BuiltinSpec> = [
  { name: "integrations.list", description: "List the registered integrations.", input: None, requiresApproval: false },
  {
    name: "integrations.get",
    description: "Get one integration by slug.",
    input: Schema.Struct({ slug: IntegrationSlug }),
    requiresApproval: false
  },
  {
    name: "integrations.update",
    description: "Change an integration's display name, description or URL.",
    input: Schema.extend(Schema.Struct({ slug: IntegrationSlug }), UpdateIntegrationPayload),
    requiresApproval: false
  },
  {
    name: "integrations.remove",
    description: "Remove an integration with its connections and their stored credentials.",
    input: Schema.Struct({ slug: IntegrationSlug }),
    requiresApproval: true
  },
  {
    name: "connections.list",
    description: "List connections (credentials bound to an integration), optionally by owner or integration.",
    input: Schema.Struct({ owner: Schema.optional(Owner), integration: Schema.optional(IntegrationSlug) }),
    requiresApproval: false
  },
  {
    name: "connections.create",
    description: "Create a connection from a credential value, named values, or a provider item.",
    input: CreateConnectionPayload,
    requiresApproval: true
  },
  {
    name: "connections.update",
    description: "Change a connection's label or description.",
    input: Schema.extend(ConnectionKeyParams, UpdateConnectionPayload),
    requiresApproval: true
  },
  {
    name: "connections.remove",
    description: "Remove a connection and its stored credential.",
    input: ConnectionKeyParams,
    requiresApproval: true
  },
  {
    name: "connections.refresh",
    description: "Re-discover a connection's tools from its upstream.",
    input: ConnectionKeyParams,
    requiresApproval: false
  },
  { name: "providers.list", description: "List the credential providers.", input: None, requiresApproval: false },
  {
    name: "providers.items",
    description: "List the items a credential provider holds (names only, never values).",
    input: Schema.Struct({ key: ProviderKey }),
    requiresApproval: false
  },
  {
    name: "policies.list",
    description: "List the tool policies.",
    input: Schema.Struct({ owner: Schema.optional(Owner) }),
    requiresApproval: false
  },
  {
    name: "policies.create",
    description: "Create a policy that approves, requires approval for, or blocks the tools a pattern matches.",
    input: CreatePolicyPayload,
    requiresApproval: true
  },
  {
    name: "policies.update",
    description: "Change a policy's pattern, action or position.",
    input: Schema.extend(Schema.Struct({ id: PolicyId }), UpdatePolicyPayload),
    requiresApproval: true
  },
  {
    name: "policies.remove",
    description: "Remove a policy.",
    input: Schema.Struct({ id: PolicyId, owner: Owner }),
    requiresApproval: true
  }
]

/** Executor's own tools, addressed `tools.executor.org.core.<name>`. */
export const builtinTools: ReadonlyArray<CatalogTool> = specs.map((spec) => ({
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
