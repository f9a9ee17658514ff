import type { CallOutcome, CallRequest, Progress, Replay, RunOutcome, SandboxPool } from "@executor/sandbox"
import { Deferred, Effect, Either, Exit, Schema } from "effect"
import type { ExecutionErrorInfo, ExecutionEvent, ExecutionResponse, ResumeAction, ToolCallRecord } from "../domain/execution"
import type { ExecutionRow, ExecutionsRepo } from "../storage/executions-repo"
import type { Catalog } from "../services/catalog"
import type { Invoker } from "../services/invoker"
import { type Active, approvalInteraction, MAX_LOG_RECORDS, newEvent, preview } from "./active"
import { discover } from "./discovery"
import type { makeListeners } from "./event-stream"
import { finishedResponse, pausedResponse } from "./responses"
import type { makeSlots } from "./slots"
import type { ExecutionsOptions } from "./config"

const parseJson = Schema.decodeUnknownEither(Schema.parseJson())
export const jsonValue = (text: string | null | undefined): unknown =>
  text === null || text === undefined || text === "" ? undefined : Either.getOrUndefined(parseJson(text))

const DISCOVERY_PATHS: ReadonlySet<string> = new Set(["search", "describe.tool"])

export interface RunDriverDeps {
  readonly options: ExecutionsOptions
  readonly repo: ExecutionsRepo
  readonly invoker: Invoker
  readonly catalog: Catalog
  readonly runFork: <A, E>(effect: Effect.Effect<A, E>) => unknown
  readonly slots: ReturnType<typeof makeSlots>
  readonly pool: SandboxPool
  /** Runs in this process, by execution id. */
  readonly active: Map<string, Active>
  readonly listeners: ReturnType<typeof makeListeners>
}

/**
 * Drives one run of an execution in a sandbox worker: answers its tool calls
 * through the invoke verb, records calls, logs and events, pauses it when every
 * call it waits on needs a person, and settles it (row and events written in one
 * go) when it pauses or ends.
 */
