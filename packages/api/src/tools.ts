import { HttpApiEndpoint, HttpApiGroup } from "@effect/platform"
import { ConnectionName, IntegrationSlug, JsonSchema, Owner, ToolNotFoundError } from "@executor/core"
import { Schema } from "effect"
import { Authorization } from "@executor/core"

export const ToolSummary = Schema.Struct({
  address: Schema.String,
  owner: Owner,
  integration: Schema.String,
  connection: Schema.String,
  name: Schema.String,
  pluginId: Schema.String,
  description: Schema.String,
  requiresApproval: Schema.optional(Schema.Boolean),
  mayElicit: Schema.optional(Schema.Boolean),
  approvalDescription: Schema.optional(Schema.String)
})

export const ToolSchemaView = Schema.Struct({
  address: Schema.String,
  name: Schema.String,
  description: Schema.String,
  inputSchema: JsonSchema,
  outputSchema: Schema.NullOr(JsonSchema),
  schemaDefinitions: Schema.Record({ key: Schema.String, value: Schema.Unknown }),
  inputTypeScript: Schema.String,
  outputTypeScript: Schema.String,
  definitionsTypeScript: Schema.Record({ key: Schema.String, value: Schema.String })
})

const Flag = Schema.Literal("true", "false")

export class ToolsApi extends HttpApiGroup.make("tools")
  .add(
    HttpApiEndpoint.get("list", "/tools")
      .setUrlParams(
        Schema.Struct({
          integration: Schema.optional(IntegrationSlug),
          owner: Schema.optional(Owner),
          connection: Schema.optional(ConnectionName),
          query: Schema.optional(Schema.String.pipe(Schema.maxLength(512))),
          includeAnnotations: Schema.optional(Flag),
          includeBlocked: Schema.optional(Flag)
        })
      )
      .addSuccess(Schema.Array(ToolSummary))
  )
  .add(
    HttpApiEndpoint.get("schema", "/tools/schema")
      .setUrlParams(Schema.Struct({ address: Schema.String.pipe(Schema.minLength(1), Schema.maxLength(1024)) }))
      .addSuccess(ToolSchemaView)
      .addError(ToolNotFoundError)
  )
  .middleware(Authorization)
  .prefix("/api") {}
