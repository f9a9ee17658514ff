import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema } from "@effect/platform"
import {
  Authorization,
  EventPage,
  ExecutePayload,
  Execution,
  ExecutionFinishedError,
  ExecutionNotFoundError,
  ExecutionNotPaused,
  ExecutionPage,
  ExecutionQueueFullError,
  ExecutionResponse,
  ExecutionStatus,
  InvalidRequestError,
  ResumePayload
} from "@executor/core"
import { Schema } from "effect"

const executionId = HttpApiSchema.param("executionId", Schema.String.pipe(Schema.minLength(1), Schema.maxLength(128)))

const Sequence = Schema.NumberFromString.pipe(Schema.int(), Schema.nonNegative())

export const ListExecutionsParams = Schema.Struct({
  status: Schema.optional(ExecutionStatus),
  /** `key=value`; repeat the parameter to require several labels. */
  label: Schema.optional(Schema.Union(Schema.String, Schema.Array(Schema.String))),
  created_before: Schema.optional(Schema.NumberFromString),
  created_after: Schema.optional(Schema.NumberFromString),
  limit: Schema.optional(Schema.NumberFromString.pipe(Schema.int(), Schema.between(1, 200))),
  cursor: Schema.optional(Schema.String.pipe(Schema.maxLength(512)))
})

export class ExecutionsApi extends HttpApiGroup.make("executions")
  .add(
    HttpApiEndpoint.post("execute", "/executions")
      .setPayload(ExecutePayload)
      .addSuccess(ExecutionResponse)
      .addError(ExecutionQueueFullError)
  )
  .add(
    HttpApiEndpoint.get("list", "/executions")
      .setUrlParams(ListExecutionsParams)
      .addSuccess(ExecutionPage)
      .addError(InvalidRequestError)
  )
  .add(HttpApiEndpoint.get("get")`/executions/${executionId}`.addSuccess(Execution).addError(ExecutionNotFoundError))
  .add(
    HttpApiEndpoint.get("events")`/executions/${executionId}/events`
      .setUrlParams(
        Schema.Struct({
          after_sequence: Schema.optional(Sequence),
          limit: Schema.optional(Schema.NumberFromString.pipe(Schema.int(), Schema.between(1, 1000)))
        })
      )
      .addSuccess(EventPage)
      .addError(ExecutionNotFoundError)
  )
  .add(
    HttpApiEndpoint.get("stream")`/executions/${executionId}/stream`
      .setUrlParams(Schema.Struct({ after_sequence: Schema.optional(Sequence) }))
      .setHeaders(Schema.Struct({ "last-event-id": Schema.optional(Sequence) }))
      .addSuccess(Schema.String.pipe(HttpApiSchema.withEncoding({ kind: "Text", contentType: "text/event-stream" })))
      .addError(ExecutionNotFoundError)
  )
  .add(
    HttpApiEndpoint.post("resume")`/executions/${executionId}/resume`
      .setPayload(ResumePayload)
      .addSuccess(ExecutionResponse)
      .addError(ExecutionNotFoundError)
      .addError(ExecutionNotPaused)
      .addError(ExecutionQueueFullError)
  )
  .add(
    HttpApiEndpoint.post("cancel")`/executions/${executionId}/cancel`
      .addSuccess(Execution)
      .addError(ExecutionNotFoundError)
      .addError(ExecutionFinishedError)
  )
  .middleware(Authorization)
  .prefix("/api") {}
