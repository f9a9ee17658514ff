import { HttpApiEndpoint, HttpApiGroup } from "@effect/platform"
import {
  Connection,
  ConnectionAlreadyExistsError,
  ConnectionKeyParams,
  ConnectionNotFoundError,
  CreateConnectionPayload,
  CredentialProviderNotRegisteredError,
  IntegrationNotFoundError,
  IntegrationSlug,
  InvalidConnectionInputError,
  Owner,
  ProviderItemNotFoundError,
  ToolDiscoveryError,
  UpdateConnectionPayload
} from "@executor/core"
import { Schema } from "effect"
import { Authorization } from "@executor/core"
import { Removed } from "./integrations"
import { ToolSummary } from "./tools"

const path = "/connections/:owner/:integration/:name"

export class ConnectionsApi extends HttpApiGroup.make("connections")
  .add(
    HttpApiEndpoint.get("list", "/connections")
      .setUrlParams(Schema.Struct({ owner: Schema.optional(Owner), integration: Schema.optional(IntegrationSlug) }))
      .addSuccess(Schema.Array(Connection))
  )
  .add(
    HttpApiEndpoint.post("create", "/connections")
      .setPayload(CreateConnectionPayload)
      .addSuccess(Connection, { status: 201 })
      .addError(IntegrationNotFoundError)
      .addError(CredentialProviderNotRegisteredError)
      .addError(ProviderItemNotFoundError)
      .addError(InvalidConnectionInputError)
      .addError(ConnectionAlreadyExistsError)
      .addError(ToolDiscoveryError)
  )
  .add(HttpApiEndpoint.get("get", path).setPath(ConnectionKeyParams).addSuccess(Connection).addError(ConnectionNotFoundError))
  .add(
    HttpApiEndpoint.patch("update", path)
      .setPath(ConnectionKeyParams)
      .setPayload(UpdateConnectionPayload)
      .addSuccess(Connection)
      .addError(ConnectionNotFoundError)
  )
  .add(HttpApiEndpoint.del("remove", path).setPath(ConnectionKeyParams).addSuccess(Removed).addError(ConnectionNotFoundError))
  .add(
    HttpApiEndpoint.post("refresh", `${path}/refresh`)
      .setPath(ConnectionKeyParams)
      .addSuccess(Schema.Array(ToolSummary))
      .addError(ConnectionNotFoundError)
      .addError(IntegrationNotFoundError)
      .addError(CredentialProviderNotRegisteredError)
      .addError(ProviderItemNotFoundError)
      .addError(ToolDiscoveryError)
  )
  .middleware(Authorization)
  .prefix("/api") {}
