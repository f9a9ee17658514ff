import { Schema } from "effect"
import { AuthTemplateSlug, ConnectionName, IntegrationSlug, Owner, ProviderItemId, ProviderKey } from "./ids"
import { PolicyAction } from "./policy"

/**
 * Inputs of the core write operations. The HTTP API and the built-in `executor.*`
 * tools share them, so both validate the same way.
 */
export const CreateConnectionPayload = Schema.Struct({
  owner: Owner,
  name: ConnectionName,
  integration: IntegrationSlug,
  template: AuthTemplateSlug,
  value: Schema.optional(Schema.String.pipe(Schema.maxLength(65_536))),
  values: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.String.pipe(Schema.maxLength(65_536)) })),
  from: Schema.optional(Schema.Struct({ provider: ProviderKey, id: ProviderItemId })),
  identityLabel: Schema.optional(Schema.NullOr(Schema.String.pipe(Schema.maxLength(256)))),
  description: Schema.optional(Schema.NullOr(Schema.String.pipe(Schema.maxLength(4096))))
})

export const ConnectionKeyParams = Schema.Struct({
  owner: Owner,
  integration: IntegrationSlug,
  name: ConnectionName
})

export const UpdateConnectionPayload = Schema.Struct({
  identityLabel: Schema.optional(Schema.NullOr(Schema.String.pipe(Schema.maxLength(256)))),
  description: Schema.optional(Schema.NullOr(Schema.String.pipe(Schema.maxLength(4096))))
})

export const UpdateIntegrationPayload = Schema.Struct({
  name: Schema.optional(Schema.String.pipe(Schema.minLength(1), Schema.maxLength(256))),
  description: Schema.optional(Schema.String.pipe(Schema.maxLength(4096))),
  displayUrl: Schema.optional(Schema.NullOr(Schema.String.pipe(Schema.maxLength(2048))))
})

export const DetectIntegrationPayload = Schema.Struct({
  url: Schema.String.pipe(Schema.minLength(1), Schema.maxLength(2048))
})

export const PolicyPosition = Schema.String.pipe(Schema.minLength(1), Schema.maxLength(64))

export const CreatePolicyPayload = Schema.Struct({
  owner: Owner,
  pattern: Schema.String.pipe(Schema.maxLength(512)),
  action: PolicyAction,
  position: Schema.optional(PolicyPosition)
})

export const UpdatePolicyPayload = Schema.Struct({
  owner: Owner,
  pattern: Schema.optional(Schema.String.pipe(Schema.maxLength(512))),
  action: Schema.optional(PolicyAction),
  position: Schema.optional(PolicyPosition)
})

export const PolicyOwnerParam = Schema.Struct({ owner: Owner })
