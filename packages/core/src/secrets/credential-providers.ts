import * as crypto from "node:crypto"
import { Effect, Option, Schema } from "effect"
import type { ProviderInfo, ProviderItem } from "../domain/connection"
import { CredentialProviderNotRegisteredError, ProviderItemNotFoundError } from "../domain/errors"
import { SecretsRepo } from "../storage/secrets-repo"
import { seal, unseal } from "./cipher"
import { SecretKey } from "./secret-key"

/** Named credential inputs, e.g. `{ token: "…" }`. Held only in memory, never returned. */
export type CredentialValues = Readonly<Record<string, string>>

/** A backend that holds credential values; connections point into it by item id. */
export interface CredentialProvider {
  readonly info: ProviderInfo
  readonly items: Effect.Effect<ReadonlyArray<ProviderItem>>
  readonly resolve: (id: string) => Effect.Effect<CredentialValues, ProviderItemNotFoundError>
  /** Only writable providers store new values (returns the new item id). */
  readonly store?: (name: string, values: CredentialValues) => Effect.Effect<string>
  readonly remove?: (id: string) => Effect.Effect<void>
}

const Values = Schema.parseJson(Schema.Record({ key: Schema.String, value: Schema.String }))
const decodeValues = Schema.decodeUnknownOption(Values)

const notFound = (provider: string, id: string) =>
  new ProviderItemNotFoundError({ provider, id, message: `The provider "${provider}" has no item "${id}"` })

/** A provider that can also store and remove values. */
export interface WritableCredentialProvider extends CredentialProvider {
  readonly store: (name: string, values: CredentialValues) => Effect.Effect<string>
  readonly remove: (id: string) => Effect.Effect<void>
}

/** The default provider: values sealed with AES-256-GCM in the `secrets` table. */
const makeDefaultProvider = Effect.gen(function* () {
  const repo = yield* SecretsRepo
  const { key } = yield* SecretKey
  const provider: WritableCredentialProvider = {
    info: { key: "default", name: "Encrypted store", canBrowse: true, writable: true },
    items: repo.list().pipe(Effect.map((rows) => rows.map((r) => ({ id: r.id, name: r.name })))),
    resolve: (id) =>
      repo.get(id).pipe(
        Effect.flatMap(
          Option.match({
            onNone: () => Effect.fail(notFound("default", id)),
            onSome: (record) => {
              const values = Option.flatMap(Option.fromNullable(unseal(key, record.id, record.sealed)), decodeValues)
              return Option.match(values, {
                // A blob that no longer opens (key replaced) cannot be used: treat it as missing.
                onNone: () => Effect.fail(notFound("default", id)),
                onSome: Effect.succeed
              })
            }
          })
        )
      ),
    store: (name, values) =>
      Effect.gen(function* () {
        const id = `sec_${crypto.randomUUID()}`
        const now = Date.now()
        yield* repo.insert({ id, name, sealed: seal(key, id, JSON.stringify(values)), createdAt: now, updatedAt: now })
        return id
      }),
    remove: (id) => repo.remove(id)
  }
  return provider
})

const ENV_PREFIX = "EXECUTOR_SECRET_"

/** Read-only: environment variables named `EXECUTOR_SECRET_*` of the server process. */
const makeEnvProvider = (env: NodeJS.ProcessEnv): CredentialProvider => ({
  info: { key: "env", name: `Environment variables (${ENV_PREFIX}*)`, canBrowse: true, writable: false },
  items: Effect.sync(() =>
    Object.keys(env)
      .filter((name) => name.startsWith(ENV_PREFIX) && name.length > ENV_PREFIX.length)
      .sort()
      .map((name) => ({ id: name, name }))
  ),
  resolve: (id) => {
    const value = id.startsWith(ENV_PREFIX) ? env[id] : undefined
    return value === undefined ? Effect.fail(notFound("env", id)) : Effect.succeed({ token: value })
  }
})

export class CredentialProviders extends Effect.Service<CredentialProviders>()("executor/core/CredentialProviders", {
  effect: Effect.gen(function* () {
    const defaultProvider = yield* makeDefaultProvider
    const providers = new Map<string, CredentialProvider>()
    for (const p of [defaultProvider, makeEnvProvider(process.env)]) providers.set(p.info.key, p)

    const get = (key: string) =>
      Option.match(Option.fromNullable(providers.get(key)), {
        onNone: () => Effect.fail(CredentialProviderNotRegisteredError.of(key)),
        onSome: Effect.succeed
      })

    return {
      list: Effect.sync(() => [...providers.values()].map((p) => p.info)),
      get,
      defaultProvider
    } as const
  }),
  dependencies: [SecretsRepo.Default]
}) {}
