import { parseArgs } from "node:util"
import { NodeRuntime } from "@effect/platform-node"
import { type AnyPlugin, VERSION } from "@executor/core"
import { Console, Effect } from "effect"
import { defaultDataDir } from "./data-dir"
import { serve, StartupError } from "./serve"

const HELP = `Executor ${VERSION}: governed access to many APIs for AI agents.

Usage:
  executor serve [--port N] [--data-dir DIR]   start the local daemon on 127.0.0.1
  executor --version
  executor --help

Environment:
  PORT                    port to listen on (default 4788; --port wins)
  EXECUTOR_DATA_DIR       data dir (default ~/.executor; --data-dir wins)
  EXECUTOR_DATABASE_URL   postgres://… to use PostgreSQL instead of the embedded SQLite file
`

const parsePort = (raw: string | undefined) => {
  const port = Number(raw ?? "4788")
  return Number.isInteger(port) && port >= 0 && port <= 65535
    ? Effect.succeed(port)
    : Effect.fail(new StartupError({ message: `Invalid port "${raw}": use a number from 0 to 65535` }))
}

/** The CLI, with the plugins this build ships. */
export const cli = (argv: ReadonlyArray<string>, plugins: ReadonlyArray<AnyPlugin>) =>
  Effect.gen(function* () {
    const parsed = yield* Effect.try({
      try: () =>
        parseArgs({
          args: [...argv],
          allowPositionals: true,
          options: {
            port: { type: "string", short: "p" },
            "data-dir": { type: "string" },
            help: { type: "boolean", short: "h" },
            version: { type: "boolean", short: "v" }
          }
        }),
      catch: (error) => new StartupError({ message: `${error instanceof Error ? error.message : String(error)}\n\n${HELP}` })
    })
    const [command] = parsed.positionals
    if (parsed.values.version) return yield* Console.log(VERSION)
    if (parsed.values.help || command === undefined || command === "help") return yield* Console.log(HELP)
    if (command === "serve") {
      return yield* serve({
        port: yield* parsePort(parsed.values.port ?? process.env.PORT),
        dataDir: parsed.values["data-dir"] ?? defaultDataDir(),
        plugins,
        databaseUrl: process.env.EXECUTOR_DATABASE_URL
      })
    }
    return yield* Effect.fail(new StartupError({ message: `Unknown command "${command}"\n\n${HELP}` }))
  })

/** Runs the CLI as the process: SIGINT / SIGTERM interrupt it and every resource is released. */
export const runCli = (plugins: ReadonlyArray<AnyPlugin>) =>
  NodeRuntime.runMain(
    cli(process.argv.slice(2), plugins).pipe(
      Effect.tapError((error) => Console.error(`executor: ${error.message}`))
    ),
    { disableErrorReporting: true }
  )
