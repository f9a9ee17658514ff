import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema } from "@effect/platform"
import {
  AuthMethodDescriptor,
  Authorization,
  IntegrationAlreadyExistsError,
  IntegrationNotFoundError,
  IntegrationRemovalNotAllowedError,
  IntegrationSlug
} from "@executor/core"
import { Schema } from "effect"

/** The document is not an OpenAPI description this plugin can use; the message says why. */
export class InvalidOpenApiSpecError extends Schema.TaggedError<InvalidOpenApiSpecError>()(
  "InvalidOpenApiSpecError",
  { message: Schema.String },
  HttpApiSchema.annotations({ status: 400 })
) {}

/** The description's URL could not be fetched. */
export class OpenApiSpecFetchError extends Schema.TaggedError<OpenApiSpecFetchError>()(
  "OpenApiSpecFetchError",
  { message: Schema.String, url: Schema.String },
  HttpApiSchema.annotations({ status: 400 })
) {}

const HttpUrl = Schema.String.pipe(
  Schema.maxLength(4_096),
  Schema.filter((s) => /^https?:\/\/[^\s]+$/i.test(s) || "must be an http(s) URL")
)

/** Where a description comes from: a URL the daemon fetches, or the document itself (JSON or YAML text, or a JSON value). */
export const SpecSource = Schema.Union(
  Schema.Struct({ kind: Schema.Literal("url"), url: HttpUrl }),
  Schema.Struct({
    kind: Schema.Literal("blob"),
    value: Schema.Union(Schema.String, Schema.Record({ key: Schema.String, value: Schema.Unknown }))
  })
)
export type SpecSource = typeof SpecSource.Type

const Values = Schema.Record({ key: Schema.String.pipe(Schema.minLength(1), Schema.maxLength(256)), value: Schema.String.pipe(Schema.maxLength(8_192)) })

export const PreviewPayload = Schema.Struct({ spec: SpecSource })

export const Server = Schema.Struct({
  url: Schema.String,
  description: Schema.optional(Schema.String),
  variables: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.Struct({ default: Schema.String, enum: Schema.optional(Schema.Array(Schema.String)) }) }))
})

export const SpecPreview = Schema.Struct({
  title: Schema.String,
  version: Schema.String,
  description: Schema.String,
  openapi: Schema.String,
  servers: Schema.Array(Server),
  authMethods: Schema.Array(AuthMethodDescriptor),
  operationCount: Schema.Number,
  tags: Schema.Array(Schema.String)
})

export const AddSpecPayload = Schema.Struct({
  spec: SpecSource,
  slug: IntegrationSlug,
  name: Schema.optional(Schema.String.pipe(Schema.minLength(1), Schema.maxLength(200))),
  description: Schema.optional(Schema.String.pipe(Schema.maxLength(4_000))),
  baseUrl: Schema.optional(HttpUrl),
  /** Sent with every call; stored sealed, never returned. */
  headers: Schema.optional(Values),
  queryParams: Schema.optional(Values),
  timeoutMs: Schema.optional(Schema.Int.pipe(Schema.between(100, 600_000)))
})

export const AddedSpec = Schema.Struct({ slug: Schema.String, toolCount: Schema.Number })

export const OperationSummary = Schema.Struct({
  name: Schema.String,
  method: Schema.String,
  path: Schema.String,
  requiresApproval: Schema.Boolean
})

export const OpenApiIntegration = Schema.Struct({
  slug: Schema.String,
  name: Schema.String,
  description: Schema.String,
  title: Schema.String,
  version: Schema.String,
  source: Schema.Struct({ kind: Schema.Literal("url", "blob"), url: Schema.optional(Schema.String) }),
  baseUrl: Schema.NullOr(Schema.String),
  servers: Schema.Array(Server),
  authMethods: Schema.Array(AuthMethodDescriptor),
  toolCount: Schema.Number,
  operations: Schema.Array(OperationSummary)
})

/** What is configured, with the names of headers and query parameters but never their values. */
export const OpenApiConfigView = Schema.Struct({
  source: Schema.Struct({ kind: Schema.Literal("url", "blob"), url: Schema.optional(Schema.String) }),
  baseUrl: Schema.NullOr(Schema.String),
  headers: Schema.Array(Schema.String),
  queryParams: Schema.Array(Schema.String),
  timeoutMs: Schema.Number
})

export const UpdateSpecPayload = Schema.Struct({ spec: Schema.optional(SpecSource) })

export const SpecUpdated = Schema.Struct({
  /** Connections the new description affects: a template it dropped, tools that could not be refreshed. */
  warnings: Schema.optional(Schema.Array(Schema.String)),
  toolCount: Schema.Number,
  addedTools: Schema.Array(Schema.String),
  removedTools: Schema.Array(Schema.String)
})

const SlugParam = Schema.Struct({ slug: IntegrationSlug })

export class OpenApiGroup extends HttpApiGroup.make("openapi")
  .add(
    HttpApiEndpoint.post("preview", "/preview")
      .setPayload(PreviewPayload)
      .addSuccess(SpecPreview)
      .addError(InvalidOpenApiSpecError)
      .addError(OpenApiSpecFetchError)
  )
  .add(
    HttpApiEndpoint.post("addSpec", "/specs")
      .setPayload(AddSpecPayload)
      .addSuccess(AddedSpec, { status: 201 })
      .addError(InvalidOpenApiSpecError)
      .addError(OpenApiSpecFetchError)
      .addError(IntegrationAlreadyExistsError)
  )
  .add(
    HttpApiEndpoint.get("get", "/integrations/:slug").setPath(SlugParam).addSuccess(OpenApiIntegration).addError(IntegrationNotFoundError)
  )
  .add(
    HttpApiEndpoint.get("config", "/integrations/:slug/config")
      .setPath(SlugParam)
      .addSuccess(OpenApiConfigView)
      .addError(IntegrationNotFoundError)
  )
  .add(
    HttpApiEndpoint.post("updateSpec", "/integrations/:slug/spec")
      .setPath(SlugParam)
      .setPayload(UpdateSpecPayload)
      .addSuccess(SpecUpdated)
      .addError(IntegrationNotFoundError)
      .addError(InvalidOpenApiSpecError)
      .addError(OpenApiSpecFetchError)
  )
  .add(
    HttpApiEndpoint.del("remove", "/integrations/:slug")
      .setPath(SlugParam)
      .addSuccess(Schema.Struct({ removed: Schema.Literal(true) }))
      .addError(IntegrationNotFoundError)
      .addError(IntegrationRemovalNotAllowedError)
  )
  .middleware(Authorization)
  .prefix("/api/openapi") {}
