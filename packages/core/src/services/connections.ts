import { SqlClient } from "@effect/sql"
import { Clock, Effect, Option } from "effect"
import { connectionAddress, toolAddress } from "../domain/address"
import type { Connection } from "../domain/connection"
import {
  ConnectionAlreadyExistsError,
  ConnectionNotFoundError,
  InvalidConnectionInputError,
  ToolDiscoveryError
} from "../domain/errors"
import type { Owner } from "../domain/ids"
import type { CatalogTool, ToolDefinition } from "../domain/tool"
import { Plugins } from "../plugin/plugins"
import { type CredentialValues, CredentialProviders } from "../secrets/credential-providers"
import { type ConnectionKey, type ConnectionWithCount, ConnectionsRepo } from "../storage/connections-repo"
import type { IntegrationRecord } from "../storage/integrations-repo"
import { ToolsRepo } from "../storage/tools-repo"
import { BUILTIN_SLUG } from "./builtin"
import { Catalog } from "./catalog"
import { Integrations } from "./integrations"

export interface CreateConnectionInput {
  readonly owner: Owner
  readonly name: string
  readonly integration: string
  readonly template: string
  readonly value?: string | undefined
  readonly values?: Readonly<Record<string, string>> | undefined
  readonly from?: { readonly provider: string; readonly id: string } | undefined
  readonly identityLabel?: string | null | undefined
  readonly description?: string | null | undefined
}

export interface ConnectionPatch {
  readonly identityLabel?: string | null | undefined
  readonly description?: string | null | undefined
}

const view = (c: ConnectionWithCount): Connection => ({
  address: connectionAddress(c.owner, c.integration, c.name),
  owner: c.owner,
  integration: c.integration,
  name: c.name,
  template: c.template,
  provider: c.provider,
  oauthClient: c.oauthClient,
  expiresAt: c.expiresAt,
  identityLabel: c.identityLabel,
  description: c.description,
  toolCount: c.toolCount,
  createdAt: c.createdAt,
  updatedAt: c.updatedAt
})

const invalid = (message: string) => Effect.fail(new InvalidConnectionInputError({ message }))

/** The one credential origin of a create request, or a 400 saying what is wrong with it. */
const credentialOrigin = (input: CreateConnectionInput) => {
  const given = [
    input.value !== undefined ? "value" : undefined,
    input.values !== undefined ? "values" : undefined,
    input.from !== undefined ? "from" : undefined
  ].filter((x) => x !== undefined)
  if (given.length !== 1) {
    return invalid(
      given.length === 0
        ? "Give exactly one credential origin: value, values or from"
        : `Give exactly one credential origin, not ${given.join(" and ")}`
    )
  }
  if (input.from !== undefined) return Effect.succeed({ from: input.from })
  if (input.value !== undefined) {
    return input.value.length === 0 ? invalid("value is empty") : Effect.succeed({ values: { token: input.value } })
  }
  const entries = Object.entries(input.values ?? {})
  if (entries.length === 0) return invalid("values is empty")
  const empty = entries.find(([, v]) => v.length === 0)
  return empty ? invalid(`values.${empty[0]} is empty`) : Effect.succeed({ values: Object.fromEntries(entries) })
}

