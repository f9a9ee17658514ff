import { httpBackend, makeMcpServer } from "@executor/mcp"
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js"
import { Effect } from "effect"
import type { DaemonTarget } from "./client-commands"
import { dataPaths, readToken } from "./data-dir"
import { StartupError } from "./serve"

const notRunning = (baseUrl: string) =>
  new StartupError({
    message: `No Executor daemon answers at ${baseUrl}. \`executor mcp\` connects an MCP client to a running daemon: start it with \`executor serve\` (or set EXECUTOR_URL), then start the MCP client again.`
  })

/**
 * `executor mcp`: an MCP server on stdin/stdout for clients that launch a command.
 * It is a thin front for the running daemon (its HTTP API, with the token from the
 * data dir), so executions, pauses and approvals are the daemon's, shared with every
 * other client. Nothing but protocol messages is written to stdout.
 */
export const mcpStdio = (target: DaemonTarget, options: { readonly nativeElicitation: boolean }) =>
  Effect.gen(function* () {
    const token = yield* Effect.try({
      try: () => process.env.EXECUTOR_TOKEN ?? readToken(dataPaths(target.dataDir).token),
      catch: () => notRunning(target.baseUrl)
    })
    const healthy = yield* Effect.promise(() =>
      fetch(`${target.baseUrl}/api/health`, { signal: AbortSignal.timeout(5_000) }).then(
        (r) => r.ok,
        () => false
      )
    )
    if (!healthy) return yield* Effect.fail(notRunning(target.baseUrl))
    const server = yield* Effect.promise(() => makeMcpServer(httpBackend(target.baseUrl, token), options))
    const transport = new StdioServerTransport()
    yield* Effect.async<void>((resume) => {
      transport.onclose = () => resume(Effect.void)
      process.stdin.once("end", () => resume(Effect.void))
      void server.connect(transport)
      return Effect.promise(() => server.close())
    })
  })
