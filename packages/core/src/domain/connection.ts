import { Schema } from "effect"
import { ConnectionName, IntegrationSlug, Owner, ProviderKey, Timestamp } from "./ids"

/** A connection as every route returns it: metadata only, never a credential value. */
export const Connection = Schema.Struct({
  address: Schema.String,
  owner: Owner,
  integration: IntegrationSlug,
  name: ConnectionName,
  template: Schema.String,
  provider: ProviderKey,
  oauthClient: Schema.NullOr(Schema.String),
  expiresAt: Schema.NullOr(Schema.Number),
  identityLabel: Schema.NullOr(Schema.String),
  description: Schema.NullOr(Schema.String),
  toolCount: Schema.Number,
  createdAt: Timestamp,
  updatedAt: Timestamp
})
export type Connection = typeof Connection.Type

export const ProviderItem = Schema.Struct({ id: Schema.String, name: Schema.String })
export type ProviderItem = typeof ProviderItem.Type

export const ProviderInfo = Schema.Struct({
  key: ProviderKey,
  name: Schema.String,
  canBrowse: Schema.Boolean,
  writable: Schema.Boolean
})
export type ProviderInfo = typeof ProviderInfo.Type
