import { Schema } from "effect"

export const ExecutionStatus = Schema.Literal("running", "paused", "completed", "failed", "cancelled")
export type ExecutionStatus = typeof ExecutionStatus.Type

export const TERMINAL_STATUSES: ReadonlySet<ExecutionStatus> = new Set(["completed", "failed", "cancelled"])

export const ResumeAction = Schema.Literal("accept", "decline", "cancel")
export type ResumeAction = typeof ResumeAction.Type

export const Labels = Schema.Record({ key: Schema.String, value: Schema.String })

/** What a paused execution is waiting on: a person's decision about one tool call. */
export const Interaction = Schema.Struct({
  id: Schema.String,
  kind: Schema.Literal("approval"),
  message: Schema.String,
  address: Schema.String,
  arguments: Schema.Unknown,
  description: Schema.optional(Schema.String)
})
export type Interaction = typeof Interaction.Type

export const ToolCallRecord = Schema.Struct({
  address: Schema.String,
  arguments: Schema.Unknown,
  outcome: Schema.Literal("ok", "error", "blocked", "declined", "cancelled", "not_found"),
  errorCode: Schema.optional(Schema.String),
  durationMs: Schema.Number,
  startedAt: Schema.Number
})
export type ToolCallRecord = typeof ToolCallRecord.Type

export const LogRecord = Schema.Struct({
  level: Schema.Literal("log", "info", "warn", "error", "debug"),
  message: Schema.String
})
export type LogRecord = typeof LogRecord.Type

export const ExecutionErrorInfo = Schema.Struct({
  kind: Schema.String,
  name: Schema.String,
  message: Schema.String,
  stack: Schema.optional(Schema.String)
})
export type ExecutionErrorInfo = typeof ExecutionErrorInfo.Type

export const ExecutionTiming = Schema.Struct({
  totalMs: Schema.Number,
  toolCallMs: Schema.Number
})

/** The full record of one execution: a projection of its event log. */
export const Execution = Schema.Struct({
  id: Schema.String,
  status: ExecutionStatus,
  code: Schema.String,
  labels: Labels,
  result: Schema.NullOr(Schema.Unknown),
  error: Schema.NullOr(ExecutionErrorInfo),
  logs: Schema.Array(LogRecord),
  toolCalls: Schema.Array(ToolCallRecord),
  timing: ExecutionTiming,
  pendingInteraction: Schema.NullOr(Interaction),
  timeoutMs: Schema.Number,
  autoApprove: Schema.Boolean,
  createdAt: Schema.Number,
  updatedAt: Schema.Number,
  completedAt: Schema.NullOr(Schema.Number)
})
export type Execution = typeof Execution.Type

export const ExecutionSummary = Schema.Struct({
  id: Schema.String,
  status: ExecutionStatus,
  labels: Labels,
  error: Schema.NullOr(Schema.String),
  toolCallCount: Schema.Number,
  timing: ExecutionTiming,
  createdAt: Schema.Number,
  updatedAt: Schema.Number,
  completedAt: Schema.NullOr(Schema.Number)
})
export type ExecutionSummary = typeof ExecutionSummary.Type

export const ExecutionPage = Schema.Struct({
  items: Schema.Array(ExecutionSummary),
  nextCursor: Schema.NullOr(Schema.String)
})

export const EventType = Schema.Literal(
  "execution.created",
  "execution.resumed",
  "execution.paused",
  "execution.completed",
  "execution.failed",
  "execution.cancelled",
  "tool.called",
  "tool.result",
  "console"
)
export type EventType = typeof EventType.Type

export const TERMINAL_EVENTS: ReadonlySet<string> = new Set(["execution.completed", "execution.failed", "execution.cancelled"])

export const ExecutionEvent = Schema.Struct({
  id: Schema.String,
  executionId: Schema.String,
  sequence: Schema.Number,
  type: EventType,
  timestamp: Schema.Number,
  payload: Schema.Unknown
})
export type ExecutionEvent = typeof ExecutionEvent.Type

export const EventPage = Schema.Struct({
  events: Schema.Array(ExecutionEvent),
  latestSequence: Schema.Number
})

/** Code is limited well below the body limit; an empty program is refused. */
export const MAX_CODE_BYTES = 256 * 1024
export const MAX_TIMEOUT_MS = 60 * 60_000

export const ExecutePayload = Schema.Struct({
  code: Schema.String.pipe(
    Schema.filter((code) => code.trim().length > 0, { message: () => "code must not be empty" }),
    Schema.filter((code) => code.length <= MAX_CODE_BYTES, {
      message: () => `code must be at most ${MAX_CODE_BYTES} characters`
    })
  ),
  labels: Schema.optional(
    Labels.pipe(Schema.filter((l) => Object.keys(l).length <= 32, { message: () => "at most 32 labels" }))
  ),
  timeoutMs: Schema.optional(Schema.Int.pipe(Schema.between(1, MAX_TIMEOUT_MS))),
  autoApprove: Schema.optional(Schema.Boolean)
})
export type ExecutePayload = typeof ExecutePayload.Type

export const ResumePayload = Schema.Struct({
  action: ResumeAction,
  content: Schema.optional(Schema.Unknown),
  interactionId: Schema.optional(Schema.String)
})
export type ResumePayload = typeof ResumePayload.Type

/** What `POST /executions` and `resume` answer: finished, or waiting on a person. */
export const ExecutionResponse = Schema.Union(
  Schema.Struct({
    status: Schema.Literal("completed"),
    executionId: Schema.String,
    text: Schema.String,
    structured: Schema.Unknown,
    isError: Schema.Boolean
  }),
  Schema.Struct({
    status: Schema.Literal("paused"),
    executionId: Schema.String,
    text: Schema.String,
    structured: Schema.Unknown
  })
)
export type ExecutionResponse = typeof ExecutionResponse.Type
