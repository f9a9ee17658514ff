import type { QuickJSContext, QuickJSDeferredPromise, QuickJSHandle, QuickJSRuntime, QuickJSWASMModule } from "quickjs-emscripten-core"
import { PRELUDE } from "./prelude"
import { CODE_FILE, stripTypes, unwrap, wrapBody, wrapExpression } from "./prepare"
import {
  type CallOutcome,
  type CallRequest,
  type FailureKind,
  type JournalEntry,
  type LogEntry,
  type LogLevel,
  type Progress,
  type Replay,
  type RunOutcome,
  type SandboxFailure,
  type SandboxLimits,
  STOP_CANCELLED,
  STOP_NONE
} from "./protocol"

/** What a run reports to whoever hosts it (the worker forwards these to the main thread). */
export interface RunReporter {
  readonly idle: (calls: ReadonlyArray<CallRequest>, progress: Progress) => void
  readonly done: (outcome: RunOutcome, progress: Progress) => void
}

const LEVELS: ReadonlySet<string> = new Set(["log", "info", "warn", "error", "debug"])
const isLevel = (s: string): s is LogLevel => LEVELS.has(s)

const failure = (kind: FailureKind, message: string, name = "ExecutionError", stack?: string): SandboxFailure =>
  stack ? { kind, name, message, stack } : { kind, name, message }

const sameCall = (a: CallRequest, b: { readonly path: string; readonly args: string }) => a.path === b.path && a.args === b.args

/**
 * One execution inside one fresh QuickJS runtime. It is driven synchronously:
 * `start` and `answer` run the engine's job queue until it has nothing left to do,
 * then report either the result or the calls it is waiting on. While replaying a
 * journal, answers come from the journal in their original order, without
 * crossing to the host.
 */
export class Run {
  private readonly runtime: QuickJSRuntime
  private readonly context: QuickJSContext
  private readonly helpers: { describe: QuickJSHandle; serialize: QuickJSHandle } | undefined
  private readonly waiting = new Map<number, QuickJSDeferredPromise>()
  private readonly journal = new Map<number, JournalEntry>()
  private readonly expectWaiting = new Map<number, CallRequest>()
  private order: ReadonlyArray<number> = []
  private orderIndex = 0
  private nowReplay: ReadonlyArray<number> = []
  private randomReplay: ReadonlyArray<number> = []
  private nowIndex = 0
  private randomIndex = 0
  private batch: Array<CallRequest> = []
  private logs: Array<LogEntry> = []
  private now: Array<number> = []
  private random: Array<number> = []
  private logBytes = 0
  private logEntries = 0
  private replayedLogs = 0
  private calls = 0
  private delivered = 0
  private fault: SandboxFailure | undefined
  private promise: QuickJSHandle | undefined
  private finished = false
  private readonly deadline: number

  constructor(
    module: QuickJSWASMModule,
    private readonly limits: SandboxLimits,
    private readonly stop: Int32Array,
    private readonly reporter: RunReporter
  ) {
    this.deadline = Date.now() + limits.timeoutMs
    this.runtime = module.newRuntime()
    this.runtime.setMemoryLimit(limits.memoryBytes)
    this.runtime.setMaxStackSize(limits.stackBytes)
    this.runtime.setInterruptHandler(() => this.fault !== undefined || this.stopRequested() !== undefined)
    this.context = this.runtime.newContext()
    this.helpers = this.installGlobals()
  }

  /** Timeouts and cancels arrive through shared memory, so a spinning program sees them. */
  private stopRequested(): SandboxFailure | undefined {
    const flag = Atomics.load(this.stop, 0)
    if (flag === STOP_CANCELLED) return failure("cancelled", "The execution was cancelled")
    if (flag !== STOP_NONE || Date.now() > this.deadline) {
      return failure("timeout", `The execution ran out of time (limit ${this.limits.timeoutMs} ms)`)
    }
    return undefined
  }

  private installGlobals() {
    const ctx = this.context
    const host = ctx.newObject()
    const fns: Array<[string, QuickJSHandle]> = [
      ["call", ctx.newFunction("call", (path, args) => this.onCall(ctx.getString(path), ctx.getString(args)))],
      ["log", ctx.newFunction("log", (level, message) => this.onLog(ctx.getString(level), ctx.getString(message)))],
      ["now", ctx.newFunction("now", () => ctx.newNumber(this.nextValue("now")))],
      ["random", ctx.newFunction("random", () => ctx.newNumber(this.nextValue("random")))]
    ]
    for (const [name, fn] of fns) {
      ctx.setProp(host, name, fn)
      fn.dispose()
    }
    ctx.setProp(ctx.global, "__executorHost", host)
    host.dispose()
    const result = ctx.evalCode(PRELUDE, "executor:prelude")
    if (result.error) {
      result.error.dispose()
      this.fault = failure("internal", "The sandbox could not be prepared")
      return undefined
    }
    const helpers = { describe: ctx.getProp(result.value, "describe"), serialize: ctx.getProp(result.value, "serialize") }
    result.value.dispose()
    return helpers
  }

