import { Effect, ParseResult, Schema } from "effect"
import { toolError, type ToolResult } from "../domain/tool"
import { CredentialProviders } from "../secrets/credential-providers"
import { BuiltinInputs, type BuiltinName } from "./builtin-tools"
import { toolSummary } from "./catalog"
import { Connections } from "./connections"
import { Integrations } from "./integrations"
import { Policies } from "./policies"

type Services = Integrations | Connections | Policies | CredentialProviders

/** A tagged failure of a core service, as a tool sees it: `PolicyNotFoundError` → `policy_not_found`. */
const codeOf = (tag: string) =>
  tag
    .replace(/Error$/, "")
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .toLowerCase()

const isTagged = (e: unknown): e is { readonly _tag: string; readonly message: string } =>
  typeof e === "object" && e !== null && typeof Reflect.get(e, "_tag") === "string" && typeof Reflect.get(e, "message") === "string"

const tool =
  <A, I>(input: Schema.Schema<A, I>, run: (args: A) => Effect.Effect<unknown, unknown, Services>) =>
  (args: unknown): Effect.Effect<ToolResult, never, Services> =>
    Schema.decodeUnknown(input)(args ?? {}, { onExcessProperty: "error" }).pipe(
      Effect.mapError((e) => toolError("invalid_arguments", ParseResult.TreeFormatter.formatErrorSync(e))),
      Effect.flatMap((decoded) =>
        run(decoded).pipe(
          Effect.mapError((e) => (isTagged(e) ? toolError(codeOf(e._tag), e.message) : toolError("tool_failed", String(e))))
        )
      ),
      Effect.map((data): ToolResult => ({ ok: true, data })),
      Effect.merge
    )

/** Executor's own tools, run against the same services as the HTTP API. */
export const builtinRunners: Record<BuiltinName, (args: unknown) => Effect.Effect<ToolResult, never, Services>> = {
  "integrations.list": tool(BuiltinInputs["integrations.list"], () => Effect.flatMap(Integrations, (s) => s.list())),
  "integrations.get": tool(BuiltinInputs["integrations.get"], ({ slug }) => Effect.flatMap(Integrations, (s) => s.get(slug))),
  "integrations.update": tool(BuiltinInputs["integrations.update"], ({ slug, ...patch }) =>
    Effect.flatMap(Integrations, (s) => s.update(slug, patch))
  ),
  "integrations.remove": tool(BuiltinInputs["integrations.remove"], ({ slug }) => Effect.flatMap(Integrations, (s) => s.remove(slug))),
  "connections.list": tool(BuiltinInputs["connections.list"], (filter) => Effect.flatMap(Connections, (s) => s.list(filter))),
  "connections.create": tool(BuiltinInputs["connections.create"], (input) => Effect.flatMap(Connections, (s) => s.create(input))),
  "connections.update": tool(BuiltinInputs["connections.update"], ({ owner, integration, name, ...patch }) =>
    Effect.flatMap(Connections, (s) => s.update({ owner, integration, name }, patch))
  ),
  "connections.remove": tool(BuiltinInputs["connections.remove"], (key) => Effect.flatMap(Connections, (s) => s.remove(key))),
  "connections.refresh": tool(BuiltinInputs["connections.refresh"], (key) =>
    Effect.flatMap(Connections, (s) => Effect.map(s.refresh(key), (tools) => tools.map(toolSummary)))
  ),
  "providers.list": tool(BuiltinInputs["providers.list"], () => Effect.flatMap(CredentialProviders, (s) => s.list)),
  "providers.items": tool(BuiltinInputs["providers.items"], ({ key }) =>
    Effect.flatMap(CredentialProviders, (s) => Effect.flatMap(s.get(key), (p) => p.items))
  ),
  "policies.list": tool(BuiltinInputs["policies.list"], ({ owner }) => Effect.flatMap(Policies, (s) => s.list(owner))),
  "policies.create": tool(BuiltinInputs["policies.create"], (input) => Effect.flatMap(Policies, (s) => s.create(input))),
  "policies.update": tool(BuiltinInputs["policies.update"], ({ id, ...input }) => Effect.flatMap(Policies, (s) => s.update(id, input))),
  "policies.remove": tool(BuiltinInputs["policies.remove"], ({ id, owner }) => Effect.flatMap(Policies, (s) => s.remove(id, owner)))
}

export const isBuiltinName = (name: string): name is BuiltinName => Object.hasOwn(builtinRunners, name)