export class Connections extends Effect.Service<Connections>()("executor/core/Connections", {
  effect: Effect.gen(function* () {
    const repo = yield* ConnectionsRepo
    const tools = yield* ToolsRepo
    const integrations = yield* Integrations
    const providers = yield* CredentialProviders
    const plugins = yield* Plugins
    const sql = yield* SqlClient.SqlClient
    const catalog = yield* Catalog

    const getRecord = Effect.fn("Connections.getRecord")(function* (key: ConnectionKey) {
      const found = yield* repo.get(key)
      return yield* Option.match(found, {
        onNone: () => Effect.fail(ConnectionNotFoundError.of(key.owner, key.integration, key.name)),
        onSome: Effect.succeed
      })
    })

    const credentials = Effect.fn("Connections.credentials")(function* (record: { provider: string; itemId: string }) {
      const provider = yield* providers.get(record.provider)
      return yield* provider.resolve(record.itemId)
    })

    /** Asks the owning plugin for the connection's tools and binds them to their addresses. */
    const discover = Effect.fn("Connections.discover")(function* (
      integration: IntegrationRecord,
      key: ConnectionKey,
      template: string,
      values: CredentialValues
    ) {
      const plugin = plugins.byId.get(integration.kind)
      if (!plugin) {
        return yield* Effect.fail(
          new ToolDiscoveryError({
            integration: integration.slug,
            message: `The plugin "${integration.kind}" that owns "${integration.slug}" is not loaded`
          })
        )
      }
      const defs: ReadonlyArray<ToolDefinition> = yield* plugin.listTools({
        integration,
        connection: { owner: key.owner, name: key.name, template, credentials: values }
      })
      return defs.map(
        (def): CatalogTool => ({
          ...def,
          address: toolAddress({ integration: key.integration, owner: key.owner, connection: key.name, tool: def.name }),
          owner: key.owner,
          integration: key.integration,
          connection: key.name,
          pluginId: plugin.id
        })
      )
    })

    const list = Effect.fn("Connections.list")(function* (filter: { owner?: Owner; integration?: string }) {
      return (yield* repo.list(filter)).map(view)
    })

    const get = Effect.fn("Connections.get")(function* (key: ConnectionKey) {
      return view(yield* getRecord(key))
    })

    const create = Effect.fn("Connections.create")(function* (input: CreateConnectionInput) {
      if (input.integration === BUILTIN_SLUG) {
        return yield* invalid(`The built-in integration "${BUILTIN_SLUG}" needs no connection`)
      }
      const integration = yield* integrations.getRecord(input.integration)
      const method = integration.authMethods.find((m) => m.template === input.template)
      if (!method) {
        const known = integration.authMethods.map((m) => m.template).join(", ") || "none"
        return yield* invalid(`"${input.integration}" has no auth template "${input.template}" (known: ${known})`)
      }
      // A method that needs no credential takes none.
      const needsNothing = method.kind === "none" && input.value === undefined && input.values === undefined && input.from === undefined
      const origin = needsNothing ? { values: {} } : yield* credentialOrigin(input)
      const key: ConnectionKey = { owner: input.owner, integration: input.integration, name: input.name }
      if (Option.isSome(yield* repo.get(key))) {
        return yield* Effect.fail(
          new ConnectionAlreadyExistsError({
            ...key,
            message: `A connection "${key.name}" owned by ${key.owner} already exists on "${key.integration}"`
          })
        )
      }
      const values: CredentialValues = "values" in origin ? origin.values : yield* credentials({
        provider: origin.from.provider,
        itemId: origin.from.id
      })
      const missing = (method.inputs ?? []).filter((name) => !(name in values))
      if (missing.length > 0) {
        return yield* invalid(`The auth template "${method.template}" needs the inputs: ${missing.join(", ")}`)
      }
      const discovered = yield* discover(integration, key, input.template, values)
      const now = yield* Clock.currentTimeMillis
      yield* Effect.gen(function* () {
        const itemId =
          "from" in origin
            ? origin.from.id
            : yield* providers.defaultProvider.store(`${connectionAddress(key.owner, key.integration, key.name)}`, values)
        yield* repo.insert({
          ...key,
          template: input.template,
          provider: "from" in origin ? origin.from.provider : "default",
          itemId,
          oauthClient: null,
          expiresAt: null,
          identityLabel: input.identityLabel ?? null,
          description: input.description ?? null,
          createdAt: now,
          updatedAt: now
        })
        yield* tools.replaceForConnection(key, discovered)
      }).pipe(sql.withTransaction, Effect.orDie)
      yield* catalog.reload
      // The row was written in the transaction above; not finding it now is a defect.
      return yield* Effect.orDie(get(key))
    })

    const update = Effect.fn("Connections.update")(function* (key: ConnectionKey, patch: ConnectionPatch) {
      const current = yield* getRecord(key)
      yield* repo.updateMetadata(key, {
        identityLabel: patch.identityLabel === undefined ? current.identityLabel : patch.identityLabel,
        description: patch.description === undefined ? current.description : patch.description,
        updatedAt: yield* Clock.currentTimeMillis
      })
      return yield* get(key)
    })

    const remove = Effect.fn("Connections.remove")(function* (key: ConnectionKey) {
      const current = yield* getRecord(key)
      yield* Effect.gen(function* () {
        yield* tools.replaceForConnection(key, [])
        yield* repo.remove(key)
        if (current.provider === "default") yield* providers.defaultProvider.remove(current.itemId)
      }).pipe(sql.withTransaction, Effect.orDie)
      yield* catalog.reload
      return { removed: true as const }
    })

    /** Re-discovers the connection's tools from upstream and replaces the stored ones. */
    const refresh = Effect.fn("Connections.refresh")(function* (key: ConnectionKey) {
      const current = yield* getRecord(key)
      const integration = yield* integrations.getRecord(key.integration)
      const values = yield* credentials(current)
      const discovered = yield* discover(integration, key, current.template, values)
      yield* tools.replaceForConnection(key, discovered).pipe(sql.withTransaction, Effect.orDie)
      yield* catalog.reload
      return discovered
    })

    return { list, get, getRecord, create, update, remove, refresh, credentials } as const
  }),
  dependencies: [ConnectionsRepo.Default, ToolsRepo.Default, CredentialProviders.Default]
}) {}