export const makeRunDriver = ({ options, repo, invoker, catalog, runFork, slots, pool, active, listeners }: RunDriverDeps) => {
  const emit = (state: Active, type: ExecutionEvent["type"], payload: unknown) => {
    const event = newEvent(state, type, payload)
    state.buffer.push(event)
    listeners.publish(event)
    if (state.buffer.length >= 256) runFork(flush(state))
    else if (state.flushTimer === undefined) {
      state.flushTimer = setTimeout(() => {
        state.flushTimer = undefined
        runFork(flush(state))
      }, options.flushMs)
    }
  }

  // Flushes run one at a time per execution so events reach storage in order.
  const flushLocks = new Map<string, Effect.Semaphore>()
  const lockOf = (id: string) => {
    let lock = flushLocks.get(id)
    if (!lock) {
      lock = Effect.unsafeMakeSemaphore(1)
      flushLocks.set(id, lock)
    }
    return lock
  }
  const flush = (state: Active, row?: ExecutionRow) =>
    lockOf(state.id).withPermits(1)(
      Effect.suspend(() => {
        const events = state.buffer
        state.buffer = []
        return events.length === 0 && !row ? Effect.void : repo.save(row, events)
      })
    )

  const rowOf = (state: Active, patch: Partial<ExecutionRow>): ExecutionRow => {
    const now = Date.now()
    return {
      ...state.base,
      logs: state.logs,
      toolCalls: state.toolCalls,
      toolCallCount: state.toolCalls.length,
      toolCallMs: Math.round(state.toolCallMs),
      totalMs: Math.round(state.runningMsBefore + (now - state.segmentStartedAt)),
      updatedAt: now,
      ...patch
    }
  }

  const recordProgress = (state: Active, progress: Progress) => {
    for (const entry of progress.logs) {
      if (state.logs.length < MAX_LOG_RECORDS) state.logs.push(entry)
      emit(state, "console", entry)
    }
    state.journal.logCount += progress.logs.length
    state.journal.now.push(...progress.now)
    state.journal.random.push(...progress.random)
  }

  const answer = (state: Active, request: CallRequest, outcome: CallOutcome) => {
    if (state.settledAs) return
    state.journal.calls.push({ ...request, outcome })
    state.journal.order.push(request.seq)
    state.answersSent++
    state.idle = false
    state.handle?.answer(request.seq, outcome)
  }

  const recordCall = (state: Active, record: ToolCallRecord, result: unknown) => {
    state.toolCalls.push(record)
    state.toolCallMs += record.durationMs
    emit(state, "tool.result", { address: record.address, outcome: record.outcome, durationMs: record.durationMs, ...(result ?? {}) })
  }

  const invokeCall = (state: Active, request: CallRequest, address: string, args: unknown, approved: boolean) => {
    const abort = new AbortController()
    state.aborts.add(abort)
    state.inFlight++
    const startedAt = Date.now()
    const started = performance.now()
    runFork(
      invoker.invoke(address, args, { approved: approved || state.base.autoApprove, signal: abort.signal }).pipe(
        Effect.map((outcome) => {
          state.aborts.delete(abort)
          state.inFlight--
          if (state.settledAs) return
          if (outcome._tag === "NeedsApproval") {
            state.held.set(request.seq, { request, interaction: approvalInteraction(request.seq, outcome.tool, args) })
            return maybePause(state)
          }
          const durationMs = Math.round((performance.now() - started) * 1000) / 1000
          const result = outcome.result
          const json = JSON.stringify(result)
          const kind = result.ok ? "ok" : result.error.code === "tool_blocked" ? "blocked" : result.error.code === "tool_not_found" ? "not_found" : "error"
          recordCall(
            state,
            { address, arguments: args, outcome: kind, ...(result.ok ? {} : { errorCode: result.error.code }), durationMs, startedAt },
            { result: preview(json, result) }
          )
          answer(state, request, { ok: true, json })
        })
      )
    )
  }

  const handleCall = (state: Active, request: CallRequest) => {
    const args = jsonValue(request.args)
    if (DISCOVERY_PATHS.has(request.path)) {
      state.inFlight++
      runFork(
        Effect.map(discover(catalog, request.path, args), (outcome) => {
          state.inFlight--
          answer(state, request, outcome)
        })
      )
      return
    }
    const address = `tools.${request.path}`
    const decision = state.decisions.get(request.seq)
    if (decision === undefined) emit(state, "tool.called", { address, arguments: args, call: request.seq })
    if (decision === undefined || decision === "accept") return invokeCall(state, request, address, args, decision === "accept")
    const outcome = decision === "decline" ? "declined" : "cancelled"
    const message = `The call to ${address} was ${outcome} by the user`
    recordCall(state, { address, arguments: args, outcome, durationMs: 0, startedAt: Date.now() }, { error: message })
    answer(state, request, { ok: false, name: "ToolCallDeclined", message })
  }

  const onIdle = (state: Active, calls: ReadonlyArray<CallRequest>, progress: Progress) => {
    if (state.settledAs) return
    recordProgress(state, progress)
    state.idle = progress.delivered === state.answersSent
    for (const call of calls) handleCall(state, call)
    maybePause(state)
  }

  /** A run pauses once the sandbox is idle and every call it waits on needs a person. */
  const maybePause = (state: Active) => {
    if (state.settledAs || !state.idle || state.inFlight > 0 || state.held.size === 0) return
    state.settledAs = "paused"
    state.handle?.stop("cancelled")
    const held = [...state.held.values()].sort((a, b) => a.request.seq - b.request.seq)
    const first = held[0]
    if (!first) return
    emit(state, "execution.paused", { interaction: first.interaction })
    const now = Date.now()
    const row = rowOf(state, {
      status: "paused",
      pending: { interaction: first.interaction, seq: first.request.seq, waiting: held.map((h) => h.request) },
      journal: { ...state.journal, runningMs: state.runningMsBefore + (now - state.segmentStartedAt) }
    })
    settle(state, row, pausedResponse(state.id, first.interaction))
  }

  const onDone = (state: Active, outcome: RunOutcome, progress: Progress) => {
    if (state.settledAs) return
    state.settledAs = "finished"
    recordProgress(state, progress)
    for (const abort of state.aborts) abort.abort()
    const result = outcome.ok ? jsonValue(outcome.json) : undefined
    const error: ExecutionErrorInfo | null = outcome.ok ? null : outcome.failure
    const status = outcome.ok ? "completed" : outcome.failure.kind === "cancelled" || state.cancelRequested ? "cancelled" : "failed"
    emit(state, `execution.${status}`, outcome.ok ? { result: preview(outcome.json ?? "null", result ?? null) } : { error })
    const row = rowOf(state, {
      status,
      result: outcome.ok ? (outcome.json ?? null) : null,
      error,
      pending: null,
      journal: null,
      completedAt: Date.now()
    })
    settle(state, row, finishedResponse(state.id, status, result, error, state.logs))
  }

  /** Persists the row with every buffered event, then frees the slot and answers whoever waits. */
  const settle = (state: Active, row: ExecutionRow, response: ExecutionResponse) => {
    if (state.flushTimer !== undefined) clearTimeout(state.flushTimer)
    state.flushTimer = undefined
    runFork(
      flush(state, row).pipe(
        Effect.ensuring(
          Effect.sync(() => {
            active.delete(state.id)
            flushLocks.delete(state.id)
            slots.release()
          })
        ),
        Effect.exit,
        Effect.flatMap((exit) => Deferred.done(state.settled, Exit.as(exit, response))),
        Effect.asVoid
      )
    )
  }

  /** Starts (or re-runs) an execution in a sandbox; the caller holds a slot. */
  const launch = (row: ExecutionRow, nextSequence: number, replay: Replay | null, decisions: Map<number, ResumeAction>) =>
    Effect.gen(function* () {
      const settled = yield* Deferred.make<ExecutionResponse>()
      const runningMsBefore = row.journal?.runningMs ?? 0
      const state: Active = {
        id: row.id,
        base: row,
        nextSequence,
        buffer: [],
        journal: {
          calls: [...(replay?.calls ?? [])],
          order: [...(replay?.order ?? [])],
          now: [...(replay?.now ?? [])],
          random: [...(replay?.random ?? [])],
          logCount: replay?.logCount ?? 0
        },
        toolCalls: [...row.toolCalls],
        logs: [...row.logs],
        toolCallMs: row.toolCallMs,
        held: new Map(),
        decisions,
        aborts: new Set(),
        inFlight: 0,
        idle: false,
        answersSent: 0,
        handle: undefined,
        settledAs: undefined,
        cancelRequested: false,
        segmentStartedAt: Date.now(),
        runningMsBefore,
        settled,
        flushTimer: undefined
      }
      active.set(row.id, state)
      state.handle = pool.run({
        id: row.id,
        code: row.code,
        limits: { ...options.limits, timeoutMs: Math.max(1, row.timeoutMs - runningMsBefore) },
        replay,
        onIdle: (calls, progress) => onIdle(state, calls, progress),
        onDone: (outcome, progress) => onDone(state, outcome, progress)
      })
      return state
    })

  return { emit, flush, rowOf, launch } as const
}
