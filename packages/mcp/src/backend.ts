import {
  Connections,
  ExecutePayload,
  ExecutionResponse,
  Executions,
  Integrations
} from "@executor/core"
import { Effect, Either, ParseResult, Runtime, Schema } from "effect"

export type ResumeAction = "accept" | "decline" | "cancel"

/** An execute or resume answer, or a sentence saying why there is none. */
export type Outcome = { readonly ok: true; readonly response: ExecutionResponse } | { readonly ok: false; readonly message: string }

export interface ConnectedIntegration {
  readonly slug: string
  readonly name: string
  /** `owner.connection` of each connection. */
  readonly connections: ReadonlyArray<string>
}

/**
 * What the MCP tools need from Executor. Inside the daemon it calls the services
 * directly; `executor mcp` (stdio) reaches the running daemon over HTTP.
 */
export interface ExecutorBackend {
  readonly execute: (code: string) => Promise<Outcome>
  readonly resume: (executionId: string, action: ResumeAction, content?: unknown) => Promise<Outcome>
  readonly integrations: () => Promise<ReadonlyArray<ConnectedIntegration>>
}

/** The integrations that have at least one connection, each with its connections' `owner.name`. */
const connected = (
  integrations: ReadonlyArray<{ readonly slug: string; readonly name: string }>,
  connections: ReadonlyArray<{ readonly integration: string; readonly owner: string; readonly name: string }>
): Array<ConnectedIntegration> =>
  integrations.flatMap((i) => {
    const own = connections.filter((c) => c.integration === i.slug).map((c) => `${c.owner}.${c.name}`)
    return own.length > 0 ? [{ slug: i.slug, name: i.name, connections: own }] : []
  })

const decodeExecute = Schema.decodeUnknown(ExecutePayload)
const decodeResponse = Schema.decodeUnknownEither(ExecutionResponse)
const ListedIntegrations = Schema.Array(Schema.Struct({ slug: Schema.String, name: Schema.String }))
const ListedConnections = Schema.Array(Schema.Struct({ integration: Schema.String, owner: Schema.String, name: Schema.String }))

const failure = (error: unknown): Outcome => ({
  ok: false,
  message:
    error instanceof ParseResult.ParseError
      ? ParseResult.TreeFormatter.formatErrorSync(error)
      : typeof error === "object" && error !== null && "message" in error
        ? String(error.message)
        : String(error)
})

/** The backend inside the daemon: the executions engine and catalog services. */
export const coreBackend = (runtime: Runtime.Runtime<Executions | Integrations | Connections>): ExecutorBackend => {
  const run = <A, E>(effect: Effect.Effect<A, E, Executions | Integrations | Connections>) =>
    Runtime.runPromise(runtime)(Effect.either(effect)).then((either) =>
      either._tag === "Right" ? either.right : Promise.reject(either.left)
    )
  const outcome = (effect: Effect.Effect<ExecutionResponse, unknown, Executions | Integrations | Connections>) =>
    run(effect).then(
      (response): Outcome => ({ ok: true, response }),
      (error: unknown) => failure(error)
    )
  return {
    execute: (code) =>
      outcome(
        Effect.gen(function* () {
          const payload = yield* decodeExecute({ code })
          return yield* (yield* Executions).execute(payload)
        })
      ),
    resume: (executionId, action, content) =>
      outcome(Effect.flatMap(Executions, (e) => e.resume(executionId, { action, ...(content === undefined ? {} : { content }) }))),
    integrations: () =>
      run(
        Effect.gen(function* () {
          const all = yield* (yield* Integrations).list()
          const connections = yield* (yield* Connections).list({})
          return connected(all, connections)
        })
      )
  }
}

const messageOf = (status: number, body: unknown, text: string) => {
  const tag = typeof body === "object" && body !== null && "_tag" in body ? String(body._tag) : `HTTP ${status}`
  const message = typeof body === "object" && body !== null && "message" in body ? String(body.message) : text
  return `${tag}: ${message}`
}

/** The backend of `executor mcp`: the running daemon's HTTP API, with its token. */
export const httpBackend = (baseUrl: string, token: string): ExecutorBackend => {
  const call = async (method: string, route: string, body?: unknown): Promise<{ ok: true; body: unknown } | { ok: false; message: string }> => {
    let response: Response
    try {
      response = await fetch(`${baseUrl}${route}`, {
        method,
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        ...(body === undefined ? {} : { body: JSON.stringify(body) })
      })
    } catch {
      return { ok: false, message: `The Executor daemon at ${baseUrl} does not answer: start it with \`executor serve\`` }
    }
    const text = await response.text()
    let parsed: unknown = undefined
    try {
      parsed = JSON.parse(text)
    } catch {
      parsed = undefined
    }
    return response.ok ? { ok: true, body: parsed } : { ok: false, message: messageOf(response.status, parsed, text) }
  }
  const asOutcome = (r: { ok: true; body: unknown } | { ok: false; message: string }): Outcome => {
    if (!r.ok) return r
    const decoded = decodeResponse(r.body)
    return Either.isRight(decoded) ? { ok: true, response: decoded.right } : { ok: false, message: `The daemon's answer was not an execution response` }
  }
  return {
    execute: async (code) => asOutcome(await call("POST", "/api/executions", { code })),
    resume: async (executionId, action, content) =>
      asOutcome(
        await call("POST", `/api/executions/${encodeURIComponent(executionId)}/resume`, { action, ...(content === undefined ? {} : { content }) })
      ),
    integrations: async () => {
      const [integrations, connections] = await Promise.all([call("GET", "/api/integrations"), call("GET", "/api/connections")])
      if (!integrations.ok || !connections.ok) return []
      const list = Either.getOrElse(Schema.decodeUnknownEither(ListedIntegrations)(integrations.body), () => [])
      const conns = Either.getOrElse(Schema.decodeUnknownEither(ListedConnections)(connections.body), () => [])
      return connected(list, conns)
    }
  }
}