  private nextValue(kind: "now" | "random"): number {
    const replayed = kind === "now" ? this.nowReplay : this.randomReplay
    const index = kind === "now" ? this.nowIndex++ : this.randomIndex++
    const value = index < replayed.length ? (replayed[index] ?? 0) : kind === "now" ? Date.now() : Math.random()
    if (index >= replayed.length) (kind === "now" ? this.now : this.random).push(value)
    return value
  }

  private onLog(level: string, message: string) {
    this.logEntries++
    this.logBytes += message.length
    if (this.logBytes > this.limits.maxLogBytes || this.logEntries > this.limits.maxLogEntries) {
      this.fault ??= failure(
        "log_limit",
        `Console output exceeded its limit (${this.limits.maxLogEntries} entries or ${this.limits.maxLogBytes} bytes)`
      )
      return
    }
    if (this.logEntries <= this.replayedLogs) return
    this.logs.push({ level: isLevel(level) ? level : "log", message })
  }

  private onCall(path: string, args: string): QuickJSHandle | { error: QuickJSHandle } {
    const seq = this.calls++
    if (this.calls > this.limits.maxToolCalls) {
      this.fault ??= failure("tool_call_limit", `The execution made more than ${this.limits.maxToolCalls} tool calls`)
      return { error: this.context.newError({ name: "ToolCallLimitExceeded", message: "Too many tool calls" }) }
    }
    const deferred = this.context.newPromise()
    this.waiting.set(seq, deferred)
    const request: CallRequest = { seq, path, args }
    const journaled = this.journal.get(seq)
    const expected = journaled ?? this.expectWaiting.get(seq)
    if (this.replaying() || expected) {
      if (!expected || !sameCall(request, expected)) {
        this.fault ??= failure(
          "replay_diverged",
          `The program made a different call on replay (call ${seq + 1}: tools.${path}); it must make the same calls in the same order`,
          "ReplayDiverged"
        )
        return deferred.handle
      }
    }
    if (!journaled) this.batch.push(request)
    return deferred.handle
  }

  private replaying() {
    return this.orderIndex < this.order.length
  }

  start(code: string, replay: Replay | null) {
    if (replay) {
      for (const entry of replay.calls) this.journal.set(entry.seq, entry)
      for (const request of replay.waiting) this.expectWaiting.set(request.seq, request)
      this.order = replay.order
      this.nowReplay = replay.now
      this.randomReplay = replay.random
      this.replayedLogs = replay.logCount
    }
    if (!this.fault) this.promise = this.evaluate(stripTypes(unwrap(code)))
    this.pump()
  }

  private evaluate(js: string): QuickJSHandle | undefined {
    const asExpression = this.context.evalCode(wrapExpression(js), CODE_FILE)
    if (!asExpression.error) return asExpression.value
    const expressionError = this.describe(asExpression.error)
    asExpression.error.dispose()
    if (expressionError.name !== "SyntaxError") {
      this.fault ??= this.classify(expressionError)
      return undefined
    }
    const asBody = this.context.evalCode(wrapBody(js), CODE_FILE)
    if (!asBody.error) return asBody.value
    const bodyError = this.describe(asBody.error)
    asBody.error.dispose()
    this.fault ??= bodyError.name === "SyntaxError" ? failure("syntax", bodyError.message, "SyntaxError", bodyError.stack) : this.classify(bodyError)
    return undefined
  }

  /** The host's answer to one call; answers for a run that has finished are ignored. */
  answer(seq: number, outcome: CallOutcome) {
    if (this.finished) return
    this.settle(seq, outcome)
    this.delivered++
    this.pump()
  }

  /** Stops a run that is waiting on the host (a spinning one sees the shared flag instead). */
  halt(reason: "cancelled" | "timeout") {
    if (this.finished) return
    this.fault ??=
      reason === "cancelled"
        ? failure("cancelled", "The execution was cancelled")
        : failure("timeout", `The execution ran out of time (limit ${this.limits.timeoutMs} ms)`)
    this.pump()
  }

  private settle(seq: number, outcome: CallOutcome) {
    const deferred = this.waiting.get(seq)
    if (!deferred) return
    this.waiting.delete(seq)
    const value = outcome.ok ? this.context.newString(outcome.json) : this.context.newError({ name: outcome.name, message: outcome.message })
    if (outcome.ok) deferred.resolve(value)
    else deferred.reject(value)
    value.dispose()
    deferred.dispose()
  }

