import { createServer } from "node:http"
import { HttpServer } from "@effect/platform"
import { NodeHttpServer } from "@effect/platform-node"
import { type AnyPlugin, coreLayer, type DatabaseConfig } from "@executor/core"
import { mcpRouteLayer } from "@executor/mcp"
import { bearerTokenAuth, httpAppLayer } from "@executor/server"
import { Console, Context, Data, Effect, Layer, Redacted } from "effect"
import { dataPaths, ensureDataDir, ensureToken } from "./data-dir"
import { acquireDataDirLock } from "./lock"

export interface ServeOptions {
  readonly port: number
  readonly dataDir: string
  readonly plugins: ReadonlyArray<AnyPlugin>
  /** A PostgreSQL URL instead of the embedded SQLite file. */
  readonly databaseUrl?: string | undefined
}

/** A failure the CLI reports as one plain sentence and exit code 1. */
export class StartupError extends Data.TaggedError("StartupError")<{ readonly message: string }> {}

const HOST = "127.0.0.1"

const positiveInt = (raw: string | undefined) => {
  const n = Number(raw)
  return raw !== undefined && Number.isInteger(n) && n > 0 ? n : undefined
}

/** The bound on running executions and on the line waiting behind them (beyond it: 429). */
const executionLimitsFromEnv = () => {
  const maxConcurrent = positiveInt(process.env.EXECUTOR_MAX_CONCURRENT_EXECUTIONS)
  const maxQueued = positiveInt(process.env.EXECUTOR_MAX_QUEUED_EXECUTIONS)
  return { ...(maxConcurrent ? { maxConcurrent } : {}), ...(maxQueued ? { maxQueued } : {}) }
}

const takeLock = (lockFile: string, dataDir: string) =>
  Effect.acquireRelease(
    Effect.try({
      try: () => acquireDataDirLock(lockFile, dataDir),
      catch: (error) => new StartupError({ message: error instanceof Error ? error.message : String(error) })
    }),
    (release) => Effect.sync(release)
  )

/** The `code` of a Node system error, looked for on the error and its causes. */
const errorCode = (error: unknown): string | undefined => {
  for (let current = error, depth = 0; typeof current === "object" && current !== null && depth < 5; depth++) {
    if ("code" in current && typeof current.code === "string") return current.code
    current = "cause" in current ? current.cause : undefined
  }
  return undefined
}

const listenError = (port: number) => (error: unknown) => {
  const code = errorCode(error)
  return new StartupError({
    message:
      code === "EADDRINUSE"
        ? `Port ${port} on ${HOST} is already in use: choose another with --port or PORT`
        : `The server could not start on ${HOST}:${port} (${code ?? String(error)})`
  })
}

/**
 * Runs the daemon until interrupted: takes the data dir, opens (and migrates) the
 * database, listens on loopback only, and prints where the token is.
 */
export const serve = (options: ServeOptions) =>
  Effect.gen(function* () {
    const paths = dataPaths(options.dataDir)
    yield* Effect.try({
      try: () => ensureDataDir(paths.dataDir),
      catch: (error) => new StartupError({ message: `Cannot create the data dir ${paths.dataDir}: ${String(error)}` })
    })
    yield* takeLock(paths.lock, paths.dataDir)
    const token = ensureToken(paths.token)
    const database: DatabaseConfig = options.databaseUrl
      ? { kind: "pg", url: Redacted.make(options.databaseUrl) }
      : { kind: "sqlite", filename: paths.database }

    const app = httpAppLayer({ plugins: options.plugins, auth: bearerTokenAuth(Redacted.make(token)), routes: [mcpRouteLayer("/mcp")] }).pipe(
      Layer.provide(
        coreLayer({ database, secretKeyFile: paths.secretKey, plugins: options.plugins, executions: executionLimitsFromEnv() })
      ),
      Layer.provideMerge(NodeHttpServer.layer(createServer, { port: options.port, host: HOST }))
    )
    const context = yield* Layer.build(app).pipe(Effect.mapError(listenError(options.port)))
    const address = Context.get(context, HttpServer.HttpServer).address
    const port = address._tag === "TcpAddress" ? address.port : options.port
    const base = `http://${HOST}:${port}`
    yield* Console.log(
      [
        `Data dir: ${paths.dataDir}`,
        `API token: in ${paths.token} (send it as "Authorization: Bearer <token>")`,
        `Executor listening on ${base}/api (docs: ${base}/api/docs, MCP: ${base}/mcp)`
      ].join("\n")
    )
    return yield* Effect.never
  }).pipe(Effect.scoped)
