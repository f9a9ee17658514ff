import { Deferred, Effect, Exit, FiberId } from "effect"
import { ExecutionQueueFullError } from "../domain/errors"

/**
 * The bound on concurrently running executions. Beyond it a request waits in a
 * bounded line (first come, first served); when the line is full it is refused
 * with a 429 at once rather than left hanging.
 */
export const makeSlots = (max: number, maxQueued: number) => {
  let running = 0
  const waiting: Array<Deferred.Deferred<void>> = []

  const release = () => {
    const next = waiting.shift()
    if (next) Deferred.unsafeDone(next, Exit.void)
    else running--
  }

  const acquire: Effect.Effect<void, ExecutionQueueFullError> = Effect.suspend(() => {
    if (running < max) {
      running++
      return Effect.void
    }
    if (waiting.length >= maxQueued) {
      return Effect.fail(
        new ExecutionQueueFullError({
          message: `Too many executions: ${running} running and ${waiting.length} waiting (limits ${max} and ${maxQueued}); retry later`,
          running,
          queued: waiting.length
        })
      )
    }
    const turn = Deferred.unsafeMake<void>(FiberId.none)
    waiting.push(turn)
    return Deferred.await(turn).pipe(
      Effect.onInterrupt(() =>
        Effect.sync(() => {
          const index = waiting.indexOf(turn)
          // Interrupted after the slot was handed over: give it to the next in line.
          if (index >= 0) waiting.splice(index, 1)
          else release()
        })
      )
    )
  })

  return { acquire, release, stats: () => ({ running, queued: waiting.length, max, maxQueued }) }
}

export type Slots = ReturnType<typeof makeSlots>
