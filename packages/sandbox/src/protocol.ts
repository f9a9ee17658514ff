/**
 * Messages between the host (main thread) and a sandbox worker. Everything that
 * crosses is plain data: tool arguments and results travel as JSON text so the
 * sandbox parses them itself and no host object ever reaches it.
 */

export interface SandboxLimits {
  /** Wall-clock budget for this run segment, in milliseconds. */
  readonly timeoutMs: number
  readonly memoryBytes: number
  readonly stackBytes: number
  readonly maxLogBytes: number
  readonly maxLogEntries: number
  readonly maxResultBytes: number
  readonly maxToolCalls: number
}

export const DEFAULT_LIMITS: SandboxLimits = {
  timeoutMs: 5 * 60_000,
  memoryBytes: 64 * 1024 * 1024,
  stackBytes: 192 * 1024,
  maxLogBytes: 256 * 1024,
  maxLogEntries: 10_000,
  maxResultBytes: 4 * 1024 * 1024,
  maxToolCalls: 10_000
}

/** What a host call resolved to: JSON text the sandbox parses, or an error it sees thrown. */
export type CallOutcome =
  | { readonly ok: true; readonly json: string }
  | { readonly ok: false; readonly name: string; readonly message: string }

/** A call the sandbox made: `path` is what followed `tools.`; `args` is JSON text ("" for none). */
export interface CallRequest {
  readonly seq: number
  readonly path: string
  readonly args: string
}

export interface JournalEntry extends CallRequest {
  readonly outcome: CallOutcome
}

/**
 * What a re-run replays: every call answered before the pause (by sequence), the
 * order their answers arrived in, the clock and random values read, and the calls
 * that were still waiting (they must be made again, identically).
 */
export interface Replay {
  readonly calls: ReadonlyArray<JournalEntry>
  readonly order: ReadonlyArray<number>
  readonly now: ReadonlyArray<number>
  readonly random: ReadonlyArray<number>
  readonly waiting: ReadonlyArray<CallRequest>
  /** Console entries reported before the pause: replaying them again would duplicate them. */
  readonly logCount: number
}

export type LogLevel = "log" | "info" | "warn" | "error" | "debug"

export interface LogEntry {
  readonly level: LogLevel
  readonly message: string
}

export type FailureKind =
  | "syntax"
  | "uncaught"
  | "timeout"
  | "cancelled"
  | "memory"
  | "stack"
  | "log_limit"
  | "result_limit"
  | "tool_call_limit"
  | "never_settles"
  | "replay_diverged"
  | "not_serializable"
  | "internal"

export interface SandboxFailure {
  readonly kind: FailureKind
  readonly name: string
  readonly message: string
  /** The sandbox's own stack (file "code.ts"), never a host path. */
  readonly stack?: string
}

export type RunOutcome =
  | { readonly ok: true; readonly json: string | undefined }
  | { readonly ok: false; readonly failure: SandboxFailure }

/** Values the sandbox produced since its last report, for the host to journal. */
export interface Progress {
  readonly logs: ReadonlyArray<LogEntry>
  readonly now: ReadonlyArray<number>
  readonly random: ReadonlyArray<number>
  /** How many host answers the sandbox has taken in so far. */
  readonly delivered: number
}

export type ToWorker =
  | { readonly type: "run"; readonly id: string; readonly code: string; readonly limits: SandboxLimits; readonly replay: Replay | null }
  | { readonly type: "answer"; readonly id: string; readonly seq: number; readonly outcome: CallOutcome }
  | { readonly type: "stop"; readonly id: string; readonly reason: "cancelled" | "timeout" }

export type FromWorker =
  | { readonly type: "ready" }
  | ({ readonly type: "idle"; readonly id: string; readonly calls: ReadonlyArray<CallRequest> } & Progress)
  | ({ readonly type: "done"; readonly id: string; readonly outcome: RunOutcome } & Progress)

/** Values of the shared stop flag a worker's interrupt handler reads. */
export const STOP_NONE = 0
export const STOP_CANCELLED = 1
export const STOP_TIMEOUT = 2
