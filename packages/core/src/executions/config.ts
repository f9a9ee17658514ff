import { DEFAULT_LIMITS, type SandboxLimits } from "@executor/sandbox"
import { Context, Layer } from "effect"

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
