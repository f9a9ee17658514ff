import { HttpApiBuilder, HttpServerResponse } from "@effect/platform"
import { CoreApi } from "@executor/api"
import { type ExecutionEvent, Executions, InvalidRequestError } from "@executor/core"
import { Chunk, Duration, Effect, Either, Schema, Stream } from "effect"

const Cursor = Schema.compose(Schema.StringFromBase64Url, Schema.parseJson(Schema.Tuple(Schema.Number, Schema.String)))
const decodeCursor = Schema.decodeUnknownEither(Cursor)

const parseLabel = (label: string) => {
  const at = label.indexOf("=")
  return at > 0 ? Either.right([label.slice(0, at), label.slice(at + 1)] as const) : Either.left(label)
}

const sseFrame = (event: ExecutionEvent) => `id: ${event.sequence}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`

/** How often an idle stream sends a comment so proxies and clients know it is alive. */
const heartbeatMs = () => {
  const configured = Number(process.env.EXECUTOR_SSE_HEARTBEAT_MS)
  return Number.isFinite(configured) && configured > 0 ? configured : 15_000
}

export const ExecutionsHandlers = HttpApiBuilder.group(CoreApi, "executions", (handlers) =>
  Effect.gen(function* () {
    const executions = yield* Executions
    return handlers
      .handle("execute", ({ payload }) => executions.execute(payload))
      .handle("list", ({ urlParams }) =>
        Effect.gen(function* () {
          const labels = urlParams.label === undefined ? [] : typeof urlParams.label === "string" ? [urlParams.label] : urlParams.label
          const pairs = []
          for (const label of labels) {
            const parsed = parseLabel(label)
            if (Either.isLeft(parsed)) {
              return yield* Effect.fail(new InvalidRequestError({ message: `label must be key=value, got "${parsed.left}"` }))
            }
            pairs.push(parsed.right)
          }
          const cursor = urlParams.cursor === undefined ? undefined : decodeCursor(urlParams.cursor)
          if (cursor && Either.isLeft(cursor)) {
            return yield* Effect.fail(new InvalidRequestError({ message: "cursor is not one this API returned" }))
          }
          return yield* executions.list({
            status: urlParams.status,
            labels: pairs,
            createdBefore: urlParams.created_before,
            createdAfter: urlParams.created_after,
            before: cursor ? { createdAt: cursor.right[0], id: cursor.right[1] } : undefined,
            limit: urlParams.limit ?? 50
          })
        })
      )
      .handle("get", ({ path }) => executions.get(path.executionId))
      .handle("events", ({ path, urlParams }) =>
        executions.events(path.executionId, urlParams.after_sequence ?? 0, urlParams.limit ?? 500)
      )
      .handle("stream", ({ path, urlParams, headers }) =>
        Effect.gen(function* () {
          // A reconnecting EventSource sends Last-Event-ID; it wins over the query.
          const after = headers["last-event-id"] ?? urlParams.after_sequence ?? 0
          yield* executions.get(path.executionId)
          const events = executions.stream(path.executionId, after).pipe(
            Stream.map(sseFrame),
            Stream.catchAll(() => Stream.empty)
          )
          const heartbeats = Stream.tick(Duration.millis(heartbeatMs())).pipe(Stream.drop(1), Stream.as(": heartbeat\n\n"))
          const body = Stream.merge(events, heartbeats, { haltStrategy: "left" }).pipe(
            Stream.prepend(Chunk.of(": connected\n\n")),
            Stream.encodeText
          )
          return HttpServerResponse.stream(body, {
            contentType: "text/event-stream",
            headers: { "cache-control": "no-cache", "x-accel-buffering": "no" }
          })
        })
      )
      .handle("resume", ({ path, payload }) => executions.resume(path.executionId, payload))
      .handle("cancel", ({ path }) => executions.cancel(path.executionId))
  })
)
