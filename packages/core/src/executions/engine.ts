import * as crypto from "node:crypto"
import { type Replay, SandboxPool } from "@executor/sandbox"
import { Deferred, Effect, Option, Runtime } from "effect"
import { ExecutionFinishedError, ExecutionNotFoundError, ExecutionNotPaused, type ExecutionQueueFullError } from "../domain/errors"
import {
  type Execution,
  type ExecutionErrorInfo,
  type ExecutionEvent,
  type ExecutePayload,
  type ExecutionResponse,
  type ResumePayload
} from "../domain/execution"
import { type ExecutionFilter, type ExecutionRow, ExecutionsRepo } from "../storage/executions-repo"
import { Catalog } from "../services/catalog"
import { Invoker } from "../services/invoker"
import type { Active } from "./active"
import { ExecutionsConfig } from "./config"
import { eventStream, makeListeners, mergeEvents } from "./event-stream"
import { responseOf } from "./responses"
import { jsonValue, makeRunDriver } from "./run-driver"
import { makeSlots } from "./slots"

export { ExecutionsConfig, type ExecutionsOptions } from "./config"

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

    const { emit, flush, rowOf, launch } = makeRunDriver({ options, repo, invoker, catalog, runFork, slots, pool, active, listeners })

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
