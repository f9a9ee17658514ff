import type { SqlClient } from "@effect/sql"
import { Layer } from "effect"
import type { Authorization } from "../plugin/authorization"
import type { AnyPlugin } from "../plugin/plugin"
import { Plugins } from "../plugin/plugins"
import { CredentialProviders } from "../secrets/credential-providers"
import { SecretKey } from "../secrets/secret-key"
import { type DatabaseConfig, databaseLayer } from "../storage/database"
import { ConnectionsRepo } from "../storage/connections-repo"
import { IntegrationsRepo } from "../storage/integrations-repo"
import { PoliciesRepo } from "../storage/policies-repo"
import { SecretsRepo } from "../storage/secrets-repo"
import { ToolsRepo } from "../storage/tools-repo"
import { ExecutionsRepo } from "../storage/executions-repo"
import { Executions, ExecutionsConfig, type ExecutionsOptions } from "../executions/engine"
import { Invoker } from "./invoker"
import { Catalog } from "./catalog"
import { Connections } from "./connections"
import { Integrations } from "./integrations"
import { Policies } from "./policies"

export interface CoreConfig {
  readonly database: DatabaseConfig
  /** Where the default credential provider's key lives (mode 0600). */
  readonly secretKeyFile: string
  readonly plugins: ReadonlyArray<AnyPlugin>
  readonly executions?: Partial<ExecutionsOptions> | undefined
}

const services = Layer.mergeAll(Connections.DefaultWithoutDependencies, Integrations.DefaultWithoutDependencies)

const repos = Layer.mergeAll(
  ConnectionsRepo.Default,
  IntegrationsRepo.Default,
  PoliciesRepo.Default,
  SecretsRepo.Default,
  ToolsRepo.Default,
  ExecutionsRepo.Default
)

/**
 * Every core service over one database: storage (migrated), repositories, the
 * credential providers and the domain services. The SQL client is exported too,
 * for health checks.
 */
export const coreLayer = (config: CoreConfig) =>
  Executions.Default.pipe(
    Layer.provideMerge(Invoker.Default),
    Layer.provideMerge(ExecutionsConfig.layer(config.executions)),
    Layer.provideMerge(services),
    Layer.provideMerge(Integrations.DefaultWithoutDependencies),
    Layer.provideMerge(Catalog.DefaultWithoutDependencies),
    Layer.provideMerge(Layer.mergeAll(CredentialProviders.DefaultWithoutDependencies, Policies.DefaultWithoutDependencies)),
    Layer.provideMerge(repos),
    Layer.provideMerge(Layer.mergeAll(Plugins.layer(config.plugins), SecretKey.fromFile(config.secretKeyFile))),
    Layer.provideMerge(databaseLayer(config.database))
  )

/** What a plugin's handlers and tool sources may require. */
export type CoreServices =
  | Executions
  | Invoker
  | Catalog
  | Connections
  | Integrations
  | Policies
  | CredentialProviders
  | Plugins
  | SecretKey
  | SqlClient.SqlClient
  | Authorization
