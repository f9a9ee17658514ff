import { HttpApiEndpoint, HttpApiGroup } from "@effect/platform"
import { CredentialProviderNotRegisteredError, ProviderInfo, ProviderItem, ProviderKey } from "@executor/core"
import { Schema } from "effect"
import { Authorization } from "@executor/core"

export class ProvidersApi extends HttpApiGroup.make("providers")
  .add(HttpApiEndpoint.get("list", "/providers").addSuccess(Schema.Array(ProviderInfo)))
  .add(
    HttpApiEndpoint.get("items", "/providers/:key/items")
      .setPath(Schema.Struct({ key: ProviderKey }))
      .addSuccess(Schema.Array(ProviderItem))
      .addError(CredentialProviderNotRegisteredError)
  )
  .middleware(Authorization)
  .prefix("/api") {}
