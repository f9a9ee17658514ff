import * as fs from "node:fs"
import { fileURLToPath } from "node:url"
import { Worker } from "node:worker_threads"
import {
  type CallOutcome,
  type CallRequest,
  type FromWorker,
  type Progress,
  type Replay,
  type RunOutcome,
  type SandboxLimits,
  STOP_CANCELLED,
  STOP_NONE,
  type ToWorker
} from "./protocol"

export interface SandboxJob {
  readonly id: string
  readonly code: string
  readonly limits: SandboxLimits
  readonly replay: Replay | null
  /** The program is waiting on these calls (and on any it reported before). */
  readonly onIdle: (calls: ReadonlyArray<CallRequest>, progress: Progress) => void
  /** Called exactly once. */
  readonly onDone: (outcome: RunOutcome, progress: Progress) => void
}

export interface SandboxHandle {
  readonly answer: (seq: number, outcome: CallOutcome) => void
  readonly stop: (reason: "cancelled" | "timeout") => void
}

export interface SandboxPoolOptions {
  /** Worker threads at most; each runs one execution at a time. */
  readonly size: number
  /** Workers started ahead of the first execution. */
  readonly warm?: number
  /** How long past its deadline (or a stop) a worker may stay silent before it is terminated. */
  readonly graceMs?: number
  readonly workerFile?: string
}

interface Slot {
  readonly worker: Worker
  readonly stop: Int32Array
  ready: boolean
  job: SandboxJob | undefined
  watchdog: ReturnType<typeof setTimeout> | undefined
}

const EMPTY_PROGRESS: Progress = { logs: [], now: [], random: [], delivered: 0 }

/**
 * The bundled worker sits next to whichever file this module was bundled into;
 * from source it is the one `pnpm build` writes to `packages/sandbox/dist`.
 */
export const defaultWorkerFile = (): string => {
  const candidates = [new URL("./sandbox-worker.mjs", import.meta.url), new URL("../dist/sandbox-worker.mjs", import.meta.url)]
  const found = candidates.map((url) => fileURLToPath(url)).find((file) => fs.existsSync(file))
  if (!found) throw new Error("The sandbox worker bundle is missing: run `pnpm build` first")
  return found
}

/**
 * A pool of sandbox worker threads. Jobs beyond the pool's size wait in order;
 * callers bound how many they submit. A worker that stops answering (past its
 * deadline plus a grace period) is terminated and replaced, failing only its job.
 */
export class SandboxPool {
  private readonly slots = new Set<Slot>()
  private readonly queue: Array<{ job: SandboxJob; started: (slot: Slot) => void }> = []
  private readonly workerFile: string
  private readonly graceMs: number
  private closed = false

  constructor(private readonly options: SandboxPoolOptions) {
    this.workerFile = options.workerFile ?? defaultWorkerFile()
    this.graceMs = options.graceMs ?? 2_000
    for (let i = 0; i < Math.min(options.warm ?? 0, options.size); i++) this.spawn()
  }

  get stats() {
    const all = [...this.slots]
    return { workers: all.length, busy: all.filter((s) => s.job).length, queued: this.queue.length }
  }

  run(job: SandboxJob): SandboxHandle {
    let slot: Slot | undefined
    let pending: Array<ToWorker> = []
    const post = (message: ToWorker) => (slot ? slot.worker.postMessage(message) : pending.push(message))
    this.queue.push({
      job,
      started: (s) => {
        slot = s
        for (const message of pending) s.worker.postMessage(message)
        pending = []
      }
    })
    this.dispatch()
    return {
      answer: (seq, outcome) => {
        if (!slot || slot.job === job) post({ type: "answer", id: job.id, seq, outcome })
      },
      stop: (reason) => {
        if (slot && slot.job !== job) return
        if (!slot) {
          this.queue.splice(this.queue.findIndex((q) => q.job === job), 1)
          job.onDone({ ok: false, failure: { kind: "cancelled", name: "ExecutionError", message: "The execution was cancelled" } }, EMPTY_PROGRESS)
          return
        }
        if (reason === "cancelled") Atomics.store(slot.stop, 0, STOP_CANCELLED)
        post({ type: "stop", id: job.id, reason })
        this.arm(slot, this.graceMs)
      }
    }
  }

  private dispatch() {
    while (this.queue.length > 0 && !this.closed) {
      const free = [...this.slots].find((s) => s.ready && !s.job)
      if (!free) {
        const starting = [...this.slots].filter((s) => !s.ready).length
        const wanted = Math.min(this.queue.length - starting, this.options.size - this.slots.size)
        for (let i = 0; i < wanted; i++) this.spawn()
        return
      }
      const next = this.queue.shift()
      if (!next) return
      free.job = next.job
      Atomics.store(free.stop, 0, STOP_NONE)
      this.arm(free, next.job.limits.timeoutMs + this.graceMs)
      free.worker.postMessage({ type: "run", id: next.job.id, code: next.job.code, limits: next.job.limits, replay: next.job.replay } satisfies ToWorker)
      next.started(free)
    }
  }

  private spawn() {
    const buffer = new SharedArrayBuffer(4)
    const worker = new Worker(this.workerFile, { workerData: { stop: buffer }, stdout: false, stderr: false })
    const slot: Slot = { worker, stop: new Int32Array(buffer), ready: false, job: undefined, watchdog: undefined }
    this.slots.add(slot)
    worker.on("message", (message: FromWorker) => this.onMessage(slot, message))
    worker.on("error", () => this.retire(slot, "The sandbox worker failed"))
    worker.on("exit", () => this.retire(slot, "The sandbox worker stopped unexpectedly"))
  }

  private onMessage(slot: Slot, message: FromWorker) {
    switch (message.type) {
      case "ready":
        slot.ready = true
        return this.dispatch()
      case "idle":
        if (slot.job?.id === message.id) slot.job.onIdle(message.calls, message)
        return
      case "done": {
        const job = slot.job
        if (job?.id !== message.id) return
        this.disarm(slot)
        slot.job = undefined
        job.onDone(message.outcome, message)
        return this.dispatch()
      }
    }
  }

  private arm(slot: Slot, ms: number) {
    this.disarm(slot)
    slot.watchdog = setTimeout(() => {
      const reason = Atomics.load(slot.stop, 0) === STOP_CANCELLED ? "cancelled" : "timeout"
      void slot.worker.terminate()
      this.retire(slot, reason === "cancelled" ? "The execution was cancelled" : "The execution ran out of time", reason)
    }, ms)
    slot.watchdog.unref()
  }

  private disarm(slot: Slot) {
    if (slot.watchdog !== undefined) clearTimeout(slot.watchdog)
    slot.watchdog = undefined
  }

  /** Drops a worker for good, failing the job it held. */
  private retire(slot: Slot, message: string, kind: "internal" | "cancelled" | "timeout" = "internal") {
    if (!this.slots.delete(slot)) return
    this.disarm(slot)
    const job = slot.job
    slot.job = undefined
    if (job) job.onDone({ ok: false, failure: { kind, name: "ExecutionError", message } }, EMPTY_PROGRESS)
    if (!this.closed) this.dispatch()
  }

  async close() {
    this.closed = true
    const all = [...this.slots]
    this.slots.clear()
    for (const slot of all) this.disarm(slot)
    await Promise.all(all.map((slot) => slot.worker.terminate()))
  }
}
