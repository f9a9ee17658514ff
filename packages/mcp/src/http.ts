import * as crypto from "node:crypto"
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js"
import { isInitializeRequest } from "@modelcontextprotocol/sdk/types.js"
import type { ExecutorBackend } from "./backend"
import { makeMcpServer } from "./server"

export interface McpHttpOptions {
  readonly backend: ExecutorBackend
  /** Whether an `Authorization` header value is good; hosts that check it themselves leave it out. */
  readonly authorize?: (header: string | null) => Promise<boolean>
  /** Sessions idle longer than this are closed (default 1 hour). */
  readonly idleMs?: number
  /** Sessions kept at once; the longest idle are closed first beyond it (default 1,000). */
  readonly maxSessions?: number
}

interface Session {
  readonly transport: WebStandardStreamableHTTPServerTransport
  lastSeen: number
}

const jsonRpcError = (status: number, code: number, message: string, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify({ jsonrpc: "2.0", error: { code, message }, id: null }), {
    status,
    headers: { "content-type": "application/json", ...headers }
  })

/** A 401 that tells an MCP client how to authenticate. */
export const unauthorized = () =>
  new Response(JSON.stringify({ _tag: "Unauthorized", message: "Send the daemon's token as Authorization: Bearer <token>" }), {
    status: 401,
    headers: { "content-type": "application/json", "www-authenticate": 'Bearer realm="executor", error="invalid_token"' }
  })

/**
 * Streamable HTTP for MCP: one transport and server per session, behind the
 * bearer token. `?elicitation=native` on the initialize request asks approvals
 * inline (those sessions answer over SSE, so the server can ask mid-call);
 * other sessions answer with plain JSON.
 */
export const makeMcpHttpHandler = (options: McpHttpOptions) => {
  const sessions = new Map<string, Session>()
  const idleMs = options.idleMs ?? 60 * 60_000
  const maxSessions = options.maxSessions ?? 1_000

  const sweep = (now: number) => {
    for (const [id, session] of sessions) {
      if (now - session.lastSeen > idleMs) {
        sessions.delete(id)
        void session.transport.close()
      }
    }
    const overflow = [...sessions.entries()].sort((a, b) => a[1].lastSeen - b[1].lastSeen).slice(0, Math.max(0, sessions.size - maxSessions + 1))
    for (const [id, session] of overflow) {
      sessions.delete(id)
      void session.transport.close()
    }
  }

  const handler = async (request: Request, parsedBody?: unknown): Promise<Response> => {
    if (options.authorize && !(await options.authorize(request.headers.get("authorization")))) return unauthorized()
    const now = Date.now()
    const sessionId = request.headers.get("mcp-session-id")
    if (sessionId) {
      const session = sessions.get(sessionId)
      if (!session) return jsonRpcError(404, -32001, `No MCP session "${sessionId}": it ended or the daemon restarted; initialize a new one`)
      session.lastSeen = now
      return session.transport.handleRequest(request, parsedBody === undefined ? undefined : { parsedBody })
    }
    if (request.method !== "POST" || !isInitializeRequest(parsedBody)) {
      return jsonRpcError(400, -32000, "No Mcp-Session-Id header: start with an initialize request")
    }
    sweep(now)
    const native = new URL(request.url).searchParams.get("elicitation") === "native"
    const transport: WebStandardStreamableHTTPServerTransport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: () => crypto.randomUUID(),
      enableJsonResponse: !native,
      onsessioninitialized: (id) => {
        sessions.set(id, { transport, lastSeen: Date.now() })
      }
    })
    transport.onclose = () => {
      if (transport.sessionId) sessions.delete(transport.sessionId)
    }
    const server = await makeMcpServer(options.backend, { nativeElicitation: native })
    await server.connect(transport)
    return transport.handleRequest(request, { parsedBody })
  }

  const sweeper = setInterval(() => sweep(Date.now()), Math.min(idleMs, 60_000))
  sweeper.unref()

  /** Ends every session (their open streams too), so the HTTP server can shut down. */
  const closeAll = async () => {
    clearInterval(sweeper)
    const open = [...sessions.values()]
    sessions.clear()
    await Promise.allSettled(open.map((s) => s.transport.close()))
  }

  return { handler, closeAll, sessions: () => sessions.size }
}