  /** Runs jobs until the program finishes or can go no further without the host. */
  private pump() {
    for (;;) {
      if (this.fault || !this.promise) return this.finish({ ok: false, failure: this.fault ?? failure("internal", "Nothing to run") })
      const jobs = this.runtime.executePendingJobs(-1)
      if (jobs.error) {
        const error = this.describe(jobs.error)
        jobs.error.dispose()
        return this.finish({ ok: false, failure: this.fault ?? this.stopRequested() ?? this.classify(error) })
      }
      if (this.fault) continue
      const state = this.context.getPromiseState(this.promise)
      if (state.type === "fulfilled") {
        const json = this.serialize(state.value)
        state.value.dispose()
        return this.finish(json)
      }
      if (state.type === "rejected") {
        const error = this.describe(state.error)
        state.error.dispose()
        return this.finish({ ok: false, failure: this.stopRequested() ?? this.classify(error) })
      }
      if (this.replaying()) {
        const next = this.order[this.orderIndex++] ?? -1
        const entry = this.journal.get(next)
        if (!entry || !this.waiting.has(next)) {
          this.fault ??= failure(
            "replay_diverged",
            "The program did not make the same calls on replay; it must be deterministic apart from tool results",
            "ReplayDiverged"
          )
          continue
        }
        this.settle(next, entry.outcome)
        continue
      }
      const live = [...this.waiting.keys()].some((seq) => !this.journal.has(seq))
      if (!live) {
        this.fault = failure(
          "never_settles",
          "The program is waiting on a promise that can never settle (no tool call is in flight and the sandbox has no timers)"
        )
        continue
      }
      const calls = this.batch
      this.batch = []
      return this.reporter.idle(calls, this.progress())
    }
  }

  private progress(): Progress {
    const progress = { logs: this.logs, now: this.now, random: this.random, delivered: this.delivered }
    this.logs = []
    this.now = []
    this.random = []
    return progress
  }

  private serialize(value: QuickJSHandle): RunOutcome {
    if (!this.helpers) return { ok: false, failure: failure("internal", "The sandbox could not be prepared") }
    const result = this.context.callFunction(this.helpers.serialize, this.context.undefined, value)
    if (result.error) {
      const error = this.describe(result.error)
      result.error.dispose()
      if (/out of memory/i.test(error.message)) return { ok: false, failure: this.classify({ ...error, name: "InternalError" }) }
      return { ok: false, failure: this.stopRequested() ?? failure("not_serializable", `The result is not JSON-serializable: ${error.message}`) }
    }
    const json = this.context.typeof(result.value) === "string" ? this.context.getString(result.value) : undefined
    result.value.dispose()
    if (json !== undefined && json.length > this.limits.maxResultBytes) {
      return { ok: false, failure: failure("result_limit", `The result is larger than its limit (${this.limits.maxResultBytes} bytes)`) }
    }
    return { ok: true, json }
  }

  private describe(error: QuickJSHandle): { name: string; message: string; stack: string } {
    const fallback = { name: "Error", message: "The program threw a value that could not be read", stack: "" }
    if (!this.helpers) return fallback
    const result = this.context.callFunction(this.helpers.describe, this.context.undefined, error)
    if (result.error) {
      result.error.dispose()
      return fallback
    }
    const text = this.context.getString(result.value)
    result.value.dispose()
    const parsed: unknown = JSON.parse(text)
    if (typeof parsed !== "object" || parsed === null) return fallback
    const read = (key: string) => {
      const value: unknown = Reflect.get(parsed, key)
      return typeof value === "string" ? value : ""
    }
    return { name: read("name") || "Error", message: read("message"), stack: read("stack") }
  }

  private classify(error: { name: string; message: string; stack: string }): SandboxFailure {
    if (error.name === "InternalError" && /out of memory/i.test(error.message)) {
      return failure("memory", `The execution ran out of memory (limit ${this.limits.memoryBytes} bytes)`, "MemoryLimitExceeded")
    }
    if (/invalid (string|array) length|string too long/i.test(error.message) || (error.name === "RangeError" && /length/.test(error.message))) {
      return failure("memory", `The execution ran out of memory (limit ${this.limits.memoryBytes} bytes): ${error.message}`, "MemoryLimitExceeded")
    }
    if (error.name === "InternalError" && /stack overflow/i.test(error.message)) {
      return failure("stack", "Maximum call stack size exceeded (too much recursion)", "StackOverflow", error.stack)
    }
    if (error.name === "InternalError" && /interrupted/i.test(error.message)) {
      return this.stopRequested() ?? failure("timeout", `The execution ran out of time (limit ${this.limits.timeoutMs} ms)`)
    }
    return failure("uncaught", error.message, error.name, error.stack)
  }

  private finish(outcome: RunOutcome) {
    if (this.finished) return
    this.finished = true
    const progress = this.progress()
    this.dispose()
    this.reporter.done(outcome, progress)
  }

  private dispose() {
    for (const deferred of this.waiting.values()) deferred.dispose()
    this.waiting.clear()
    this.promise?.dispose()
    this.helpers?.describe.dispose()
    this.helpers?.serialize.dispose()
    this.context.dispose()
    this.runtime.dispose()
  }
}
