import * as crypto from "node:crypto"
import {
  type CallOutcome,
  type CallRequest,
  DEFAULT_LIMITS,
  type Progress,
  type Replay,
  type RunOutcome,
  SandboxPool,
  type SandboxLimits
} from "@executor/sandbox"
import { Context, Deferred, Effect, Either, Exit, Layer, Option, Runtime, Schema } from "effect"
import { ExecutionFinishedError, ExecutionNotFoundError, ExecutionNotPaused, type ExecutionQueueFullError } from "../domain/errors"
import {
  type Execution,
  type ExecutionErrorInfo,
  type ExecutionEvent,
  type ExecutePayload,
  type ExecutionResponse,
  type ResumeAction,
  type ResumePayload,
  type ToolCallRecord
} from "../domain/execution"
import { type ExecutionFilter, type ExecutionRow, ExecutionsRepo } from "../storage/executions-repo"
import { Catalog } from "../services/catalog"
import { Invoker } from "../services/invoker"
import { type Active, approvalInteraction, MAX_LOG_RECORDS, newEvent, preview } from "./active"
import { discover } from "./discovery"
import { eventStream, makeListeners, mergeEvents } from "./event-stream"
import { finishedResponse, pausedResponse, responseOf } from "./responses"
import { makeSlots } from "./slots"

export interface ExecutionsOptions {
  /** Executions running at once (one sandbox worker thread each). */
  readonly maxConcurrent: number
  /** Executions waiting for a slot before new ones are refused with a 429. */
  readonly maxQueued: number
  readonly limits: SandboxLimits
  readonly workerFile?: string | undefined
  /** Events are flushed to storage at least this often while an execution runs. */
  readonly flushMs: number
}

export class ExecutionsConfig extends Context.Tag("executor/core/ExecutionsConfig")<ExecutionsConfig, ExecutionsOptions>() {
  static readonly defaults: ExecutionsOptions = { maxConcurrent: 4, maxQueued: 64, limits: DEFAULT_LIMITS, flushMs: 50 }
  static layer(options: Partial<ExecutionsOptions> = {}) {
    return Layer.succeed(ExecutionsConfig, { ...ExecutionsConfig.defaults, ...options })
  }
}

const parseJson = Schema.decodeUnknownEither(Schema.parseJson())
const jsonValue = (text: string | null | undefined): unknown =>
  text === null || text === undefined || text === "" ? undefined : Either.getOrUndefined(parseJson(text))

const DISCOVERY_PATHS: ReadonlySet<string> = new Set(["search", "describe.tool"])

const cancelledWhilePaused: ExecutionErrorInfo = {
  kind: "cancelled",
  name: "ExecutionCancelled",
  message: "The execution was cancelled while paused"
}

const interrupted: ExecutionErrorInfo = {
  kind: "interrupted",
  name: "ExecutionInterrupted",
  message: "The execution was interrupted: the daemon stopped while it was running"
}

/**
 * Executions: each one runs in a sandbox worker, its tool calls come back here
 * through the one invoke verb, and everything it does is appended to its event
 * log. A call that needs a person pauses the execution durably: the worker is
 * released, and a resume re-runs the code against the journal.
 */
