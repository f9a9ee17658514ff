import { SqlClient } from "@effect/sql"
import { Clock, Effect, Option } from "effect"
import {
  IntegrationAlreadyExistsError,
  IntegrationNotFoundError,
  IntegrationRemovalNotAllowedError
} from "../domain/errors"
import type { AuthMethodDescriptor, Integration, IntegrationDetectionResult } from "../domain/integration"
import { Plugins } from "../plugin/plugins"
import { CredentialProviders } from "../secrets/credential-providers"
import { ConnectionsRepo } from "../storage/connections-repo"
import { type IntegrationRecord, IntegrationsRepo } from "../storage/integrations-repo"
import { BUILTIN_SLUG, builtinIntegration } from "./builtin"
import { Catalog } from "./catalog"

export interface RegisterIntegrationInput {
  readonly slug: string
  readonly kind: string
  readonly name: string
  readonly description: string
  readonly displayUrl: string | null
  readonly authMethods: ReadonlyArray<AuthMethodDescriptor>
  readonly config: unknown
  readonly canRefresh?: boolean
}

export interface IntegrationPatch {
  readonly name?: string | undefined
  readonly description?: string | undefined
  readonly displayUrl?: string | null | undefined
}

const publicView = ({ config: _config, ...integration }: IntegrationRecord): Integration => integration

export class Integrations extends Effect.Service<Integrations>()("executor/core/Integrations", {
  effect: Effect.gen(function* () {
    const repo = yield* IntegrationsRepo
    const connections = yield* ConnectionsRepo
    const providers = yield* CredentialProviders
    const plugins = yield* Plugins
    const sql = yield* SqlClient.SqlClient
    const catalog = yield* Catalog

    const getRecord = Effect.fn("Integrations.getRecord")(function* (slug: string) {
      const found = yield* repo.get(slug)
      return yield* Option.match(found, {
        onNone: () => Effect.fail(IntegrationNotFoundError.of(slug)),
        onSome: Effect.succeed
      })
    })

    const list = Effect.fn("Integrations.list")(function* () {
      return [builtinIntegration, ...(yield* repo.list())]
    })

    const get = Effect.fn("Integrations.get")(function* (slug: string) {
      if (slug === BUILTIN_SLUG) return builtinIntegration
      return publicView(yield* getRecord(slug))
    })

    const register = Effect.fn("Integrations.register")(function* (input: RegisterIntegrationInput) {
      if (input.slug === BUILTIN_SLUG || Option.isSome(yield* repo.get(input.slug))) {
        return yield* Effect.fail(IntegrationAlreadyExistsError.of(input.slug))
      }
      const now = yield* Clock.currentTimeMillis
      const record: IntegrationRecord = {
        slug: input.slug,
        kind: input.kind,
        name: input.name,
        description: input.description,
        displayUrl: input.displayUrl,
        canRemove: true,
        canRefresh: input.canRefresh ?? true,
        authMethods: input.authMethods,
        config: input.config,
        createdAt: now,
        updatedAt: now
      }
      yield* repo.insert(record)
      return publicView(record)
    })

    const update = Effect.fn("Integrations.update")(function* (slug: string, patch: IntegrationPatch) {
      if (slug === BUILTIN_SLUG) {
        return yield* Effect.fail(
          new IntegrationRemovalNotAllowedError({ slug, message: "The built-in integration cannot be changed" })
        )
      }
      const current = yield* getRecord(slug)
      const next: IntegrationRecord = {
        ...current,
        name: patch.name ?? current.name,
        description: patch.description ?? current.description,
        displayUrl: patch.displayUrl === undefined ? current.displayUrl : patch.displayUrl,
        updatedAt: yield* Clock.currentTimeMillis
      }
      yield* repo.update(next)
      return publicView(next)
    })

    /** The owning plugin's new config and auth methods (a re-imported description, say). */
    const replaceConfig = Effect.fn("Integrations.replaceConfig")(function* (
      slug: string,
      change: { readonly config: unknown; readonly authMethods: ReadonlyArray<AuthMethodDescriptor>; readonly displayUrl?: string | null }
    ) {
      const current = yield* getRecord(slug)
      const next: IntegrationRecord = {
        ...current,
        config: change.config,
        authMethods: change.authMethods,
        displayUrl: change.displayUrl === undefined ? current.displayUrl : change.displayUrl,
        updatedAt: yield* Clock.currentTimeMillis
      }
      yield* repo.update(next)
      return next
    })

    /** Removes the integration with its connections, their tools and their stored credentials. */
    const remove = Effect.fn("Integrations.remove")(function* (slug: string) {
      if (slug === BUILTIN_SLUG) {
        return yield* Effect.fail(
          new IntegrationRemovalNotAllowedError({ slug, message: "The built-in integration cannot be removed" })
        )
      }
      const current = yield* getRecord(slug)
      if (!current.canRemove) {
        return yield* Effect.fail(
          new IntegrationRemovalNotAllowedError({ slug, message: `The integration "${slug}" cannot be removed` })
        )
      }
      const owned = yield* connections.list({ integration: slug })
      yield* Effect.gen(function* () {
        for (const c of owned) {
          yield* connections.remove(c)
          if (c.provider === "default") yield* providers.defaultProvider.remove(c.itemId)
        }
        yield* repo.remove(slug)
      }).pipe(sql.withTransaction, Effect.orDie)
      yield* catalog.reload
      return { removed: true as const }
    })

    const detect = Effect.fn("Integrations.detect")(function* (url: string) {
      const found = yield* Effect.forEach(
        plugins.all,
        (plugin) => (plugin.detect ? plugin.detect(url) : Effect.succeed(Option.none<IntegrationDetectionResult>())),
        { concurrency: "unbounded" }
      )
      return found.flatMap(Option.toArray)
    })

    return { list, get, getRecord, register, update, replaceConfig, remove, detect } as const
  }),
  dependencies: [IntegrationsRepo.Default, ConnectionsRepo.Default, CredentialProviders.Default]
}) {}
