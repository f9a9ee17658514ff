import * as crypto from "node:crypto"
import {
  type HttpApp,
  HttpIncomingMessage,
  HttpServerError,
  HttpServerRequest,
  HttpServerResponse
} from "@effect/platform"
import { InvalidRequestError, PayloadTooLargeError, RouteNotFoundError } from "@executor/core"
import { Cause, Effect, Either, Option, Schema } from "effect"

export interface BodyLimit {
  /** Requests whose path starts with this prefix get `bytes` instead of the default. */
  readonly pathPrefix: string
  readonly bytes: number
}

export interface EdgeOptions {
  /** Default request body limit (1 MiB). */
  readonly maxBodyBytes: number
  readonly bodyLimits?: ReadonlyArray<BodyLimit>
}

const json = (status: number, body: unknown) => HttpServerResponse.unsafeJson(body, { status })

const encodeError = <A, I>(schema: Schema.Schema<A, I>, value: A) => Schema.encodeSync(schema)(value)

const tooLarge = (limit: number) =>
  json(
    413,
    encodeError(
      PayloadTooLargeError,
      new PayloadTooLargeError({ limitBytes: limit, message: `The request body is larger than ${limit} bytes` })
    )
  )

const badRequest = (message: string) =>
  json(400, encodeError(InvalidRequestError, new InvalidRequestError({ message })))

const isJsonBody = (request: HttpServerRequest.HttpServerRequest) =>
  request.method !== "GET" &&
  request.method !== "HEAD" &&
  (request.headers["content-type"] ?? "").toLowerCase().includes("json")

const JsonText = Schema.parseJson()
const decodeJson = Schema.decodeEither(JsonText)

const exceededLimit = (cause: Cause.Cause<unknown>) =>
  Cause.failureOption(cause).pipe(
    Option.exists(
      (e) => e instanceof HttpServerError.RequestError && e.cause instanceof Error && e.cause.message.includes("maxBytes")
    )
  )

/**
 * The outer edge of every request: enforces the body limit, rejects malformed JSON
 * with a tagged 400 before any handler sees it, answers unknown routes with a tagged
 * 404, and turns anything unexpected into `InternalError{traceId}` (the cause goes to
 * the log under the same id, never to the client).
 */
export const edgeMiddleware =
  (options: EdgeOptions) =>
  (app: HttpApp.Default): HttpApp.Default =>
    Effect.gen(function* () {
      const request = yield* HttpServerRequest.HttpServerRequest
      const path = request.url.split("?")[0] ?? request.url
      const limit = options.bodyLimits?.find((l) => path.startsWith(l.pathPrefix))?.bytes ?? options.maxBodyBytes
      const declared = Number(request.headers["content-length"] ?? "0")
      if (Number.isFinite(declared) && declared > limit) return tooLarge(limit)

      if (isJsonBody(request)) {
        // The text is cached on the request, so handlers decode it without reading the stream again.
        const text = yield* Effect.either(HttpIncomingMessage.withMaxBodySize(request.text, Option.some(limit)))
        if (Either.isLeft(text)) {
          const cause = Cause.fail(text.left)
          return exceededLimit(cause) ? tooLarge(limit) : badRequest("The request body could not be read")
        }
        if (text.right.length > 0 && Either.isLeft(decodeJson(text.right))) {
          return badRequest("The request body is not valid JSON")
        }
      }

      return yield* HttpIncomingMessage.withMaxBodySize(app, Option.some(limit))
    }).pipe(
      Effect.catchAllCause((cause) =>
        Effect.gen(function* () {
          const failure = Cause.failureOption<unknown>(cause)
          if (Option.isSome(failure) && failure.value instanceof HttpServerError.RouteNotFound) {
            const request = failure.value.request
            const path = request.url.split("?")[0] ?? ""
            return json(
              404,
              encodeError(
                RouteNotFoundError,
                new RouteNotFoundError({ method: request.method, path, message: `No route ${request.method} ${path}` })
              )
            )
          }
          if (exceededLimit(cause)) return tooLarge(options.maxBodyBytes)
          // Declared errors are encoded by the API with their own status.
          if (Option.isSome(failure)) return yield* Effect.failCause(cause)
          const traceId = crypto.randomUUID()
          yield* Effect.logError("request failed", cause).pipe(Effect.annotateLogs({ traceId }))
          return json(500, { _tag: "InternalError", traceId })
        })
      )
    )
