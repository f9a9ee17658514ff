import * as crypto from "node:crypto"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { NodeHttpServer } from "@effect/platform-node"
import { type AnyPlugin, coreLayer, type DatabaseConfig, type ExecutionsOptions } from "@executor/core"
import { bearerTokenAuth, httpAppLayer, type HttpAppOptions } from "@executor/server"
import { Effect, Layer, Redacted } from "effect"
import { fixturePlugin } from "./fixture-plugin"
import { createTempDatabase } from "./postgres"

export const TEST_TOKEN = "test-token-0123456789"

export interface TestServerOptions {
  readonly database: DatabaseConfig
  readonly plugins?: ReadonlyArray<AnyPlugin>
  readonly secretKeyFile?: string
  readonly executions?: Partial<ExecutionsOptions>
  /** Routes outside the HttpApi, such as MCP's. */
  readonly routes?: HttpAppOptions["routes"]
}

/** A scratch directory removed when the scope closes. */
export const tempDir = Effect.acquireRelease(
  Effect.sync(() => fs.mkdtempSync(path.join(os.tmpdir(), "executor-test-"))),
  (dir) => Effect.sync(() => fs.rmSync(dir, { recursive: true, force: true }))
)

export const sqliteConfig = (dir: string): DatabaseConfig => ({ kind: "sqlite", filename: path.join(dir, "executor.db") })

/**
 * The real HTTP app on a random loopback port, with the fixture plugin loaded.
 * Provides an `HttpClient` whose requests go to that server.
 */
export const testServerLayer = (options: TestServerOptions) =>
  httpAppLayer({
    plugins: options.plugins ?? [fixturePlugin],
    auth: bearerTokenAuth(Redacted.make(TEST_TOKEN)),
    ...(options.routes ? { routes: options.routes } : {})
  }).pipe(
    Layer.provideMerge(
      coreLayer({
        database: options.database,
        secretKeyFile: options.secretKeyFile ?? path.join(os.tmpdir(), `executor-key-${crypto.randomUUID()}`),
        plugins: options.plugins ?? [fixturePlugin],
        executions: options.executions
      })
    ),
    Layer.provideMerge(NodeHttpServer.layerTest)
  )

export type Backend = "sqlite" | "postgres"

export const BACKENDS: ReadonlyArray<Backend> = ["sqlite", "postgres"]

/** A fresh, empty database of the given kind for the current scope. */
export const tempDatabase = (backend: Backend, pgAdminUrl: string) =>
  backend === "sqlite"
    ? Effect.map(tempDir, sqliteConfig)
    : Effect.map(
        Effect.acquireRelease(
          Effect.promise(() => createTempDatabase(pgAdminUrl)),
          (db) => Effect.promise(() => db.drop())
        ),
        (db): DatabaseConfig => ({ kind: "pg", url: Redacted.make(db.url) })
      )

/** Core services (and the fixture plugin) over a fresh database of the given kind. */
export const testCoreLayer = (backend: Backend, pgAdminUrl: string) =>
  Layer.unwrapScoped(
    Effect.gen(function* () {
      const database = yield* tempDatabase(backend, pgAdminUrl)
      const dir = yield* tempDir
      return coreLayer({ database, secretKeyFile: path.join(dir, "secret.key"), plugins: [fixturePlugin] })
    })
  )