export class Executions extends Effect.Service<Executions>()("executor/core/Executions", {
  scoped: Effect.gen(function* () {
    const options = yield* ExecutionsConfig
    const repo = yield* ExecutionsRepo
    const invoker = yield* Invoker
    const catalog = yield* Catalog
    const runtime = yield* Effect.runtime<never>()
    const runFork = Runtime.runFork(runtime)
    const slots = makeSlots(options.maxConcurrent, options.maxQueued)
    const pool = yield* Effect.acquireRelease(
      Effect.sync(
        () =>
          new SandboxPool({
            size: options.maxConcurrent,
            warm: 1,
            ...(options.workerFile ? { workerFile: options.workerFile } : {})
          })
      ),
      (p) => Effect.promise(() => p.close())
    )
    const active = new Map<string, Active>()
    const listeners = makeListeners()

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

    const getRow = Effect.fn("Executions.getRow")(function* (id: string) {
      const found = yield* repo.get(id)
      if (Option.isNone(found)) return yield* Effect.fail(ExecutionNotFoundError.of(id))
      return found.value
    })

    const toExecution = (row: ExecutionRow): Execution => {
      const live = active.get(row.id)
      const view = live && !live.settledAs ? rowOf(live, { status: "running" }) : row
      return {
        id: view.id,
        status: view.status,
        code: view.code,
        labels: view.labels,
        result: jsonValue(view.result) ?? null,
        error: view.error,
        logs: view.logs,
        toolCalls: view.toolCalls,
        timing: { totalMs: view.totalMs, toolCallMs: view.toolCallMs },
        pendingInteraction: view.status === "paused" ? (view.pending?.interaction ?? null) : null,
        timeoutMs: view.timeoutMs,
        autoApprove: view.autoApprove,
        createdAt: view.createdAt,
        updatedAt: view.updatedAt,
        completedAt: view.completedAt
      }
    }

    /** Ends an execution no sandbox here is running: the row and its terminal event, in one transaction. */
    const endStored = Effect.fn("Executions.endStored")(function* (
      row: ExecutionRow,
      status: "failed" | "cancelled",
      error: ExecutionErrorInfo
    ) {
      const now = Date.now()
      const event: ExecutionEvent = {
        id: `evt_${crypto.randomUUID()}`,
        executionId: row.id,
        sequence: (yield* repo.latestSequence(row.id)) + 1,
        type: `execution.${status}`,
        timestamp: now,
        payload: { error }
      }
      yield* repo.save({ ...row, status, error, pending: null, journal: null, updatedAt: now, completedAt: now }, [event])
      listeners.publish(event)
    })

    const get = Effect.fn("Executions.get")(function* (id: string) {
      return toExecution(yield* getRow(id))
    })

    const execute = Effect.fn("Executions.execute")(function* (payload: ExecutePayload) {
      yield* slots.acquire
      const now = Date.now()
      const row: ExecutionRow = {
        id: `exe_${crypto.randomUUID()}`,
        status: "running",
        code: payload.code,
        labels: payload.labels ?? {},
        timeoutMs: payload.timeoutMs ?? options.limits.timeoutMs,
        autoApprove: payload.autoApprove ?? false,
        result: null,
        error: null,
        logs: [],
        toolCalls: [],
        toolCallCount: 0,
        totalMs: 0,
        toolCallMs: 0,
        pending: null,
        journal: null,
        lastDecision: null,
        createdAt: now,
        updatedAt: now,
        completedAt: null
      }
      const created: ExecutionEvent = {
        id: `evt_${crypto.randomUUID()}`,
        executionId: row.id,
        sequence: 1,
        type: "execution.created",
        timestamp: now,
        payload: { labels: row.labels, timeoutMs: row.timeoutMs, autoApprove: row.autoApprove }
      }
      yield* repo.create(row, [created]).pipe(Effect.onError(() => Effect.sync(slots.release)))
      const state = yield* launch(row, 2, null, new Map())
      return yield* Deferred.await(state.settled)
    })

    /** Waits for a run in this process to pause or end, then answers from the stored record. */
    const outcomeOf = Effect.fn("Executions.outcomeOf")(function* (id: string) {
      const live = active.get(id)
      if (live) return yield* Deferred.await(live.settled)
      const row = yield* getRow(id)
      return responseOf(toExecution(row))
    })

    const resume: (
      id: string,
      payload: ResumePayload
    ) => Effect.Effect<ExecutionResponse, ExecutionNotFoundError | ExecutionNotPaused | ExecutionQueueFullError> = Effect.fn(
      "Executions.resume"
    )(function* (id: string, payload: ResumePayload) {
      const row = yield* getRow(id)
      const same = row.lastDecision?.action === payload.action &&
        (payload.interactionId === undefined || payload.interactionId === row.lastDecision.interactionId)
      const pending = row.pending
      if (row.status !== "paused" || !pending || (payload.interactionId !== undefined && payload.interactionId !== pending.interaction.id)) {
        if (same) {
          const outcome = yield* outcomeOf(id)
          if (outcome) return outcome
        }
        return yield* Effect.fail(
          new ExecutionNotPaused({
            executionId: id,
            status: row.status,
            message:
              row.status === "paused"
                ? `Execution ${id} is waiting on a different interaction (${pending?.interaction.id})`
                : `Execution ${id} is ${row.status}, not paused; it has no decision to take`
          })
        )
      }
      yield* slots.acquire
      const now = Date.now()
      if (!(yield* repo.claim(id, now))) {
        slots.release()
        return yield* resume(id, payload)
      }
      const latest = yield* repo.latestSequence(id)
      const { runningMs: _runningMs, ...journal } = row.journal ?? { calls: [], order: [], now: [], random: [], logCount: 0, runningMs: 0 }
      const replay: Replay = { ...journal, waiting: pending.waiting }
      const decision = { interactionId: pending.interaction.id, action: payload.action }
      const state = yield* launch(
        { ...row, status: "running", pending: null, lastDecision: decision, updatedAt: now },
        latest + 1,
        replay,
        new Map([[pending.seq, payload.action]])
      )
      emit(state, "execution.resumed", decision)
      return yield* Deferred.await(state.settled)
    })

    const cancel = Effect.fn("Executions.cancel")(function* (id: string) {
      const live = active.get(id)
      if (live && !live.settledAs) {
        live.cancelRequested = true
        for (const abort of live.aborts) abort.abort()
        live.handle?.stop("cancelled")
        yield* Deferred.await(live.settled)
        return yield* get(id)
      }
      const row = yield* getRow(id)
      if (row.status === "paused" && (yield* repo.claim(id, Date.now()))) {
        yield* endStored(row, "cancelled", cancelledWhilePaused)
        return yield* get(id)
      }
      if (active.has(id)) {
        yield* outcomeOf(id)
        return yield* get(id)
      }
      return yield* Effect.fail(
        new ExecutionFinishedError({ executionId: id, status: row.status, message: `Execution ${id} already ended (${row.status}); there is nothing to cancel` })
      )
    })

    const list = Effect.fn("Executions.list")(function* (filter: ExecutionFilter) {
      const rows = yield* repo.list({ ...filter, limit: filter.limit + 1 })
      const page = rows.slice(0, filter.limit)
      const last = page.at(-1)
      return {
        items: page.map((r) => ({
          id: r.id,
          status: active.has(r.id) && r.status === "running" ? ("running" as const) : r.status,
          labels: r.labels,
          error: r.error?.message ?? null,
          toolCallCount: r.toolCallCount,
          timing: { totalMs: r.totalMs, toolCallMs: r.toolCallMs },
          createdAt: r.createdAt,
          updatedAt: r.updatedAt,
          completedAt: r.completedAt
        })),
        nextCursor: rows.length > filter.limit && last ? Buffer.from(JSON.stringify([last.createdAt, last.id])).toString("base64url") : null
      }
    })

    /** Stored events after a sequence, with those not yet flushed. */
    const events = Effect.fn("Executions.events")(function* (id: string, afterSequence: number, limit: number) {
      yield* getRow(id)
      const live = active.get(id)
      const buffered = live ? live.buffer.filter((e) => e.sequence > afterSequence) : []
      const stored = yield* repo.events(id, afterSequence, limit)
      const merged = mergeEvents(stored, buffered).slice(0, limit)
      const latestSequence = live ? live.nextSequence - 1 : yield* repo.latestSequence(id)
      return { events: merged, latestSequence }
    })

    const stream = (id: string, afterSequence: number) =>
      eventStream({ id, afterSequence, getRow, readEvents: repo.events, listeners, live: () => active.get(id) })

    /** Executions that were running when the process stopped cannot continue: they end as failed. */
    const recover = Effect.gen(function* () {
      for (const id of yield* repo.idsWithStatus("running")) yield* endStored(yield* getRow(id), "failed", interrupted)
    })
    yield* recover.pipe(Effect.catchAllCause((cause) => Effect.logError("recovering interrupted executions failed", cause)))

    // Pending flushes and running sandboxes end with the process; a stopped run is recovered as failed at next boot.
    yield* Effect.addFinalizer(() =>
      Effect.forEach([...active.values()], (state) => flush(state), { discard: true }).pipe(Effect.ignore)
    )

    return { execute, resume, cancel, get, list, events, stream, stats: () => ({ ...slots.stats(), pool: pool.stats }) } as const
  })
}) {}
