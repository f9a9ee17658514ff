import { parseArgs } from "node:util"
import { NodeRuntime } from "@effect/platform-node"
import { type AnyPlugin, VERSION } from "@executor/core"
import { Console, Effect } from "effect"
import { defaultDataDir } from "./data-dir"
import { describeTool, listExecutions, resume, runCode, searchTools, showExecution, tail } from "./client-commands"
import { mcpStdio } from "./mcp-command"
import { serve, StartupError } from "./serve"

const HELP = `Executor ${VERSION}: governed access to many APIs for AI agents.

Usage:
  executor serve [--port N] [--data-dir DIR]   start the local daemon on 127.0.0.1
  executor run FILE|- [--timeout MS]           run a program (prints the result; exit 1 on error, 2 when paused)
  executor resume ID accept|decline|cancel     decide a paused execution
  executor executions list [--status S]        recent executions
  executor executions show ID                  one execution's full record
  executor executions tail ID                  follow an execution's events until it ends
  executor tools search QUERY                  find tools the way agents do
  executor tools describe PATH                 a tool's TypeScript signature
  executor mcp [--elicitation native]          MCP over stdio for the running daemon (for clients that launch a command)
  executor --version
  executor --help

Environment:
  PORT                    port to listen on (default 4788; --port wins)
  EXECUTOR_DATA_DIR       data dir (default ~/.executor; --data-dir wins)
  EXECUTOR_DATABASE_URL   postgres://… to use PostgreSQL instead of the embedded SQLite file
  EXECUTOR_URL            daemon address for client commands (default http://127.0.0.1:<port>)
  EXECUTOR_TOKEN          token for client commands (default: read from the data dir)
  EXECUTOR_MAX_CONCURRENT_EXECUTIONS / EXECUTOR_MAX_QUEUED_EXECUTIONS
                          executions running at once (default 4) and waiting (default 64) before a 429
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
            version: { type: "boolean", short: "v" },
            status: { type: "string" },
            timeout: { type: "string" },
            elicitation: { type: "string" }
          }
        }),
      catch: (error) => new StartupError({ message: `${error instanceof Error ? error.message : String(error)}\n\n${HELP}` })
    })
    const [command, ...rest] = parsed.positionals
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
    const port = yield* parsePort(parsed.values.port ?? process.env.PORT)
    const target = {
      baseUrl: process.env.EXECUTOR_URL ?? `http://127.0.0.1:${port}`,
      dataDir: parsed.values["data-dir"] ?? defaultDataDir()
    }
    const [sub, arg] = rest
    if (command === "run") return yield* runCode(target, sub, parsed.values.timeout ? Number(parsed.values.timeout) : undefined)
    if (command === "resume") return yield* resume(target, sub, arg)
    if (command === "executions" && sub === "list") return yield* listExecutions(target, parsed.values.status)
    if (command === "executions" && sub === "show") return yield* showExecution(target, arg)
    if (command === "executions" && sub === "tail") return yield* tail(target, arg)
    if (command === "tools" && sub === "search") return yield* searchTools(target, rest.slice(1).join(" "))
    if (command === "tools" && sub === "describe") return yield* describeTool(target, arg)
    if (command === "mcp") return yield* mcpStdio(target, { nativeElicitation: parsed.values.elicitation === "native" })
    return yield* Effect.fail(new StartupError({ message: `Unknown command "${[command, ...rest].join(" ")}"\n\n${HELP}` }))
  })

/** Runs the CLI as the process: SIGINT / SIGTERM interrupt it and every resource is released. */
export const runCli = (plugins: ReadonlyArray<AnyPlugin>) =>
  NodeRuntime.runMain(
    cli(process.argv.slice(2), plugins).pipe(
      Effect.tapError((error) => Console.error(`executor: ${error.message}`))
    ),
    { disableErrorReporting: true }
  )
