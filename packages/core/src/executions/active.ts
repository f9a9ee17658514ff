import * as crypto from "node:crypto"
import type { CallRequest, JournalEntry, SandboxHandle } from "@executor/sandbox"
import type { Deferred } from "effect"
import type {
  EventType,
  ExecutionEvent,
  ExecutionResponse,
  Interaction,
  LogRecord,
  ResumeAction,
  ToolCallRecord
} from "../domain/execution"
import type { CatalogTool } from "../domain/tool"
import type { ExecutionRow } from "../storage/executions-repo"

/** A call waiting on a person's decision. */
export interface HeldCall {
  readonly request: CallRequest
  readonly interaction: Interaction
}

/**
 * The in-memory state of an execution while it runs in this process. The event
 * log is appended here first (sequence numbers are assigned here) and flushed
 * to storage in batches; a pause or an end flushes everything together with the row.
 */
export interface Active {
  readonly id: string
  readonly base: ExecutionRow
  nextSequence: number
  buffer: Array<ExecutionEvent>
  readonly journal: {
    readonly calls: Array<JournalEntry>
    readonly order: Array<number>
    readonly now: Array<number>
    readonly random: Array<number>
    logCount: number
  }
  readonly toolCalls: Array<ToolCallRecord>
  readonly logs: Array<LogRecord>
  toolCallMs: number
  readonly held: Map<number, HeldCall>
  /** Decisions a person made, by call sequence; they apply when the re-run makes that call. */
  readonly decisions: Map<number, ResumeAction>
  readonly aborts: Set<AbortController>
  inFlight: number
  /** The sandbox is waiting on the host and has taken in every answer sent so far. */
  idle: boolean
  answersSent: number
  handle: SandboxHandle | undefined
  /** Set once the run has ended or paused; later sandbox reports are ignored. */
  settledAs: "paused" | "finished" | undefined
  cancelRequested: boolean
  readonly segmentStartedAt: number
  readonly runningMsBefore: number
  readonly settled: Deferred.Deferred<ExecutionResponse>
  flushTimer: ReturnType<typeof setTimeout> | undefined
}

export const MAX_LOG_RECORDS = 1_000
export const MAX_EVENT_RESULT_CHARS = 16 * 1024

export const newEvent = (active: Active, type: EventType, payload: unknown): ExecutionEvent => ({
  id: `evt_${crypto.randomUUID()}`,
  executionId: active.id,
  sequence: active.nextSequence++,
  type,
  timestamp: Date.now(),
  payload
})

/** Event payloads carry small values whole and a bounded preview of large ones; the journal keeps them whole. */
export const preview = (json: string, value: unknown): unknown =>
  json.length <= MAX_EVENT_RESULT_CHARS ? value : { truncated: true, length: json.length, preview: json.slice(0, MAX_EVENT_RESULT_CHARS) }

export const approvalInteraction = (seq: number, tool: CatalogTool, args: unknown): Interaction => ({
  id: `int_${seq}_${crypto.randomUUID().slice(0, 8)}`,
  kind: "approval",
  message: `Approval required to call ${tool.address}`,
  address: tool.address,
  arguments: args,
  ...(tool.approvalDescription ? { description: tool.approvalDescription } : {})
})
