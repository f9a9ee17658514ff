import { Schema } from "effect"
import { Owner } from "./ids"

/** A JSON Schema document, carried as an opaque JSON value. */
export const JsonSchema = Schema.Record({ key: Schema.String, value: Schema.Unknown })
export type JsonSchema = typeof JsonSchema.Type

/** What a plugin says about one tool of one connection. */
export const ToolDefinition = Schema.Struct({
  name: Schema.String.pipe(Schema.pattern(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/)),
  description: Schema.String,
  inputSchema: JsonSchema,
  outputSchema: Schema.optional(JsonSchema),
  /** The plugin's default when no policy matches (e.g. OpenAPI writes). */
  requiresApproval: Schema.Boolean,
  approvalDescription: Schema.optional(Schema.String),
  mayElicit: Schema.optional(Schema.Boolean)
})
export type ToolDefinition = typeof ToolDefinition.Type

/** A tool as the catalog stores it: a definition bound to its address. */
export const CatalogTool = Schema.Struct({
  address: Schema.String,
  owner: Owner,
  integration: Schema.String,
  connection: Schema.String,
  pluginId: Schema.String,
  ...ToolDefinition.fields
})
export type CatalogTool = typeof CatalogTool.Type

export const ToolErrorInfo = Schema.Struct({
  code: Schema.String,
  message: Schema.String,
  status: Schema.optional(Schema.Number),
  retryable: Schema.optional(Schema.Boolean)
})

export const HttpInfo = Schema.Struct({
  status: Schema.Number,
  headers: Schema.Record({ key: Schema.String, value: Schema.String })
})

/** Every invocation ends in one of these values; expected failures are never thrown. */
export const ToolResult = Schema.Union(
  Schema.Struct({ ok: Schema.Literal(true), data: Schema.Unknown, http: Schema.optional(HttpInfo) }),
  Schema.Struct({ ok: Schema.Literal(false), error: ToolErrorInfo })
)
export type ToolResult = typeof ToolResult.Type

export const toolError = (code: string, message: string, extra?: { status?: number; retryable?: boolean }): ToolResult => ({
  ok: false,
  error: { code, message, ...extra }
})
