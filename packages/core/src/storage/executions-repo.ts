import { SqlClient } from "@effect/sql"
import { Effect, Option, Schema } from "effect"
import {
  type EventType,
  ExecutionErrorInfo,
  type ExecutionEvent,
  ExecutionStatus,
  Interaction,
  Labels,
  LogRecord,
  ResumeAction,
  ToolCallRecord
} from "../domain/execution"
import { BigIntColumn, decodeRows, FlagColumn, JsonColumn, orDieStorage } from "./rows"

const CallRequest = Schema.Struct({ seq: Schema.Number, path: Schema.String, args: Schema.String })

const CallOutcome = Schema.Union(
  Schema.Struct({ ok: Schema.Literal(true), json: Schema.String }),
  Schema.Struct({ ok: Schema.Literal(false), name: Schema.String, message: Schema.String })
)

/** Everything a re-run needs to reach the paused call again without repeating a tool call. */
export const Journal = Schema.Struct({
  calls: Schema.Array(Schema.extend(CallRequest, Schema.Struct({ outcome: CallOutcome }))),
  order: Schema.Array(Schema.Number),
  now: Schema.Array(Schema.Number),
  random: Schema.Array(Schema.Number),
  logCount: Schema.Number,
  /** Time spent running before the pause; it counts against the execution's time limit. */
  runningMs: Schema.Number
})
export type Journal = typeof Journal.Type

/** The calls a paused execution waits on; the first is the one shown to a person. */
export const Pending = Schema.Struct({
  interaction: Interaction,
  seq: Schema.Number,
  waiting: Schema.Array(CallRequest)
})
export type Pending = typeof Pending.Type

export const ResumeDecision = Schema.Struct({ interactionId: Schema.String, action: ResumeAction })
export type ResumeDecision = typeof ResumeDecision.Type

const Row = Schema.Struct({
  id: Schema.String,
  status: ExecutionStatus,
  code: Schema.String,
  labels: JsonColumn(Labels),
  timeout_ms: BigIntColumn,
  auto_approve: FlagColumn,
  result: Schema.NullOr(Schema.String),
  error: Schema.NullOr(JsonColumn(ExecutionErrorInfo)),
  logs: JsonColumn(Schema.Array(LogRecord)),
  tool_calls: JsonColumn(Schema.Array(ToolCallRecord)),
  tool_call_count: BigIntColumn,
  total_ms: BigIntColumn,
  tool_call_ms: BigIntColumn,
  pending: Schema.NullOr(JsonColumn(Pending)),
  journal: Schema.NullOr(JsonColumn(Journal)),
  last_decision: Schema.NullOr(JsonColumn(ResumeDecision)),
  created_at: BigIntColumn,
  updated_at: BigIntColumn,
  completed_at: Schema.NullOr(BigIntColumn)
})

/** An execution as stored; `result` stays JSON text (what the sandbox produced). */
export interface ExecutionRow {
  readonly id: string
  readonly status: ExecutionStatus
  readonly code: string
  readonly labels: Readonly<Record<string, string>>
  readonly timeoutMs: number
  readonly autoApprove: boolean
  readonly result: string | null
  readonly error: ExecutionErrorInfo | null
  readonly logs: ReadonlyArray<LogRecord>
  readonly toolCalls: ReadonlyArray<ToolCallRecord>
  readonly toolCallCount: number
  readonly totalMs: number
  readonly toolCallMs: number
  readonly pending: Pending | null
  readonly journal: Journal | null
  readonly lastDecision: ResumeDecision | null
  readonly createdAt: number
  readonly updatedAt: number
  readonly completedAt: number | null
}

const toRow = (r: typeof Row.Type): ExecutionRow => ({
  id: r.id,
  status: r.status,
  code: r.code,
  labels: r.labels,
  timeoutMs: r.timeout_ms,
  autoApprove: r.auto_approve,
  result: r.result,
  error: r.error,
  logs: r.logs,
  toolCalls: r.tool_calls,
  toolCallCount: r.tool_call_count,
  totalMs: r.total_ms,
  toolCallMs: r.tool_call_ms,
  pending: r.pending,
  journal: r.journal,
  lastDecision: r.last_decision,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  completedAt: r.completed_at
})

const encodeRow = Schema.encodeSync(Row)

