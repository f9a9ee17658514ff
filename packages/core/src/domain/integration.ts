import { Schema } from "effect"
import { IntegrationSlug, Timestamp } from "./ids"

export const AuthPlacement = Schema.Struct({
  in: Schema.Literal("header", "query", "cookie"),
  name: Schema.String,
  /** How the input becomes the value, e.g. `Bearer {token}`. */
  format: Schema.optional(Schema.String)
})

/** One way to authenticate against an integration; a connection picks one by `template`. */
export const AuthMethodDescriptor = Schema.Struct({
  kind: Schema.Literal("oauth", "apikey", "header", "none"),
  template: Schema.String,
  label: Schema.optional(Schema.String),
  /** Names of the inputs a connection must supply (`value` fills `token`). */
  inputs: Schema.optional(Schema.Array(Schema.String)),
  placements: Schema.optional(Schema.Array(AuthPlacement)),
  oauth: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.Unknown }))
})
export type AuthMethodDescriptor = typeof AuthMethodDescriptor.Type

export const Integration = Schema.Struct({
  slug: IntegrationSlug,
  name: Schema.String,
  description: Schema.String,
  kind: Schema.String,
  canRemove: Schema.Boolean,
  canRefresh: Schema.Boolean,
  authMethods: Schema.Array(AuthMethodDescriptor),
  displayUrl: Schema.NullOr(Schema.String),
  createdAt: Timestamp,
  updatedAt: Timestamp
})
export type Integration = typeof Integration.Type

export const DetectionConfidence = Schema.Literal("high", "medium", "low")

export const IntegrationDetectionResult = Schema.Struct({
  kind: Schema.String,
  confidence: DetectionConfidence,
  endpoint: Schema.String,
  name: Schema.String,
  slug: Schema.String
})
export type IntegrationDetectionResult = typeof IntegrationDetectionResult.Type