const toColumns = (e: ExecutionRow) =>
  encodeRow({
    id: e.id,
    status: e.status,
    code: e.code,
    labels: e.labels,
    timeout_ms: e.timeoutMs,
    auto_approve: e.autoApprove,
    result: e.result,
    error: e.error,
    logs: e.logs,
    tool_calls: e.toolCalls,
    tool_call_count: e.toolCallCount,
    total_ms: e.totalMs,
    tool_call_ms: e.toolCallMs,
    pending: e.pending,
    journal: e.journal,
    last_decision: e.lastDecision,
    created_at: e.createdAt,
    updated_at: e.updatedAt,
    completed_at: e.completedAt
  })

const EventRow = Schema.Struct({
  execution_id: Schema.String,
  sequence: BigIntColumn,
  id: Schema.String,
  type: Schema.String,
  timestamp: BigIntColumn,
  payload: JsonColumn(Schema.Unknown)
})

const isEventType = (t: string): t is EventType => t.startsWith("execution.") || t.startsWith("tool.") || t === "console"

const toEvent = (r: typeof EventRow.Type): ExecutionEvent => ({
  id: r.id,
  executionId: r.execution_id,
  sequence: r.sequence,
  type: isEventType(r.type) ? r.type : "console",
  timestamp: r.timestamp,
  payload: r.payload
})

/** Payloads are arbitrary JSON values (Schema.Unknown), so encoding them is exactly JSON text. */
const encodePayload = (payload: unknown) => JSON.stringify(payload) ?? "null"

export interface ExecutionFilter {
  readonly status?: ExecutionStatus | undefined
  readonly labels?: ReadonlyArray<readonly [string, string]> | undefined
  readonly createdBefore?: number | undefined
  readonly createdAfter?: number | undefined
  /** Keyset position: rows strictly older than this (created_at, id). */
  readonly before?: { readonly createdAt: number; readonly id: string } | undefined
  readonly limit: number
}

const decode = decodeRows(Row)
const decodeEvents = decodeRows(EventRow)
const SummaryRow = Row.pipe(
  Schema.pick("id", "status", "labels", "error", "tool_call_count", "total_ms", "tool_call_ms", "created_at", "updated_at", "completed_at")
)
const decodeSummaries = decodeRows(SummaryRow)

export interface ExecutionSummaryRow {
  readonly id: string
  readonly status: ExecutionRow["status"]
  readonly labels: Readonly<Record<string, string>>
  readonly error: ExecutionErrorInfo | null
  readonly toolCallCount: number
  readonly totalMs: number
  readonly toolCallMs: number
  readonly createdAt: number
  readonly updatedAt: number
  readonly completedAt: number | null
}

/** Executions, their labels and their event logs. A row is rewritten together with the events that changed it. */
export class ExecutionsRepo extends Effect.Service<ExecutionsRepo>()("executor/core/ExecutionsRepo", {
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient

    const insertEvents = (events: ReadonlyArray<ExecutionEvent>) =>
      events.length === 0
        ? Effect.void
        : Effect.forEach(
            chunk(events, 200),
            (batch) =>
              sql`INSERT INTO execution_events ${sql.insert(
                batch.map((e) => ({
                  execution_id: e.executionId,
                  sequence: e.sequence,
                  id: e.id,
                  type: e.type,
                  timestamp: e.timestamp,
                  payload: encodePayload(e.payload)
                }))
              )}`,
            { discard: true }
          )

    const update = (row: ExecutionRow) => {
      const { id: _id, created_at: _created, labels: _labels, code: _code, ...columns } = toColumns(row)
      return sql`UPDATE executions SET ${sql.update(columns)} WHERE id = ${row.id}`
    }

    const create = Effect.fn("ExecutionsRepo.create")(function* (row: ExecutionRow, events: ReadonlyArray<ExecutionEvent>) {
      const labels = Object.entries(row.labels).map(([key, value]) => ({ execution_id: row.id, key, value }))
      yield* orDieStorage(
        sql.withTransaction(
          Effect.all([
            sql`INSERT INTO executions ${sql.insert(toColumns(row))}`,
            labels.length > 0 ? sql`INSERT INTO execution_labels ${sql.insert(labels)}` : Effect.void,
            insertEvents(events)
          ])
        )
      )
    })

    /** Appends events and, when given, rewrites the row in the same transaction. */
    const save = Effect.fn("ExecutionsRepo.save")(function* (row: ExecutionRow | undefined, events: ReadonlyArray<ExecutionEvent>) {
      yield* orDieStorage(sql.withTransaction(Effect.all([insertEvents(events), row ? update(row) : Effect.void])))
    })

    /** Moves a paused execution to running; only one caller can win. */
    const claim = Effect.fn("ExecutionsRepo.claim")(function* (id: string, now: number) {
      const rows = yield* orDieStorage(
        sql`UPDATE executions SET status = 'running', updated_at = ${now} WHERE id = ${id} AND status = 'paused' RETURNING id`
      )
      return rows.length === 1
    })

    const get = Effect.fn("ExecutionsRepo.get")(function* (id: string) {
      const rows = yield* orDieStorage(sql`SELECT * FROM executions WHERE id = ${id}`.pipe(Effect.flatMap(decode)))
      return Option.map(Option.fromNullable(rows[0]), toRow)
    })

    const list = Effect.fn("ExecutionsRepo.list")(function* (filter: ExecutionFilter) {
      const conditions = [
        filter.status ? sql`status = ${filter.status}` : undefined,
        filter.createdBefore !== undefined ? sql`created_at < ${filter.createdBefore}` : undefined,
        filter.createdAfter !== undefined ? sql`created_at > ${filter.createdAfter}` : undefined,
        filter.before
          ? sql`(created_at < ${filter.before.createdAt} OR (created_at = ${filter.before.createdAt} AND id < ${filter.before.id}))`
          : undefined,
        ...(filter.labels ?? []).map(
          ([key, value]) =>
            sql`EXISTS (SELECT 1 FROM execution_labels l WHERE l.execution_id = executions.id AND l.key = ${key} AND l.value = ${value})`
        )
      ].filter((c) => c !== undefined)
      const where = conditions.length > 0 ? sql`WHERE ${sql.and(conditions)}` : sql``
      const rows = yield* orDieStorage(
        sql`SELECT id, status, labels, error, tool_call_count, total_ms, tool_call_ms, created_at, updated_at, completed_at
            FROM executions ${where} ORDER BY created_at DESC, id DESC LIMIT ${filter.limit}`.pipe(Effect.flatMap(decodeSummaries))
      )
      return rows.map(
        (r): ExecutionSummaryRow => ({
          id: r.id,
          status: r.status,
          labels: r.labels,
          error: r.error,
          toolCallCount: r.tool_call_count,
          totalMs: r.total_ms,
          toolCallMs: r.tool_call_ms,
          createdAt: r.created_at,
          updatedAt: r.updated_at,
          completedAt: r.completed_at
        })
      )
    })

    const events = Effect.fn("ExecutionsRepo.events")(function* (id: string, afterSequence: number, limit: number) {
      const rows = yield* orDieStorage(
        sql`SELECT * FROM execution_events WHERE execution_id = ${id} AND sequence > ${afterSequence}
            ORDER BY sequence LIMIT ${limit}`.pipe(Effect.flatMap(decodeEvents))
      )
      return rows.map(toEvent)
    })

    const latestSequence = Effect.fn("ExecutionsRepo.latestSequence")(function* (id: string) {
      const rows = yield* orDieStorage(
        sql`SELECT MAX(sequence) AS latest FROM execution_events WHERE execution_id = ${id}`.pipe(
          Effect.flatMap(Schema.decodeUnknown(Schema.Array(Schema.Struct({ latest: Schema.NullOr(BigIntColumn) }))))
        )
      )
      return rows[0]?.latest ?? 0
    })

    const idsWithStatus = Effect.fn("ExecutionsRepo.idsWithStatus")(function* (status: ExecutionRow["status"]) {
      const rows = yield* orDieStorage(
        sql`SELECT id FROM executions WHERE status = ${status}`.pipe(
          Effect.flatMap(Schema.decodeUnknown(Schema.Array(Schema.Struct({ id: Schema.String }))))
        )
      )
      return rows.map((r) => r.id)
    })

    return { create, save, claim, get, list, events, latestSequence, idsWithStatus } as const
  })
}) {}

const chunk = <A>(items: ReadonlyArray<A>, size: number): Array<ReadonlyArray<A>> => {
  const out: Array<ReadonlyArray<A>> = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}
